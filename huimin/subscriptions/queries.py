"""Reads of precise push: an account's subscriptions and inbox, and the platform's record of deliveries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .enums import Channel, DeliveryStatus
from .models import Delivery, Publication, Subscription


def subscriptions_of(account) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(account=account)
        .select_related("page", "unit")
        .order_by("-created_at", "-pk")
    )


def inbox_of(account) -> QuerySet[Delivery]:
    """The account's inbox: its inbox deliveries, newest first."""
    return (
        Delivery.objects.filter(account=account, channel=Channel.INBOX, status=DeliveryStatus.SENT)
        .select_related("publication")
        .order_by("-queued_at", "-pk")
    )


def unread_count(account) -> int:
    return Delivery.objects.filter(
        account=account, channel=Channel.INBOX, status=DeliveryStatus.SENT, read_at__isnull=True
    ).count()


def publications() -> QuerySet[Publication]:
    """Publications with their deliveries counted by status (for the 推送记录 screen)."""
    return Publication.objects.annotate(
        total=Count("deliveries"),
        sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
        waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.QUEUED)),
        failed=Count(
            "deliveries", filter=Q(deliveries__status__in=(DeliveryStatus.FAILED, DeliveryStatus.SKIPPED))
        ),
    ).order_by("-created_at", "-pk")


def deliveries_of(publication: Publication) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(publication=publication)
        .select_related("account", "dispatch")
        .order_by("account_id", "channel")
    )
