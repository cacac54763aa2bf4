"""A page of a pushed kind was published: queue its matching (the receiver only queues; the rule and the
work are in `services.publications`)."""

from __future__ import annotations

from wagtail.signals import page_published

PUSHED_MODELS = ("PolicyPage", "InterpretationPage", "ServiceGuidePage", "ArticlePage", "DatasetPage")


def _published(sender, instance, revision=None, **kwargs):
    if type(instance).__name__ in PUSHED_MODELS or getattr(sender, "__name__", "") in PUSHED_MODELS:
        from .tasks import queue_publication

        queue_publication(instance.pk, revision.pk if revision is not None else None)


def connect() -> None:
    page_published.connect(_published, dispatch_uid="huimin_subscriptions_published")
