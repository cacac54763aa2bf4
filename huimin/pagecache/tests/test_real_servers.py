"""The page cache with the servers production runs: Redis as the shared cache of several processes, and the
shipped Varnish configuration in front of a real Huimin server, purged by a publish made in another process.
Skipped where redis-server or varnishd is missing, except when HUIMIN_REQUIRE_SERVERS=1 (CI), where that
fails."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core.cache.backends.redis import RedisCache

from huimin.conftest import DEMO_NOW, PINNED_HUIMIN
from huimin.core.tests.layout.servers import server_env
from huimin.pagecache import queries, services
from huimin.pagecache.enums import CACHE_HEADER

VCL = Path(__file__).resolve().parents[1] / "data" / "varnish.vcl"


def _require(binary: str) -> str:
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if path is None:
        if os.environ.get("HUIMIN_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{binary} is required (HUIMIN_REQUIRE_SERVERS=1): apt-get install it")
        pytest.skip(f"{binary} not installed")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {process.stdout.read().decode(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"{what} did not listen on {port}")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = _require("redis-server")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=server_env(),
    )
    _wait_for_port(port, server, "redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait()


@pytest.mark.django_db
def test_two_processes_sharing_redis_see_one_cache_and_one_purge(
    redis_url, client, settings, demo, monkeypatch
):
    """Two cache clients (as two app servers have): a page kept through one is a hit through the other, and a
    purge made through one misses on the other; other keys in the same Redis are left alone."""
    settings.HUIMIN_PAGE_CACHE = True
    first = RedisCache(redis_url, {"KEY_PREFIX": "pages"})
    second = RedisCache(redis_url, {"KEY_PREFIX": "pages"})
    sessions = RedisCache(redis_url, {})
    sessions.set("a-session", "kept")
    with time_machine.travel(DEMO_NOW, tick=False):
        monkeypatch.setattr(queries, "cache", lambda: first)
        assert client.get("/", HTTP_HOST="127.0.0.1:8000")[CACHE_HEADER] == "miss"
        monkeypatch.setattr(queries, "cache", lambda: second)
        assert client.get("/", HTTP_HOST="127.0.0.1:8000")[CACHE_HEADER] == "hit"
        monkeypatch.setattr(queries, "cache", lambda: first)
        services.purge(sites=["127.0.0.1"], reason="测试")  # outside a transaction's atomic block: at once
        services.purge_all(reason="测试")
        monkeypatch.setattr(queries, "cache", lambda: second)
        assert client.get("/", HTTP_HOST="127.0.0.1:8000")[CACHE_HEADER] == "miss"
    assert sessions.get("a-session") == "kept"


def _get(url: str, host: str, cookie: str = "") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Host": host, **({"Cookie": cookie} if cookie else {})})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def varnish(live_demo, tmp_path_factory):
    binary = _require("varnishd")
    workdir = tmp_path_factory.mktemp("varnish")
    vcl = workdir / "huimin.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8080";', f'.port = "{live_demo["port"]}";'))
    port = _free_port()
    server = subprocess.Popen(
        # -j none: no jail, so it runs as whoever runs the suite (root in CI) and reads pytest's private tmp.
        [
            binary,
            "-F",
            "-j",
            "none",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-n",
            str(workdir / "n"),
            "-s",
            "malloc,64m",
            "-T",
            "none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=server_env(),
    )
    _wait_for_port(port, server, "varnishd")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


def _publish_elsewhere(live_demo, front_cache_url: str, code: str) -> None:
    """Run `code` in a `huimin shell` of its own against the live demo's database and var/ (another process,
    as a clerk's publish on another app server would be), with the front cache configured."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DATABASE_URL": live_demo["database_url"],
        "HUIMIN_VAR_DIR": str(live_demo["log"].parent),
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "HUIMIN_FRONT_CACHE_URL": front_cache_url,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-c", PINNED_HUIMIN, DEMO_NOW.isoformat(), "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_varnish_keeps_pages_and_drops_exactly_what_a_publish_elsewhere_changes(live_demo, varnish):
    host = f"127.0.0.1:{live_demo['port']}"
    home, other = varnish + "/", varnish + "/tzgg/"
    assert _get(home, host)[1]["X-Front-Cache"] == "miss"
    status, headers, body = _get(home, host)
    assert status == 200 and headers["X-Front-Cache"] == "hit"
    assert "X-Huimin-Tags" not in headers  # the purge tags stay inside Varnish
    _get(other, host)
    assert _get(other, host)[1]["X-Front-Cache"] == "hit"
    # Each display mode is its own copy; a signed-in reader's request passes through.
    assert _get(home, host, cookie="huimin_mode=elder; csrftoken=x")[1]["X-Front-Cache"] == "miss"
    assert _get(home, host, cookie="huimin_mode=elder")[1]["X-Front-Cache"] == "hit"
    assert _get(home, host, cookie="sessionid=abc")[1]["X-Front-Cache"] == "miss"

    _publish_elsewhere(
        live_demo,
        varnish,
        "from django.utils import timezone\n"
        "from wagtail.models import Site\n"
        "from huimin.articles.services import publish_article\n"
        "from huimin.sites.models import ColumnPage\n"
        "home = Site.objects.get(hostname='127.0.0.1').root_page\n"
        "column = ColumnPage.objects.child_of(home).get(slug='gzdt')\n"
        "publish_article(column, title='前端缓存清除测试文章', slug='front-cache-ban', body='<p>正文</p>',"
        " pub_date=timezone.now())\n",
    )
    status, headers, body = _get(home, host)
    assert headers["X-Front-Cache"] == "miss" and "前端缓存清除测试文章".encode() in body
    assert _get(home, host)[1]["X-Front-Cache"] == "hit"
    # The elder copy of the home page was dropped as well; a page that does not show the article was not.
    assert "前端缓存清除测试文章".encode() in _get(home, host, cookie="huimin_mode=elder")[2]
    article = _get(varnish + "/gzdt/front-cache-ban/", host)
    assert article[0] == 200
