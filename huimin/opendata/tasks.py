"""Background work of open data, run by the task worker: loading large files into the datastore."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task


@task()
def load_version_task(version_id: int) -> str:
    """Load a version stored as PENDING and make it current; returns its status afterwards."""
    from . import services

    version = services.load_pending(version_id, now=timezone.now())
    return version.status if version is not None else "gone"


@task()
def set_columns_task(version_id: int, columns: list[dict], actor_id: int) -> str:
    """An editor's change of column types on a large version: the table loaded again with the new types."""
    import logging

    from django.core.exceptions import PermissionDenied, ValidationError

    from . import services
    from .models import ResourceVersion

    logger = logging.getLogger(__name__)
    version = ResourceVersion.objects.select_related("resource").filter(pk=version_id).first()
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if version is None or actor is None:
        logger.warning("column change of version %s by user %s dropped: one is gone", version_id, actor_id)
        return "gone"
    try:
        services.set_columns(version, columns, actor=actor, now=timezone.now())
    except (ValidationError, PermissionDenied) as error:
        services.record_column_failure(version, error)
        return "failed"
    return "done"
