"""Background work of 网站工单 (Django's tasks API): the guide checker's sync and the reminders' sweep,
the same work as `huimin workorders-sync` and `huimin workorders-sweep`."""

from django_tasks import task


@task()
def sync_guides_task(hostname: str | None = None) -> dict:
    """Check the live guides of one site (by host name) or of every site, and sync their work orders."""
    from django.utils import timezone
    from wagtail.models import Site

    from . import findings

    sites = None if hostname is None else Site.objects.filter(hostname=hostname)
    return findings.sync_guides(timezone.now(), sites)


@task()
def sweep_task() -> dict:
    """Send the reminders due now (临期, 超期, 超期升级), one per order and level."""
    from django.utils import timezone

    from . import reminders

    return {str(level): count for level, count in reminders.sweep(timezone.now()).items()}
