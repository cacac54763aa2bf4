"""Rate limits in the database: counted per key and window, keys never stored in the clear."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from huimin.core import throttle
from huimin.core.models import Attempt

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOUR = timedelta(hours=1)


def test_it_allows_up_to_the_limit_then_refuses_until_the_window_passes():
    results = [throttle.hit("b", "10.0.0.1", limit=3, window=HOUR, now=NOW) for _ in range(4)]
    assert results == [True, True, True, False]
    assert throttle.exceeded("b", "10.0.0.1", limit=3, window=HOUR, now=NOW)
    assert throttle.hit("b", "10.0.0.2", limit=3, window=HOUR, now=NOW)  # another key
    assert throttle.hit("other", "10.0.0.1", limit=3, window=HOUR, now=NOW)  # another bucket
    assert throttle.hit("b", "10.0.0.1", limit=3, window=HOUR, now=NOW + HOUR)
    assert Attempt.objects.filter(bucket="b").count() == 1  # those that left the window were cleared


def test_it_keeps_no_address_in_the_clear():
    throttle.hit("b", "10.9.8.7", limit=3, window=HOUR, now=NOW)
    assert "10.9.8.7" not in Attempt.objects.get().key_hash


def test_an_unknown_key_is_not_limited():
    assert all(throttle.hit("b", "", limit=1, window=HOUR, now=NOW) for _ in range(3))


def test_attempts_that_left_the_window_are_deleted_as_the_bucket_is_used():
    throttle.hit("b", "k1", limit=9, window=HOUR, now=NOW - 3 * HOUR)
    throttle.hit("other", "k1", limit=9, window=HOUR, now=NOW - 3 * HOUR)
    throttle.hit("b", "k2", limit=9, window=HOUR, now=NOW)
    assert sorted(Attempt.objects.values_list("bucket", flat=True)) == ["b", "other"]


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    settings.HUIMIN_TRUSTED_PROXIES = ["127.0.0.1"]
    direct = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert throttle.client_ip(direct) == "10.0.0.5"
    proxied = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4")
    assert throttle.client_ip(proxied) == "1.2.3.4"
    forged = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert throttle.client_ip(forged) == "127.0.0.1"
