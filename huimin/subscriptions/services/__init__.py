"""Every change of state of precise push: one function per change (see the modules).

- `subscriptions`: an account subscribes, changes or deletes a subscription, unsubscribes by a message's
  token, reads its inbox; personal data export and erasure.
- `publications`: a page published for the first time or changed in substance becomes a `Publication`,
  matched against every subscription, with its deliveries queued.
- `sending`: due deliveries leave by mail and SMS within the rate limits, alone or as digests.
"""

from .publications import PublishOutcome, publish, reach
from .sending import SendReport, release_digests, send_due
from .subscriptions import (
    UnsubscribeResult,
    delete_subscription,
    erase_account,
    export_account,
    mark_all_read,
    mark_read,
    subscribe,
    unsubscribe,
    update_subscription,
)

__all__ = [
    "PublishOutcome",
    "SendReport",
    "UnsubscribeResult",
    "delete_subscription",
    "erase_account",
    "export_account",
    "mark_all_read",
    "mark_read",
    "publish",
    "reach",
    "release_digests",
    "send_due",
    "subscribe",
    "unsubscribe",
    "update_subscription",
]
