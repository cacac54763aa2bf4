"""Rate limits in Redis (REDIS_URL set): the same answers as in the database, counted once for every app
server, nothing in the database, no key in the clear; a real redis-server on loopback."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huimin.core import throttle
from huimin.core.models import Attempt

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOUR = timedelta(hours=1)


@pytest.fixture
def in_redis(settings, redis_server):
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    settings.REDIS_URL = redis_server
    return redis.Redis.from_url(redis_server)


def test_it_allows_up_to_the_limit_then_refuses_until_the_window_passes(in_redis):
    results = [throttle.hit("b", "10.0.0.1", limit=3, window=HOUR, now=NOW) for _ in range(4)]
    assert results == [True, True, True, False]
    assert throttle.exceeded("b", "10.0.0.1", limit=3, window=HOUR, now=NOW)
    assert not throttle.exceeded("b", "10.0.0.1", limit=4, window=HOUR, now=NOW)
    assert throttle.hit("b", "10.0.0.2", limit=3, window=HOUR, now=NOW)  # another key
    assert throttle.hit("other", "10.0.0.1", limit=3, window=HOUR, now=NOW)  # another bucket
    assert not throttle.exceeded("b", "10.0.0.1", limit=3, window=HOUR, now=NOW + HOUR)
    assert throttle.hit("b", "10.0.0.1", limit=3, window=HOUR, now=NOW + HOUR)
    keys = list(in_redis.scan_iter("huimin:throttle:b:*"))  # 10.0.0.1's and 10.0.0.2's
    assert len(keys) == 2
    # 10.0.0.1's three attempts left the window and were removed as the key was used again
    assert [in_redis.zcard(key) for key in keys] == [1, 1]
    assert all(0 < in_redis.pttl(key) <= HOUR.total_seconds() * 1000 + 1000 for key in keys)  # they expire
    assert not Attempt.objects.exists()  # nothing went to the database


def test_it_keeps_no_address_in_the_clear(in_redis):
    throttle.hit("b", "10.9.8.7", limit=3, window=HOUR, now=NOW)
    keys = [k.decode() for k in in_redis.scan_iter("*")]
    assert len(keys) == 1 and keys[0].startswith("huimin:throttle:b:")
    assert "10.9.8.7" not in keys[0]


def test_clearing_a_key_forgets_its_attempts_and_says_how_many(in_redis):
    for _ in range(3):
        throttle.hit("login-account", "alice", limit=3, window=HOUR, now=NOW)
    assert throttle.exceeded("login-account", "alice", limit=3, window=HOUR, now=NOW)
    assert throttle.clear("login-account", "alice") == 3
    assert not throttle.exceeded("login-account", "alice", limit=3, window=HOUR, now=NOW)
    assert throttle.clear("login-account", "alice") == 0


def test_concurrent_attempts_never_pass_the_limit(in_redis):
    """Many app servers' threads at once: the check and the count are one step, so exactly `limit` pass."""
    answers, lock = [], threading.Lock()

    def attempt():
        allowed = throttle.hit("race", "10.0.0.9", limit=10, window=HOUR, now=NOW)
        with lock:
            answers.append(allowed)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(True) == 10 and len(answers) == 40


def test_without_redis_the_database_keeps_the_counts(settings):
    settings.REDIS_URL = ""
    assert throttle.hit("b", "10.0.0.1", limit=1, window=HOUR, now=NOW)
    assert not throttle.hit("b", "10.0.0.1", limit=1, window=HOUR, now=NOW)
    assert Attempt.objects.filter(bucket="b").count() == 1
