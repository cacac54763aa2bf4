"""Fixtures of core's tests: a real Redis server on loopback (layout/servers.py) for the tests needing one."""

from .layout.servers import redis_server  # noqa: F401 - a fixture, found by pytest here
