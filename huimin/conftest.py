"""Fixtures shared by the whole suite.

- `demo`: the demo site group, built once per session in the test database by the real builder.
- `live_demo`: a real `huimin runserver` process serving the demo from its own database (same engine as the
  suite), for browser tests and the API's contract test. Its clock is pinned: it starts at `DEMO_NOW` and
  ticks from there, so what a browser test sees (this month's figures, deadlines, ages of content) is the same
  on any day it runs. It needs no browser; it knows one letters channel token (`letter_token`) and lifts the
  open API's hourly limit per address, so a test that sends many API requests is not answered 429.
- `browser_page`: a Playwright page in Debian's Chromium. Browser tests skip with a reason when Chromium is
  absent on a developer's machine, and fail instead in CI (CI=true or HUIMIN_REQUIRE_BROWSER=1).
- Every test: `client.login` and `client.force_login` stand for a complete staff login, password and second
  factor (decision 0012); tests of the second step itself log in through /admin/login/.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

DEMO_NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# Runs the `huimin` command with its clock starting at argv[1] and ticking on (time-machine moves the
# process's own clock, whatever the machine's says).
PINNED_HUIMIN = (
    "import sys, datetime, time_machine\n"
    "time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()\n"
    "from huimin.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)
# The letters channel token the live demo knows (channel `other`): a test hands in letters with it.
LIVE_LETTER_TOKEN = "live-demo-channel-token"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """pytest-django's test database, and a copy of it as the migrations left it (`_MIGRATED`), taken before
    any test writes: the live demo's database starts from that copy instead of running every migration
    again (half a minute a worker)."""
    from django.db import connection, connections

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            target = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            copy.close()
            _MIGRATED["sqlite"] = target
        elif connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            copy_name = f"{name}_migrated"
            connections.close_all()  # a template database must have no other session
            with _maintenance_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
                conn.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')
            _MIGRATED["postgresql"] = copy_name
    yield
    if "postgresql" in _MIGRATED:
        with _maintenance_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_MIGRATED.pop("postgresql")}" WITH (FORCE)')


# The copies of the freshly migrated test database (`django_db_setup`): a file (SQLite) or a database name.
_MIGRATED: dict = {}


def _maintenance_connection():
    """An autocommit connection to the PostgreSQL server's `postgres` database, for CREATE/DROP DATABASE."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        autocommit=True,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER"),
        password=db.get("PASSWORD"),
    )


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The demo site group in the test database, built once; tests see it inside their transaction."""
    from huimin.demo.builder import build_demo

    with django_db_blocker.unblock():
        result = build_demo(port=8000, now=DEMO_NOW)
    return result


@pytest.fixture(autouse=True)
def _client_logins_pass_the_second_factor(monkeypatch):
    """`client.login` and `client.force_login` skip the login view, and with it the second step: here they
    also record the person's device in the session, under django-otp's key, as the second step does (a
    device is made for a person who must have one and has none)."""
    from django.test.client import ClientMixin

    original = ClientMixin._login

    def _login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from huimin.core import otp

        original(self, user, backend)
        device = next(devices_for_user(user), None)
        if device is None and otp.is_required(user):
            device = TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def demo_clock():
    """The clock at the demo's `now`, ticking on: for tests of views and commands that read the clock
    themselves, so what they compute from the demo's dates is the same on any day the suite runs."""
    import time_machine

    with time_machine.travel(DEMO_NOW, tick=True) as traveller:
        yield traveller


def _require_browser() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("HUIMIN_REQUIRE_BROWSER") == "1"


def _chromium_path() -> str | None:
    candidate = os.environ.get("HUIMIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and os.access(candidate, os.X_OK) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_database_url(tmp_dir: Path) -> str:
    """A database of its own for the server process, on the same engine as the suite, migrated: a copy of
    the freshly migrated test database (`django_db_setup`)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        target = tmp_dir / "browser.sqlite3"
        shutil.copyfile(_MIGRATED["sqlite"], target)
        return f"sqlite:///{target}"
    import dj_database_url

    # One per pytest-xdist worker, named from DATABASE_URL itself (the settings' NAME becomes the test
    # database's once that is set up).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    original = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
    name = f"test_{original}{'_' + worker if worker else ''}_browser"
    with _maintenance_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_MIGRATED["postgresql"]}"')
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db.get('USER')}:{db.get('PASSWORD')}@{host}:{port}/{name}"


@pytest.fixture(scope="session")
def live_demo(django_db_setup, tmp_path_factory):
    """Serve the demo with a real server process; yields its base URL (http://127.0.0.1:PORT)."""
    tmp_dir = tmp_path_factory.mktemp("live_demo")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "HUIMIN_SERVE_MEDIA": "1",  # thumbnails and focal-point images load in the browser tests
        "DATABASE_URL": _server_database_url(tmp_dir),
        "HUIMIN_VAR_DIR": str(tmp_dir),
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "HUIMIN_LETTER_TOKENS": f"other={LIVE_LETTER_TOKEN}",
        "HUIMIN_OPENDATA_API_PER_IP_HOUR": "1000000",
        "HUIMIN_ACCOUNT_CODES_PER_IP_HOUR": "1000000",  # every browser test signs up from 127.0.0.1
        "LOG_LEVEL": "WARNING",
        # What the server sends, where the tests can read it: mail as files, SMS as JSON lines.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_dir / "mail"),
        "HUIMIN_SMS_BACKEND": "huimin.core.notify.FileSms",
        "HUIMIN_SMS_FILE": str(tmp_dir / "sms.jsonl"),
    }
    huimin = [sys.executable, "-c", PINNED_HUIMIN, DEMO_NOW.isoformat()]
    # Migrated already (a copy of the migrated test database): the demo is loaded into it.
    subprocess.run(
        [*huimin, "loaddemo", "--port", str(port), "--json"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = (tmp_dir / "server.log").open("w")
    server = subprocess.Popen(
        [*huimin, "runserver", "--insecure", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base_url + "/", timeout=2)  # noqa: S310 - loopback only
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("demo server did not start: " + (tmp_dir / "server.log").read_text()[-2000:])
            time.sleep(0.2)
    yield {
        "base_url": base_url,
        "port": port,
        "now": DEMO_NOW,
        "database_url": env["DATABASE_URL"],
        "letter_token": LIVE_LETTER_TOKEN,
        "log": tmp_dir / "server.log",
        "mail_dir": tmp_dir / "mail",
        "sms_file": tmp_dir / "sms.jsonl",
    }
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def chromium():
    if _chromium_path() is None:
        message = "Chromium not found (install Debian's chromium or set HUIMIN_CHROMIUM)"
        if _require_browser():
            pytest.fail(message + "; browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; later database tests in this process
    # would otherwise be refused by Django's async-safety guard.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
