"""The production layout that scales out, started on one machine with real servers (docs/operations.md,
"Scaling out"): nginx in front of two gunicorn instances (production settings), a PostgreSQL primary with a
streaming replica, Redis for caches, sessions and rate limits, and one task worker, each on a free loopback
port with its files in a temporary directory.

One scenario, in stages (a progress line each):

1. letters and pages through nginx while instance A is killed with `kill -9` (master and workers) and
   restarted: every letter a channel sent (retrying with its own id, as channels do) is stored exactly once,
   every accepted answer names that letter, no page asked for after the kill fails (nginx passes it to B),
   both instances answered, and the worker pushed every letter to the dispatch platform (a receiver here);
2. a staff session (password and second factor) made on A is valid on B, and lives in Redis;
3. the web channel's per-address limit counted on A is enforced on B, in Redis and not in the database;
4. the replica serves public reads: with its replay paused, an anonymous API read through nginx shows the
   old value while a request with a session (primary) shows the new one; a letter is still accepted, and
   after it (its fence) anonymous reads too come from the primary until the replica has replayed it;
5. a publish through A's admin purges the page cache that B serves (the page cache's `X-Huimin-Cache`
   header: `hit`, then `miss` with the new title even while the replica lags, then `hit`).

It runs only when the suite's database is PostgreSQL (DATABASE_URL) and nginx, redis-server and PostgreSQL's
server binaries are installed; with HUIMIN_REQUIRE_LAYOUT=1 (CI) a missing binary fails it instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from .layout import seed as layout_seed
from .layout import servers
from .layout.servers import (
    Postgres,
    Processes,
    free_port,
    listening,
    missing,
    start_nginx,
    start_redis,
    wait_for,
)

REPO = Path(__file__).resolve().parents[3]
TOKEN = "layout-hotline-token"  # a channel token of the throwaway layout
LETTERS = 60
CLIENTS = 4
PER_IP_LIMIT = 3
TOTP_SECRET = b"layout-test-totp-secret!"  # 24 bytes, like an authenticator app's key
HOST = layout_seed.HOSTNAME
_clock = {"started": time.monotonic()}


def progress(message: str) -> None:
    print(f"[layout {time.monotonic() - _clock['started']:6.1f} s] {message}", flush=True)


def _parts() -> Path:
    """The PostgreSQL binaries directory, once every part of the layout is known to be there."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
        pytest.skip("the layout test runs with PostgreSQL as the suite's database (DATABASE_URL)")
    for binary, package in (("nginx", "nginx"), ("redis-server", "redis-server")):
        if servers.binary(binary) is None:
            missing(f"{binary} not found (Debian package {package})")
    bindir = servers.postgres_bindir()
    if bindir is None:
        missing("PostgreSQL's server binaries not found under /usr/lib/postgresql/*/bin (Debian postgresql)")
    if os.geteuid() == 0 and servers.binary("runuser") is None:
        missing("runuser not found: needed to run PostgreSQL as the postgres user")
    return bindir


# --- the dispatch platform: a receiver of the worker's pushes -----------------------------------------


class DispatchReceiver(ThreadingHTTPServer):
    def __init__(self):
        self.received: list[dict] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), DispatchHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/letters"

    def letter_ids(self) -> list[int]:
        with self.lock:
            return [item["id"] for item in self.received]


class DispatchHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


# --- the layout -------------------------------------------------------------------------------------------


class Layout:
    def __init__(self, root: Path, bindir: Path):
        self.root = root
        self.processes = Processes(root)
        self.pg = Postgres(self.processes, root / "pg", bindir)
        self.ports: dict[str, int] = {}
        self.env: dict[str, str] = {}
        self.password = "Layout-" + secrets.token_urlsafe(12)
        self.site: dict = {}  # what the seed made (layout/seed.py)
        self.redis_url = ""
        self.receiver: DispatchReceiver | None = None

    def app_env(self, primary: str, replica: str, redis_url: str, dispatch_url: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HUIMIN_", "DJANGO_", "PYTEST_", "DATABASE_", "REDIS_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "huimin.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(60),
                "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
                "HTTPS": "0",  # plain HTTP on loopback: cookies without Secure, no HSTS
                "DATABASE_URL": primary,
                "DATABASE_REPLICA_URL": replica,
                "REDIS_URL": redis_url,
                "HUIMIN_VAR_DIR": str(self.root / "var"),
                "HUIMIN_LETTER_TOKENS": f"hotline={TOKEN}",
                "HUIMIN_LETTERS_PER_IP_HOUR": str(PER_IP_LIMIT),
                "HUIMIN_TRUSTED_PROXIES": "127.0.0.1",
                "HUIMIN_DISPATCH_URL": dispatch_url,
                "HUIMIN_DISPATCH_SECRET": secrets.token_hex(16),
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                "LOG_LEVEL": "WARNING",
            }
        )
        return env

    def huimin(self, *args: str, name: str):
        return self.processes.start(name, [sys.executable, "-m", "huimin", *args], env=self.env, cwd=REPO)

    def start_app(self, name: str) -> None:
        """An app server as production runs one (huimin/gunicorn_conf.py: the application loaded and warmed in
        the master before the workers fork), with two workers on its own port."""
        port = self.ports.setdefault(name, free_port())
        argv = [
            sys.executable, "-m", "gunicorn", "-c", "python:huimin.gunicorn_conf", "--workers", "2",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ]  # fmt: skip
        self.processes.start(name, argv, env=self.env, cwd=REPO)

    def wait_app(self, name: str) -> None:
        url = f"http://127.0.0.1:{self.ports[name]}/api/v1/openapi.json"

        def answers():
            try:
                return requests.get(url, headers={"Host": "127.0.0.1"}, timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, f"gunicorn {name} answering", timeout=90, log=self.processes.log(name))

    def app_url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def nginx_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}{path}"


@pytest.fixture
def layout():
    bindir = _parts()
    _clock["started"] = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="huimin-layout-"))
    os.chmod(root, 0o711)  # noqa: S103 - PostgreSQL runs as another user below it
    built = Layout(root, bindir)
    receiver = DispatchReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    built.receiver = receiver
    try:
        _start(built, receiver)
        yield built
    finally:
        progress("stopping every server")
        receiver.shutdown()
        built.processes.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def _start(layout: Layout, receiver: DispatchReceiver) -> None:
    progress(f"PostgreSQL primary with {layout.pg.bindir.parent.name}")
    primary = layout.pg.start_primary()
    layout.pg.create_database()
    progress("streaming replica (pg_basebackup -R)")
    replica = layout.pg.start_replica()
    progress("Redis")
    redis_url = start_redis(layout.processes, layout.root / "redis")
    layout.redis_url = redis_url
    layout.env = layout.app_env(primary, replica, redis_url, receiver.url)
    progress("huimin migrate and collectstatic (in parallel)")
    migrate = layout.huimin("migrate", "--noinput", "-v0", name="migrate")
    static = layout.huimin("collectstatic", "--noinput", "-v0", name="collectstatic")
    for process, name in ((migrate, "migrate"), (static, "collectstatic")):
        if process.wait(timeout=600):
            pytest.fail(f"huimin {name} failed:\n{layout.processes.log(name).read_text()[-3000:]}")
    progress("seeding a site, a column, an article with a draft, a platform administrator")
    layout.site = layout_seed.seed(layout.env, REPO, password=layout.password, secret=TOTP_SECRET)
    progress("two gunicorn instances, the task worker, nginx")
    for name in ("A", "B"):
        layout.start_app(name)
    layout.huimin("db_worker", "--queue-name", "*", "--no-reload", name="worker")
    for name in ("A", "B"):
        layout.wait_app(name)
    layout.ports["nginx"] = start_nginx(
        layout.processes, layout.root / "nginx", [layout.ports["A"], layout.ports["B"]]
    )
    layout.pg.wait_replica_caught_up()


# --- stage 1: letters and pages while one app server dies -------------------------------------------------


def _letter(number: int) -> dict:
    return {
        "site": HOST,
        "kind": "complaint",
        "title": f"分布式测试留言{number}",
        "content": "小区门口道路积水。",
        "contact_name": "测试",
        "contact_phone": "13800000000",
        "external_id": f"LAYOUT-{number}",
    }


def _send_letters(
    layout: Layout, numbers: range, run: dict, lock: threading.Lock, stop: threading.Event
) -> None:
    session = requests.Session()
    headers = {"Host": HOST, "Authorization": f"Bearer {TOKEN}"}
    url = layout.nginx_url("/api/v1/letters")
    for number in numbers:
        while not stop.is_set():  # a channel retries the same letter, with the same id, until it is accepted
            try:
                response = session.post(url, json=_letter(number), headers=headers, timeout=30)
            except requests.RequestException as error:
                outcome = type(error).__name__
            else:
                if response.status_code in (200, 201):
                    with lock:
                        run["accepted"][f"LAYOUT-{number}"].append(response.json())
                    break
                outcome = f"HTTP {response.status_code}"
            with lock:
                run["failed"].append(outcome)
            time.sleep(0.2)


def _read_pages(layout: Layout, paths: list[str], run: dict, stop: threading.Event) -> None:
    """A reader going through the pages; each: (when asked, path, status or error, upstream that answered)."""
    session = requests.Session()
    while not stop.is_set():
        for path in paths:
            asked = time.monotonic()
            try:
                response = session.get(layout.nginx_url(path), headers={"Host": HOST}, timeout=30)
            except requests.RequestException as error:
                run["pages"].append((asked, path, type(error).__name__, ""))
            else:
                upstream = response.headers.get("X-Upstream", "").split(",")[-1].strip()
                run["pages"].append((asked, path, response.status_code, upstream))
        time.sleep(0.05)


def _letters_while_a_dies(layout: Layout) -> dict:
    run = {"accepted": defaultdict(list), "failed": [], "pages": []}
    lock, stop, pages_stop = threading.Lock(), threading.Event(), threading.Event()
    clients = [
        threading.Thread(
            target=_send_letters, args=(layout, range(n, LETTERS, CLIENTS), run, lock, stop), daemon=True
        )
        for n in range(CLIENTS)
    ]
    paths = ["/", layout.site["article_path"]]
    reader = threading.Thread(target=_read_pages, args=(layout, paths, run, pages_stop), daemon=True)
    for thread in [*clients, reader]:
        thread.start()
    try:
        accepted, pages = run["accepted"], run["pages"]
        wait_for(lambda: len(accepted) >= LETTERS // 3, "a third of the letters accepted", timeout=120)
        a_pid = layout.processes.running["A"].pid
        progress(
            f"kill -9 of instance A (gunicorn master and workers, group {a_pid}), {len(accepted)} letters in"
        )
        run["killed_at"] = time.monotonic()
        layout.processes.kill("A")
        wait_for(lambda: not layout.processes.group_members(a_pid), "instance A's processes gone", timeout=10)
        assert not listening(layout.ports["A"])
        time.sleep(1.0)
        progress(f"restarting instance A ({len(accepted)} letters accepted so far)")
        layout.start_app("A")
        layout.wait_app("A")
        restarted_at = len(pages)
        wait_for(lambda: not any(t.is_alive() for t in clients), "every letter accepted", timeout=300)
        # Pages go on until nginx has sent some to the restarted A again (its fail_timeout is 2 s).
        a_address = f"127.0.0.1:{layout.ports['A']}"
        wait_for(
            lambda: any(upstream == a_address for *_, upstream in pages[restarted_at:]),
            "nginx passing pages to the restarted instance A",
            timeout=30,
        )
    finally:
        stop.set()
        pages_stop.set()
        reader.join(timeout=60)
    return run


def _stored_letters(layout: Layout) -> list[tuple]:
    with layout.pg.connect(layout.pg.primary_port) as conn:
        return conn.execute(
            "SELECT id, external_id, query_code FROM huimin_letters_letter WHERE external_id LIKE 'LAYOUT-%'"
        ).fetchall()


def _check_letters(layout: Layout, run: dict) -> None:
    accepted, pages = run["accepted"], run["pages"]
    sent = {f"LAYOUT-{n}" for n in range(LETTERS)}
    assert set(accepted) == sent, f"letters never accepted: {sorted(sent - set(accepted))}"
    stored = _stored_letters(layout)
    by_external = defaultdict(list)
    for letter_id, external_id, code in stored:
        by_external[external_id].append((letter_id, code))
    duplicates = {k: v for k, v in by_external.items() if len(v) > 1}
    assert not duplicates, f"letters stored more than once: {duplicates}"
    assert set(by_external) == sent, f"letters lost: {sorted(sent - set(by_external))}"
    for external_id, answers in accepted.items():
        (row,) = by_external[external_id]
        # Every accepted answer (a retry's too) names the one stored letter, with its query code.
        assert {(a["id"], a["query_code"]) for a in answers} == {row}, external_id
    # A page A was sending when it died is cut off (nginx can pass a request to B only before it has answered
    # anything); every page asked for after the kill is answered.
    failed_pages = [page for page in pages if page[2] != 200]
    assert all(asked <= run["killed_at"] for asked, *_ in failed_pages), f"pages that failed: {failed_pages}"
    assert len(failed_pages) <= 1, f"pages that failed: {failed_pages}"  # one reader: one page in flight
    upstreams = {upstream for *_, upstream in pages}
    expected = {f"127.0.0.1:{layout.ports[n]}" for n in ("A", "B")}
    assert expected <= upstreams, f"nginx did not use both instances: {upstreams}"
    progress(
        f"{LETTERS} letters stored once each; {len(run['failed'])} failed attempts retried "
        f"({', '.join(sorted(set(run['failed']))) or 'none'}); {len(pages)} page requests, "
        f"{len(failed_pages)} cut off by the kill, none failed after it"
    )
    stored_ids = {row[0] for row in stored}
    wait_for(
        lambda: stored_ids <= set(layout.receiver.letter_ids()),
        "the task worker pushing every letter to the dispatch platform",
        timeout=90,
        log=layout.processes.log("worker"),
    )
    progress(f"the worker pushed all {len(stored_ids)} letters to the dispatch platform")


# --- stage 2: a staff session made on A, used on B ---------------------------------------------------------


def _totp() -> str:
    from django_otp.oath import totp

    return f"{totp(TOTP_SECRET):06d}"


def _staff_login_on(layout: Layout, name: str) -> requests.Session:
    """Password, then the second step, on instance `name` (the admin host 127.0.0.1)."""
    staff = requests.Session()
    staff.headers["Host"] = "127.0.0.1"
    login = layout.app_url(name, "/admin/login/")
    assert staff.get(login, timeout=30).status_code == 200
    response = staff.post(
        login,
        data={
            "username": layout_seed.ADMIN,
            "password": layout.password,
            "csrfmiddlewaretoken": staff.cookies["csrftoken"],
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[-2000:]
    verify = staff.get(layout.app_url(name, "/admin/"), timeout=30)
    assert "/two-factor/verify/" in verify.url, verify.url  # the second step is asked for
    response = staff.post(
        verify.url,
        data={"code": _totp(), "csrfmiddlewaretoken": staff.cookies["csrftoken"], "next": "/admin/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[-2000:]
    return staff


def _session_on_both(layout: Layout) -> requests.Session:
    staff = _staff_login_on(layout, "A")
    on_b = staff.get(layout.app_url("B", "/admin/"), allow_redirects=False, timeout=30)
    assert on_b.status_code == 200, (on_b.status_code, on_b.headers.get("Location"))
    assert "平台管理员" in on_b.text or layout_seed.ADMIN in on_b.text
    import redis

    key = staff.cookies["sessionid"]
    assert any(key in k.decode() for k in redis.Redis.from_url(layout.redis_url).scan_iter("*sessions*"))
    progress("a staff session (password and second factor) made on A is valid on B, and is kept in Redis")
    return staff


# --- stage 3: a limit counted on A holds on B ---------------------------------------------------------------


def _limit_on_both(layout: Layout) -> None:
    web = requests.Session()
    web.headers.update({"Host": HOST, "X-Forwarded-For": "10.77.0.1"})  # behind the trusted proxy 127.0.0.1
    assert web.get(layout.app_url("A", "/hudong/liuyan/"), timeout=30).status_code == 200
    csrf = {"X-CSRFToken": web.cookies["csrftoken"]}

    def post(name: str, number: int) -> int:
        body = {**_letter(number), "external_id": "", "contact_phone": f"1390000{number:04d}"}
        return web.post(
            layout.app_url(name, "/api/v1/letters"), json=body, headers=csrf, timeout=30
        ).status_code

    assert [post("A", 9000 + n) for n in range(PER_IP_LIMIT)] == [201] * PER_IP_LIMIT
    assert post("B", 9100) == 429  # the address used its limit on A
    import redis

    assert list(redis.Redis.from_url(layout.redis_url).scan_iter("huimin:throttle:letter-ip:*"))
    with layout.pg.connect(layout.pg.primary_port) as conn:
        assert conn.execute("SELECT count(*) FROM huimin_core_attempt").fetchone()[0] == 0
    progress(f"the web channel's limit ({PER_IP_LIMIT} an hour an address) counted on A held on B, in Redis")


# --- stage 4: the replica serves public reads -------------------------------------------------------------


def _calendar_name(layout: Layout, start: str, **headers) -> str:
    response = requests.get(
        layout.nginx_url("/api/v1/calendar/deadline"),
        params={"from": start, "working_days": 1},
        headers={"Host": HOST, **headers},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["calendar"]["name"]


def _replica_reads(layout: Layout) -> None:
    old = layout.site["calendar"]
    new = old + "（改名）"
    with layout.pg.replay_paused() as replica, layout.pg.connect(layout.pg.primary_port) as primary:
        primary.execute("UPDATE huimin_workdays_workcalendar SET name = %s WHERE name = %s", [new, old])
        # An anonymous read of the public API: from the replica, which has not replayed the change.
        assert _calendar_name(layout, "2026-03-02") == old
        # The same read with a session cookie: from the primary.
        assert _calendar_name(layout, "2026-03-02", Cookie="sessionid=nobody") == new
        # A write meanwhile goes to the primary (the replica refuses writes) ...
        response = requests.post(
            layout.nginx_url("/api/v1/letters"),
            json=_letter(LETTERS + 1),
            headers={"Host": HOST, "Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        assert not replica.execute(
            "SELECT 1 FROM huimin_letters_letter WHERE id = %s", [response.json()["id"]]
        ).fetchall()
        # ... and from then on (its fence) anonymous reads come from the primary until the replica has it.
        assert _calendar_name(layout, "2026-03-04") == new
    assert _calendar_name(layout, "2026-03-03") == new
    progress(
        "anonymous public reads came from the replica (paused: the old value); reads with a session, "
        "writes and reads after a write until the replica replays it, from the primary"
    )


# --- stage 5: a publish on A purges the page cache B serves -----------------------------------------------


def _publish_purges_the_other_instance(layout: Layout, staff: requests.Session) -> None:
    """Also with the replica behind: B renders the purged page from the primary (the publish's fence),
    never the old article from the replica, which it would then keep for minutes."""
    path = layout.site["article_path"]

    def on_b():
        response = requests.get(layout.app_url("B", path), headers={"Host": HOST}, timeout=30)
        assert response.status_code == 200
        return response.headers.get("X-Huimin-Cache"), response.text

    on_b()
    cache, text = on_b()
    assert cache == "hit", f"X-Huimin-Cache on the second anonymous GET through B: {cache!r}"
    assert layout_seed.OLD_TITLE in text
    publish = layout.app_url(
        "A", f"/admin/bulk/wagtailcore/page/publish/?id={layout.site['article_id']}&next=/admin/"
    )
    with layout.pg.replay_paused():
        assert staff.get(publish, timeout=30).status_code == 200
        token = staff.cookies["csrftoken"]
        response = staff.post(publish, data={"csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.text[-2000:]
        cache, text = on_b()
        assert cache == "miss", f"X-Huimin-Cache through B after the publish on A: {cache!r}"
        assert layout_seed.NEW_TITLE in text and layout_seed.OLD_TITLE not in text
    cache, text = on_b()
    assert cache == "hit" and layout_seed.NEW_TITLE in text
    progress("a publish through A's admin purged the page B had cached (hit, miss with the new title, hit)")


def test_the_scaled_out_layout_keeps_letters_sessions_limits_and_pages_right(layout):
    run = _letters_while_a_dies(layout)
    _check_letters(layout, run)
    staff = _session_on_both(layout)
    _limit_on_both(layout)
    _replica_reads(layout)
    _publish_purges_the_other_instance(layout, staff)
