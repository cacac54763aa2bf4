"""Which database answers (core/dbrouter.py, core/replica.py): the replica only for the reads of an
anonymous GET/HEAD of a public page or read API, outside transactions and before any write; sessions,
writes, the admin, the citizens' pages and everything after a write use the primary; migrations never
touch the replica."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import Page

from huimin.core import dbrouter
from huimin.core.replica import ReplicaReadsMiddleware

router = dbrouter.ReplicaRouter()
factory = RequestFactory()


@pytest.fixture
def outside_transactions(monkeypatch):
    """The primary's connection as a request sees it in production: no transaction open (the tests without
    database access never open one, but say so, whatever ran before in this thread)."""
    monkeypatch.setattr(connections[dbrouter.PRIMARY], "in_atomic_block", False)


def test_outside_a_request_that_allows_it_everything_reads_from_the_primary():
    assert router.db_for_read(Page) == "default"
    assert router.db_for_write(Page) == "default"


def test_inside_replica_reads_the_reads_go_to_the_replica(outside_transactions):
    with dbrouter.replica_reads():
        assert router.db_for_read(Page) == "replica"
        assert router.db_for_read(get_user_model()) == "replica"
        assert router.db_for_write(Page) == "default"  # writes never leave the primary
    assert router.db_for_read(Page) == "default"  # and the block ends with the request


def test_sessions_are_always_read_from_the_primary(outside_transactions):
    with dbrouter.replica_reads():
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(Page) == "replica"


def test_after_a_write_the_request_reads_from_the_primary(outside_transactions):
    with dbrouter.replica_reads():
        assert router.db_for_read(Page) == "replica"
        router.db_for_write(get_user_model())
        assert router.db_for_read(Page) == "default"
        assert router.db_for_read(get_user_model()) == "default"


def test_a_raw_statement_that_is_not_a_select_counts_as_a_write(outside_transactions):
    sent = []

    def execute(sql, params, many, context):
        sent.append(sql)

    with dbrouter.replica_reads() as state:
        watch = dbrouter._watch_primary(state)
        watch(execute, "  select 1", None, False, {})
        assert router.db_for_read(Page) == "replica"
        watch(execute, "UPDATE wagtailcore_page SET title = title", None, False, {})
        assert router.db_for_read(Page) == "default"
    assert sent == ["  select 1", "UPDATE wagtailcore_page SET title = title"]  # both were sent on


def test_the_watch_is_on_the_primary_connection_only_while_replica_reads_last():
    primary = connections[dbrouter.PRIMARY]
    before = list(primary.execute_wrappers)
    with dbrouter.replica_reads():
        assert len(primary.execute_wrappers) == len(before) + 1
    assert primary.execute_wrappers == before


@pytest.mark.django_db
def test_inside_a_transaction_reads_go_to_the_primary():
    """pytest-django runs this test inside transaction.atomic, as a view's atomic block would."""
    assert connections["default"].in_atomic_block
    with dbrouter.replica_reads():
        assert router.db_for_read(Page) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("replica", "wagtailcore") is False
    assert router.allow_migrate("replica", "letters", model_name="letter") is False
    assert router.allow_migrate("default", "letters", model_name="letter") is None  # Django's default: yes


def test_objects_of_the_primary_and_the_replica_may_be_related():
    page, user = Page(), get_user_model()()
    page._state.db, user._state.db = "replica", "default"
    assert router.allow_relation(page, user) is True
    user._state.db = "elsewhere"
    assert router.allow_relation(page, user) is None


# --- which requests may read from the replica -----------------------------------------------------------


@pytest.fixture
def middleware(settings, monkeypatch, outside_transactions):
    """The middleware as configured with a replica, around a view that says where a page read would go."""
    monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])
    settings.HUIMIN_REPLICA_EXCLUDED_PATHS = ["/admin/", "/accounts/"]

    def view(request):
        return HttpResponse(router.db_for_read(Page))

    return ReplicaReadsMiddleware(view)


def _db(middleware, request) -> str:
    return middleware(request).content.decode()


def test_an_anonymous_get_of_a_public_page_or_the_read_api_reads_from_the_replica(middleware):
    assert _db(middleware, factory.get("/gzdt/some-article/")) == "replica"
    assert _db(middleware, factory.head("/")) == "replica"
    assert _db(middleware, factory.get("/api/v1/policies", {"page": 2})) == "replica"


def test_a_post_or_another_unsafe_method_reads_from_the_primary(middleware):
    assert _db(middleware, factory.post("/api/v1/letters", {}, content_type="application/json")) == "default"
    assert _db(middleware, factory.put("/gzdt/")) == "default"
    assert _db(middleware, factory.options("/gzdt/")) == "default"


def test_the_admin_and_the_citizens_pages_read_from_the_primary(middleware):
    assert _db(middleware, factory.get("/admin/pages/")) == "default"
    assert _db(middleware, factory.get("/accounts/sso/accept/", {"ticket": "x"})) == "default"


def test_a_request_with_a_session_or_credentials_reads_from_the_primary(middleware, settings):
    with_session = factory.get("/hudong/liuyan/chaxun/", {"id": 5})
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert _db(middleware, with_session) == "default"
    with_token = factory.get("/api/v1/datasets", HTTP_AUTHORIZATION="Bearer key")
    assert _db(middleware, with_token) == "default"
    other_cookie = factory.get("/gzdt/")
    other_cookie.COOKIES["huimin_mode"] = "elder"  # the display mode is no session
    assert _db(middleware, other_cookie) == "replica"


def test_without_a_replica_the_middleware_changes_nothing(settings, monkeypatch, outside_transactions):
    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)
    middleware = ReplicaReadsMiddleware(lambda request: HttpResponse(router.db_for_read(Page)))
    assert _db(middleware, factory.get("/gzdt/")) == "default"


def test_the_settings_list_the_middleware_right_after_authentication(settings):
    position = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[position + 1] == "huimin.core.replica.ReplicaReadsMiddleware"


# --- the fence: after a change, no read from a replica that has not replayed it -----------------------------


@pytest.fixture
def fence_store(settings, redis_server, monkeypatch):
    """Redis as REDIS_URL, emptied; the replica as far as this process knows at the start of the WAL."""
    import redis

    store = redis.Redis.from_url(redis_server)
    store.flushdb()
    settings.REDIS_URL = redis_server
    monkeypatch.setattr(dbrouter, "_replayed", 0)
    return store


@pytest.fixture
def replica_at(monkeypatch):
    """The replica's replay position, as the replica would report it (a PostgreSQL replica is the layout
    test's part: test_scale_out_layout.py); records how often it was asked."""
    asked = []
    position = {"now": 0}

    def replica_position():
        asked.append(position["now"])
        return position["now"]

    monkeypatch.setattr(dbrouter, "_replica_position", replica_position)
    return position, asked


def test_the_highest_fence_is_kept_whatever_order_app_servers_set_theirs(fence_store):
    dbrouter.raise_fence(5_000)
    dbrouter.raise_fence(4_000)  # an earlier commit's fence, set later by another app server
    assert fence_store.zscore(dbrouter.FENCE_KEY, dbrouter.FENCE_MEMBER) == 5_000
    dbrouter.raise_fence(6_000)
    assert fence_store.zscore(dbrouter.FENCE_KEY, dbrouter.FENCE_MEMBER) == 6_000


def test_a_replica_behind_the_fence_is_not_read(fence_store, replica_at, outside_transactions):
    position, asked = replica_at
    assert dbrouter.replica_passed_fence()  # no fence yet: the replica is not even asked
    assert asked == []
    dbrouter.raise_fence(5_000)
    position["now"] = 4_999
    with dbrouter.replica_reads():
        assert router.db_for_read(Page) == "default"
        assert router.db_for_read(get_user_model()) == "default"  # the whole request stays on the primary
    assert asked == [4_999]  # asked once for the request
    position["now"] = 5_000
    with dbrouter.replica_reads():
        assert router.db_for_read(Page) == "replica"
        assert router.db_for_read(Page) == "replica"
    assert asked == [4_999, 5_000]
    with dbrouter.replica_reads():  # the process remembers the replica got there: no question
        assert router.db_for_read(Page) == "replica"
    assert asked == [4_999, 5_000]


def test_a_promoted_replica_or_an_unreadable_fence_means_the_primary(fence_store, replica_at, settings):
    position, _asked = replica_at
    dbrouter.raise_fence(5_000)
    position["now"] = None  # pg_last_wal_replay_lsn() of a server that is no longer a replica
    assert not dbrouter.replica_passed_fence()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert not dbrouter.replica_passed_fence()


def test_without_a_replica_or_redis_fencing_does_nothing(settings, monkeypatch):
    monkeypatch.setattr(dbrouter, "raise_fence", lambda position: pytest.fail("no fence without a replica"))
    settings.REDIS_URL = ""
    dbrouter.fence()
    assert dbrouter.replica_passed_fence()


def test_the_middleware_fences_after_a_request_that_may_have_written(middleware, monkeypatch):
    fenced = []
    monkeypatch.setattr(dbrouter, "fence", lambda: fenced.append(True))
    _db(middleware, factory.get("/gzdt/"))
    _db(middleware, factory.get("/admin/pages/"))
    _db(middleware, factory.options("/gzdt/"))
    assert fenced == []
    _db(middleware, factory.post("/api/v1/letters", {}, content_type="application/json"))
    _db(middleware, factory.post("/admin/bulk/wagtailcore/page/publish/"))
    _db(middleware, factory.delete("/gzdt/"))
    assert fenced == [True, True, True]
