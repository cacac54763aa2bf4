"""Background work of search: keeping a document in step with its source. Each task recomputes from the
source as it is when the task runs, so a task run late, twice or out of order still leaves the right
document. Signals and services queue them on commit (`queue`, `queue_page`, `queue_letter`, `queue_tree`)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def index_task(key: str) -> str:
    """Write or remove the document of `key` ("page:12", "letter:3"); returns what was done."""
    from . import services

    return "indexed" if services.refresh(key, now=timezone.now()) is not None else "removed"


@task()
def index_tree_task(page_id: int) -> int:
    """Recompute the documents of a page and the pages below it; returns how many were written."""
    from wagtail.models import Page

    from . import services

    page = Page.objects.filter(pk=page_id).first()
    return services.index_tree(page, now=timezone.now()) if page is not None else 0


_suspended = threading.local()


@contextmanager
def suspended():
    """Queue nothing from this thread meanwhile: for bulk builders that rebuild the index afterwards
    (`services.reindex`), so each page is not also indexed on its own."""
    _suspended.depth = getattr(_suspended, "depth", 0) + 1
    try:
        yield
    finally:
        _suspended.depth -= 1


def _queueing() -> bool:
    return not getattr(_suspended, "depth", 0)


def queue(key: str) -> None:
    """Queue `index_task(key)` once the current transaction commits (at once outside one)."""
    if _queueing():
        transaction.on_commit(partial(index_task.enqueue, key))


def queue_page(page_id: int) -> None:
    from .sources import page_key

    queue(page_key(page_id))


def queue_letter(letter_id: int) -> None:
    """For the letters services: a letter was published or taken back from publication."""
    from .sources import letter_key

    queue(letter_key(letter_id))


def queue_tree(page_id: int) -> None:
    if _queueing():
        transaction.on_commit(partial(index_tree_task.enqueue, page_id))
