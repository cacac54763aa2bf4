"""Background tasks of content safety (run by the database-backed task worker)."""

from django.utils import timezone
from django_tasks import task


@task()
def safety_sweep_task(site_id: int | None = None) -> dict:
    """The content-safety sweep over the live pages of one site (or the group), as `huimin safety-sweep`;
    returns its counts."""
    from wagtail.models import Site

    from .sweep import sweep

    site = Site.objects.select_related("root_page").get(pk=site_id) if site_id is not None else None
    return sweep(now=timezone.now(), site=site).as_json()
