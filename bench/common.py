"""Shared parts of the benchmarks: logging, subprocesses, free ports, fresh databases."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

PG_VERSION = "15"
PG_CLUSTER = "huimin_bench"
PG_DATABASE = "huimin_bench"
PG_ROLE = "huimin_bench"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port(start: int) -> int:
    for port in range(start, start + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, check=True, **kwargs)  # noqa: S603 - fixed argument lists
    except subprocess.CalledProcessError as exc:
        output = exc.stderr or exc.stdout or ""
        if isinstance(output, bytes):
            output = output.decode(errors="replace")
        log(f"failed: {' '.join(command)}\n{output[-3000:]}")
        raise


@contextlib.contextmanager
def sqlite_database(tmp: Path):
    yield f"sqlite:///{tmp / 'bench.sqlite3'}"


@contextlib.contextmanager
def server_database(url: str, keep: bool):
    """A fresh `huimin_bench` database on the server DATABASE_URL points at."""
    import psycopg

    parts = urlsplit(url)
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username,
        "password": parts.password,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    try:
        yield parts._replace(path=f"/{PG_DATABASE}").geturl()
    finally:
        if not keep:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_cluster(port: int, keep: bool, settings: dict[str, str] | None = None):
    """A PostgreSQL cluster of its own (Debian's pg_createcluster), dropped afterwards; `settings` are
    written to its postgresql.conf before it starts (e.g. the shared_buffers docs/operations.md advises)."""
    if shutil.which("pg_createcluster") is None:
        raise SystemExit(
            "pg_createcluster not found: install postgresql-common or set DATABASE_URL=postgres://…"
        )
    if os.geteuid() != 0:
        raise SystemExit("creating a throwaway cluster needs root; or set DATABASE_URL=postgres://… instead")
    existing = run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in existing.splitlines()):
        log(f"dropping a leftover cluster {PG_VERSION}/{PG_CLUSTER}")
        run(["pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER])
    port = free_port(port)
    password = secrets.token_hex(16)
    run(["pg_createcluster", "--port", str(port), PG_VERSION, PG_CLUSTER], capture_output=True)
    try:
        for name, value in (settings or {}).items():
            run(["pg_conftool", PG_VERSION, PG_CLUSTER, "set", name, value], capture_output=True)
        run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start"], capture_output=True)
        as_postgres = ["runuser", "-u", "postgres", "--"]
        run(
            [
                *as_postgres,
                "psql",
                "-q",
                "-p",
                str(port),
                "-c",
                f"CREATE ROLE {PG_ROLE} LOGIN PASSWORD '{password}'",
            ],
            capture_output=True,
        )
        run([*as_postgres, "createdb", "-p", str(port), "-O", PG_ROLE, PG_DATABASE], capture_output=True)
        yield f"postgres://{PG_ROLE}:{password}@127.0.0.1:{port}/{PG_DATABASE}"
    finally:
        if keep:
            log(
                f"kept cluster {PG_VERSION}/{PG_CLUSTER}: DATABASE_URL=postgres://{PG_ROLE}:{password}"
                f"@127.0.0.1:{port}/{PG_DATABASE}; to drop: pg_dropcluster --stop {PG_VERSION} {PG_CLUSTER}"
            )
        else:
            subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER], check=False)  # noqa: S603, S607


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values` (0.95 for p95), interpolated between the two nearest samples."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
