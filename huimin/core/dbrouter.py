"""Reads from a PostgreSQL streaming replica where a moment's staleness does no harm.

With DATABASE_REPLICA_URL set, the settings add the alias "replica" and list `ReplicaRouter`
(docs/operations.md, "Scaling out"). Every query then goes to the primary ("default") except the reads made
inside `replica_reads()`, which `huimin.core.replica.ReplicaReadsMiddleware` opens around the requests that
may read stale data: anonymous GET/HEAD requests for public pages and the public read API. Even there the
primary answers

- reads of sessions (a login or a logout must count at once on every app server);
- anything inside `transaction.atomic` (a read that decides a write, `select_for_update`);
- every read after the request's first write, so that a request reads what it wrote: a write through the
  ORM (the router is asked where it goes) or any statement other than a SELECT sent to the primary (raw
  SQL, seen through an execute wrapper on the primary's connection);
- every read of a request that begins while the replica has not yet replayed the latest *fence*.

A fence (`fence()`) is the primary's WAL position, taken after a change was committed and kept in Redis
(the highest one wins). The middleware sets one after every POST (or other unsafe method) it passes, and the
page cache sets one when it purges, before it announces the purge: so a page purged after a publish is never
rendered again from a replica that has not replayed the publish (and kept in the cache for minutes), and a
change acknowledged to anyone is what every later read sees. Checking costs a Redis read per request and,
only when the fence is ahead of what this process last saw the replica replay, one query to the replica.

Writes always go to the primary (the replica refuses them anyway), and migrations run only there: the
replica receives them through replication. Outside `replica_reads()` (the task worker, commands, every
other request) the router sends everything to the primary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from . import redisconn

logger = logging.getLogger("huimin.dbrouter")

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# Models read from the primary whatever the request (Django's sessions: the cached_db engine falls back to
# the database when its cache misses, and a session just created must be found by the next request).
PRIMARY_ONLY_APPS = frozenset({"sessions"})
FENCE_KEY = "huimin:replica:fence"  # a sorted set with one member, FENCE_MEMBER, scored by WAL position
FENCE_MEMBER = "lsn"


@dataclass
class ReplicaReads:
    """The state of one request inside `replica_reads()`: whether its reads may still use the replica."""

    allowed: bool = True
    fence_checked: bool = False


_current: ContextVar[ReplicaReads | None] = ContextVar("huimin_replica_reads", default=None)


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def _watch_primary(state: ReplicaReads):
    """An execute wrapper for the primary's connection: any statement but a SELECT ends replica reads."""

    def wrapper(execute, sql, params, many, context):
        if state.allowed and not _is_read(sql):
            state.allowed = False
        return execute(sql, params, many, context)

    return wrapper


@contextmanager
def replica_reads() -> Iterator[ReplicaReads]:
    """Let the reads made in this block (this thread or task) go to the replica, as the router decides."""
    state = ReplicaReads()
    token = _current.set(state)
    try:
        with connections[PRIMARY].execute_wrapper(_watch_primary(state)):
            yield state
    finally:
        _current.reset(token)


def replica_allowed(model=None) -> bool:
    """Whether a read of `model` made now may go to the replica."""
    state = _current.get()
    if state is None or not state.allowed:
        return False
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return False
    if connections[PRIMARY].in_atomic_block:
        return False
    if not state.fence_checked:
        state.fence_checked = True
        state.allowed = replica_passed_fence()
    return state.allowed


# --- the fence ----------------------------------------------------------------------------------------------


def fence() -> None:
    """Make every change committed so far visible to every later read: until the replica has replayed the
    primary's WAL up to here, reads that would go to it use the primary. Call after the commit (on_commit)
    and before announcing the change (a page cache purge). Does nothing without a replica. A fence that
    cannot be set (Redis or the primary away) is logged: reads may then miss the change for a moment."""
    if REPLICA not in settings.DATABASES or redisconn.client() is None:
        return
    try:
        raise_fence(_primary_position())
    except Exception:
        logger.exception("the replica's fence could not be set")


def _primary_position() -> int:
    with connections[PRIMARY].cursor() as cursor:
        # The insert position: past the end of every record already committed, even an asynchronous commit.
        cursor.execute("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
        return cursor.fetchone()[0]


def raise_fence(position: int) -> None:
    """Keep `position` as the fence unless a higher one is there (GT: two app servers may set theirs in any
    order)."""
    redisconn.client().zadd(FENCE_KEY, {FENCE_MEMBER: position}, gt=True)


_replayed = 0  # the furthest position this process has seen the replica replay (only ever grows)


def _replica_position() -> int | None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint")
        (position,) = cursor.fetchone()
    return position  # None when the server is not a replica (promoted)


def replica_passed_fence() -> bool:
    """Whether the replica has replayed the latest fence (True when none was ever set, or without Redis)."""
    global _replayed
    client = redisconn.client()
    if client is None:
        return True
    try:
        target = client.zscore(FENCE_KEY, FENCE_MEMBER)
    except Exception:
        logger.exception("the replica's fence could not be read: this request reads from the primary")
        return False
    if target is None or target <= _replayed:
        return True
    position = _replica_position()
    if position is None:
        return False
    _replayed = max(_replayed, position)
    return position >= target


class ReplicaRouter:
    """Listed in DATABASE_ROUTERS only when the alias "replica" exists (settings/base.py)."""

    def db_for_read(self, model, **hints) -> str:
        # Always an alias, never None: Django would otherwise follow an instance's own database, and an
        # object read from the replica would pull the next reads (and writes) there.
        return REPLICA if replica_allowed(model) else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        state = _current.get()
        if state is not None:
            state.allowed = False  # from now on this request reads what it wrote
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True  # the same data, one of them a copy
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db == REPLICA else None
