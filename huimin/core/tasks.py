"""Background tasks shared by the apps (run by the database-backed task worker)."""

from django.apps import apps
from django.db import transaction
from django_tasks import task
from modelsearch import index
from wagtail.models import ReferenceIndex


@task()
def index_pages_task(app_label: str, model_name: str, pks: list[int]) -> int:
    """Update the search and reference indexes of a batch of pages written in bulk; returns how many.

    One task per batch instead of the two per page that saving each page would queue. Pages deleted since
    are skipped.
    """
    model = apps.get_model(app_label, model_name)
    count = 0
    for page in model.objects.filter(pk__in=pks).iterator(chunk_size=200):
        index.insert_or_update_object(page)
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(page)
        count += 1
    return count


def queue_page_indexing(pages) -> None:
    """Queue `index_pages_task` for pages of one type, once for the lot."""
    pages = list(pages)
    if pages:
        meta = pages[0]._meta
        index_pages_task.enqueue(meta.app_label, meta.model_name, [page.pk for page in pages])
