"""A column with nothing in it, for tests of what an empty column shows and how it is judged (the demo's own
columns all have content)."""

from __future__ import annotations

from wagtail.models import Site

from huimin.sites import services
from huimin.sites.models import ColumnPage, ColumnType, OrgUnit


def blank_column(hostname: str, *, slug: str = "kong", title: str = "意见建议") -> ColumnPage:
    """A published 工作动态 column without articles under the home page of the site at `hostname`."""
    home = Site.objects.get(hostname=hostname).root_page
    return services.add_column(
        home,
        title=title,
        slug=slug,
        column_type=ColumnType.objects.get(name="工作动态"),
        description=f"{title}栏目",
        keywords=title,
        responsible_unit=OrgUnit.objects.order_by("pk").first(),
        responsible_person="张三",
    )
