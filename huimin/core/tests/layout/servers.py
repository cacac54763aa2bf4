"""Starting and stopping the real servers of the scale-out layout on loopback: Redis, a PostgreSQL primary
with a streaming replica, gunicorn instances, nginx and the task worker.

Every server runs in a process group of its own (`Processes`), so that one `kill -9` reaches a gunicorn
master and its workers together, and the teardown (`Processes.stop_all`, also registered with `atexit`)
leaves nothing running whatever failed. PostgreSQL's binaries refuse to run as root: as root they run as
the `postgres` user (`runuser`), otherwise as the current user.

A part that is missing (a binary, PostgreSQL as the suite's database) skips the test, and fails it instead
when HUIMIN_REQUIRE_LAYOUT=1 (CI, so that the test cannot pass by not running).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REQUIRE_ENV = "HUIMIN_REQUIRE_LAYOUT"
PG_ROOT = Path("/usr/lib/postgresql")
PG_ROLE = "huimin"
PG_DATABASE = "huimin"


def binary(name: str) -> str | None:
    """The path of a program, also in the sbin directories a non-login PATH may lack (nginx, runuser)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in ("/usr/sbin", "/sbin", "/usr/bin"):
        if os.access(f"{folder}/{name}", os.X_OK):
            return f"{folder}/{name}"
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def missing(reason: str) -> None:
    """Skip for `reason`, or fail when the layout must run."""
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: this test must run, not skip)")
    pytest.skip(reason)


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian's /usr/lib/postgresql/<version>/bin)."""
    needed = ("initdb", "pg_ctl", "pg_basebackup")
    versions = [p for p in PG_ROOT.glob("*/bin") if all((p / name).exists() for name in needed)]
    if not versions:
        return None
    return max(versions, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, *, timeout: float, interval: float = 0.2, log: Path | None = None):
    """Call `check` until it returns something true (or raises no OSError); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError as error:  # not listening yet
            last = error
        else:
            if result:
                return result
        time.sleep(interval)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s ({last!r})\n{tail}")


def listening(port: int) -> bool:
    """Whether any process listens on TCP `port` (read from the kernel's table: a connect() could meet itself
    on a free port of the ephemeral range)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def server_env(base: dict | None = None) -> dict:
    """The environment for a third-party server (redis-server, varnishd, nginx, PostgreSQL): the suite's,
    without libfaketime. The moved-clock run (`make test-moved`, CI's SQLite run) preloads it into every
    process; these servers' clocks are not the code under test, and it breaks redis-server's and varnishd's
    start (recursive clock_gettime calls in their allocators)."""
    env = dict(os.environ if base is None else base)
    preload = [lib for lib in env.pop("LD_PRELOAD", "").split() if "faketime" not in lib]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    for name in [name for name in env if name.startswith("FAKETIME")]:
        del env[name]
    return env


class Processes:
    """Servers started in process groups of their own, by name; `stop_all` ends every one of them."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}
        self.cleanups: list = []  # callables run by stop_all (e.g. pg_ctl stop), newest first
        atexit.register(self.stop_all)

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        """Start a server; without `env`, a third-party one (`server_env`)."""
        kwargs.setdefault("env", server_env())
        with self.log(name).open("ab") as log:
            process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.running[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole process group of `name` (a gunicorn master and its workers) and reap it."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    @staticmethod
    def group_members(pgid: int) -> list[int]:
        """The live processes of process group `pgid` (zombies left to init to reap do not count)."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    members.append(int(stat.parent.name))
        return members

    def stop_all(self) -> None:
        for name in list(self.running)[::-1]:
            process = self.running.pop(name)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        while self.cleanups:
            with contextlib.suppress(Exception):
                self.cleanups.pop()()


# --- Redis ------------------------------------------------------------------------------------------------


def start_redis(processes: Processes, workdir: Path, name: str = "redis") -> str:
    """A Redis server without persistence on a free port; its URL."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        binary("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(workdir),
    ]  # fmt: skip
    processes.start(name, argv)
    url = f"redis://127.0.0.1:{port}/0"

    def ping():
        import redis

        try:
            return redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    wait_for(ping, "Redis answering", timeout=20, log=processes.log(name))
    return url


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A Redis server for a test module (import this fixture into it); its URL."""
    if binary("redis-server") is None:
        missing("redis-server not found (Debian package redis-server)")
    root = tmp_path_factory.mktemp("redis")
    processes = Processes(root)
    try:
        yield start_redis(processes, root / "data")
    finally:
        processes.stop_all()


# --- PostgreSQL -------------------------------------------------------------------------------------------


class Postgres:
    """A primary and a streaming replica in `root`, each its own cluster on a free loopback port."""

    def __init__(self, processes: Processes, root: Path, bindir: Path):
        self.processes, self.root, self.bindir = processes, root, bindir
        self.as_root = os.geteuid() == 0
        root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(root, "postgres", "postgres")
        self.primary_port = self.replica_port = 0

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_root:
            command = [binary("runuser") or "runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=server_env(),
        )
        if result.returncode:
            output = result.stdout[-2000:] + result.stderr[-2000:]
            raise AssertionError(f"{' '.join(argv[:2])} failed:\n{output}")
        return result

    def _start(self, data: Path, port: int, name: str) -> None:
        log = self.root / f"{name}.log"
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-o", f"-p {port}", "-w", "-t", "60", "start")
        self.processes.cleanups.append(
            lambda: self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", timeout=60)
        )

    def start_primary(self) -> str:
        data = self.root / "primary"
        self._run("initdb", "-D", str(data), "-U", PG_ROLE, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "hot_standby": "on",
            # A throwaway cluster: durability traded for speed (the migrations write a great deal).
            "fsync": "off",
            "max_connections": "60",
        }
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        self.primary_port = free_port()
        self._start(data, self.primary_port, "primary")
        return self.url(self.primary_port)

    def start_replica(self) -> str:
        data = self.root / "replica"
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", PG_ROLE, "-D", str(data),
            "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        self.replica_port = free_port()
        self._start(data, self.replica_port, "replica")
        return self.url(self.replica_port)

    @staticmethod
    def url(port: int) -> str:
        return f"postgres://{PG_ROLE}@127.0.0.1:{port}/{PG_DATABASE}"

    def connect(self, port: int):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=port, user=PG_ROLE, dbname=PG_DATABASE, autocommit=True)

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.primary_port, user=PG_ROLE, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')

    def wait_replica_caught_up(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with self.connect(self.primary_port) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.connect(self.replica_port) as replica:

            def caught_up():
                query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
                return replica.execute(query, [target]).fetchone()[0]

            wait_for(caught_up, "the replica replaying the primary's writes", timeout=timeout)

    @contextlib.contextmanager
    def replay_paused(self):
        """The replica frozen: it stays where it is, whatever the primary writes, until the block ends."""
        self.wait_replica_caught_up()
        with self.connect(self.replica_port) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

            def paused():
                return replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == "paused"

            try:
                wait_for(paused, "the replica pausing its replay", timeout=30)
                yield replica
            finally:
                replica.execute("SELECT pg_wal_replay_resume()")
        self.wait_replica_caught_up()


# --- nginx ------------------------------------------------------------------------------------------------

NGINX_CONF = """\
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {root}/nginx-access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;

    upstream huimin {{
{servers}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        location / {{
            proxy_pass http://huimin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # Which app server answered: the test checks that both do.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def start_nginx(processes: Processes, root: Path, upstreams: list[int]) -> int:
    """nginx on a free port in front of the app servers on `upstreams`; its port."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams)
    user = "user root;" if os.geteuid() == 0 else ""  # its workers write the temporary paths above
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, servers=servers, port=port, user=user))
    argv = [binary("nginx") or "nginx", "-p", str(root), "-c", str(conf), "-g", "daemon off;"]
    processes.start("nginx", argv)
    wait_for(lambda: listening(port), "nginx listening", timeout=20, log=processes.log("nginx"))
    return port
