"""Background work: keeping the item index in step with publishing. Each task recomputes from the page as it
is when the task runs, so a task run late, twice or out of order still leaves the right item."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def index_task(page_id: int) -> str:
    from . import services

    return "indexed" if services.index_page(page_id, now=timezone.now()) is not None else "removed"


@task()
def index_tree_task(page_id: int) -> int:
    """Recompute the items of a page and of the pages below it; returns how many are items now."""
    from wagtail.models import Page

    from . import services

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    now = timezone.now()
    ids = services.indexed_pages().filter(path__startswith=page.path).values_list("pk", flat=True)
    stale = services.Item.objects.filter(page__path__startswith=page.path).values_list("pk", flat=True)
    return sum(services.index_page(pk, now=now) is not None for pk in {*ids, *stale})


def queue_page(page_id: int) -> None:
    transaction.on_commit(partial(index_task.enqueue, page_id))


def queue_tree(page_id: int) -> None:
    transaction.on_commit(partial(index_tree_task.enqueue, page_id))
