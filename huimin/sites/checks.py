"""System checks that read the database: run them with `huimin check --database default`."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def check_site_identities(app_configs=None, databases=None, **kwargs):
    """Every site must carry its national identity (网站标识码 and the footer items)."""
    if not databases:
        return []
    from wagtail.models import Site

    from .models import SiteIdentity

    problems = []
    try:
        for site in Site.objects.all():
            identity = SiteIdentity.objects.filter(site=site).first()
            missing = identity.missing_items() if identity else ["全部标识信息"]
            if missing:
                problems.append(
                    Warning(
                        f"站点 {site.hostname} 缺少网站标识信息：{'、'.join(missing)}",
                        hint="在管理后台“设置 → 网站标识”中为该站点填写。",
                        obj=site,
                        id="huimin.W001",
                    )
                )
    except DatabaseError:
        return []
    return problems
