"""Shared parts of the benchmarks: logging, subprocesses, free ports, fresh databases."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
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
def background(command: list[str], *, env=None, cwd=None, log_path: Path | None = None):
    """A server process for the length of the block, output to `log_path` (or inherited); stopped after."""
    log_file = log_path.open("w") if log_path is not None else None
    process = subprocess.Popen(  # noqa: S603 - fixed argument lists
        command, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT if log_file else None
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_file is not None:
            log_file.close()


def gunicorn_command(port: int, *, workers: int, threads: int = 1) -> list[str]:
    """gunicorn serving Huimin with the dev settings (`make run`'s) on 127.0.0.1:`port`."""
    command = [sys.executable, "-m", "gunicorn", "huimin.wsgi:application", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(workers)] + (["--threads", str(threads)] if threads > 1 else [])
    return [*command, "--env", "DJANGO_SETTINGS_MODULE=huimin.settings.dev", "--log-level", "warning"]


@contextlib.contextmanager
def sqlite_database(tmp: Path):
    yield f"sqlite:///{tmp / 'bench.sqlite3'}"


@contextlib.contextmanager
def server_database(url: str, keep: bool, name: str = PG_DATABASE):
    """A fresh database `name` (default `huimin_bench`) on the server DATABASE_URL points at."""
    import psycopg

    parts = urlsplit(url)
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username,
        "password": parts.password,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        if not keep:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


def fresh_database(
    engine: str,
    tmp: Path,
    *,
    keep: bool,
    pg_port: int,
    pg_settings: dict | None = None,
    name: str = PG_DATABASE,
):
    """The context manager of a fresh database for `engine` ("sqlite" or "postgres"): SQLite in `tmp`; on
    PostgreSQL a database `name` on the server DATABASE_URL names (a benchmark may use one of its own so
    that two can share a server), or else a throwaway cluster."""
    given = os.environ.get("DATABASE_URL", "")
    if engine == "sqlite":
        return sqlite_database(tmp)
    if given.startswith(("postgres://", "postgresql://", "pgsql://")):
        return server_database(given, keep, name)
    return throwaway_cluster(pg_port, keep, pg_settings)


def child_env(url: str, tmp: Path) -> dict[str, str]:
    """The environment of a benchmark's `huimin` commands and worker: the database at `url`, files in `tmp`,
    tasks run at once, warnings only."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": url,
        "HUIMIN_VAR_DIR": str(tmp),
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
    }


def machine(packages: tuple[str, ...]) -> dict:
    """What the figures were measured on: cores, CPU, memory, OS, Python, SQLite and package versions."""
    import contextlib
    import platform
    import sqlite3
    from importlib.metadata import version

    cpu = memory = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    with contextlib.suppress(OSError, StopIteration), open("/proc/meminfo") as info:
        kib = next(int(line.split()[1]) for line in info if line.startswith("MemTotal"))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    versions = {}
    for package in packages:
        with contextlib.suppress(Exception):
            versions[package] = version(package)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
    }


def earlier_engines(output: Path, engines: list[str], same: Callable[[dict], bool]) -> dict:
    """A one-engine run keeps the other engine's figures from an earlier run (when `same` says they were
    measured on the same workload)."""
    import contextlib
    import json

    if not output.exists() or len(engines) != 1:
        return {}
    with contextlib.suppress(ValueError, KeyError):
        previous = json.loads(output.read_text(encoding="utf-8"))
        return {k: v for k, v in previous["engines"].items() if k not in engines and same(v)}
    return {}


def summary(samples: list[float], count_name: str = "requests") -> dict:
    """How many samples, and their p50, p95 and maximum in milliseconds (one decimal)."""
    return {
        count_name: len(samples),
        "p50": round(percentile(samples, 0.5), 1),
        "p95": round(percentile(samples, 0.95), 1),
        "max": round(max(samples), 1),
    }


def wait_for_quiet(limit: float, label: str, threshold: float = 1.5) -> None:
    """Give other work on the machine up to `limit` seconds to finish before timing."""
    import time

    deadline = time.monotonic() + limit
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        log(f"[{label}] load average {os.getloadavg()[0]:.2f}; waiting for the machine to calm down")
        time.sleep(15)


def print_machine(results: dict) -> None:
    m = results["machine"]
    print(f"\n{results['date']} · {m['nproc']} cores ({m['cpu']}), {m['memory']} · Python {m['python']}\n")


def run_engines(results: dict, engines: list[str], bench_one: Callable[[str], dict], output: Path) -> None:
    """Measure each engine in turn, writing `results` (engines in a fixed order) to `output` after each."""
    import json

    for engine in engines:
        results["engines"][engine] = bench_one(engine)
        results["engines"] = {
            k: results["engines"][k] for k in ("sqlite", "postgres") if k in results["engines"]
        }
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
