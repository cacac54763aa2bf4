"""Warm processes (huimin/warmup.py): the WSGI entry point warms a process once, before it serves, and closes
the database connections it opened; a management command is never warmed; gunicorn with the shipped
configuration (huimin/gunicorn_conf.py) warms its master once and its workers serve from what they inherit.
Each runs in a process of its own on the live demo's database (read only)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WARMED = "warm-up done in"


def _env(tmp_path, live_demo=None, **extra) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "HUIMIN_VAR_DIR": str(tmp_path),
        "HUIMIN_PAGE_CACHE": "0",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    if live_demo is not None:
        env["DATABASE_URL"] = live_demo["database_url"]
    return env


def test_the_wsgi_entry_point_warms_the_process_once_and_closes_its_connections(tmp_path, live_demo):
    code = (
        "from django.db import connections\n"
        "import huimin.wsgi\n"
        "from huimin.search import analysis\n"
        "from huimin.sites import chrome\n"
        "from huimin import warmup\n"
        "print('warmed:', warmup.warmed)\n"
        "print('open:', [c.alias for c in connections.all() if c.connection is not None])\n"
        "print('dictionary:', analysis._segmenter._base_tokenizer is not None)\n"
        "kept = chrome._current\n"
        "print('chrome:', sorted(s.hostname for s in kept.sites if s.pk in kept._sites))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, live_demo),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count(WARMED) == 1, result.stderr[-3000:]
    assert "failed" not in next(line for line in result.stderr.splitlines() if WARMED in line)
    lines = result.stdout.splitlines()
    assert "open: []" in lines  # no connection is left for a forked worker to share
    assert "dictionary: True" in lines
    assert "warmed: True" in lines  # a worker forked from here renders the home pages before it serves
    assert (
        "chrome: ['127.0.0.1', 'jyj.localhost', 'shuyang.localhost', 'slj.localhost', 'sucheng.localhost']"
        in lines
    )


def test_a_management_command_is_not_warmed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "huimin", "check"],
        env=_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "warm-up" not in result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status


class _Gunicorn:
    """gunicorn with the shipped configuration on a port of its own, its logs in files."""

    def __init__(self, tmp_path, live_demo, name: str, workers: int):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.out_path, self.err_path = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        env = _env(
            tmp_path, live_demo, HUIMIN_WEB_WORKERS=str(workers), HUIMIN_WEB_BIND=f"127.0.0.1:{self.port}"
        )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self._out, self._err = self.out_path.open("w"), self.err_path.open("w")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "python:huimin.gunicorn_conf"],
            env=env,
            cwd=ROOT,
            stdout=self._out,
            stderr=self._err,
        )

    def wait_ready(self) -> int:
        deadline = time.monotonic() + 180
        while True:
            try:
                return _get(self.base_url + "/", "127.0.0.1:8000")
            except OSError:
                assert self.process.poll() is None, self.err_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._out.close()
        self._err.close()


def test_gunicorn_with_the_shipped_configuration_warms_the_master_once_and_serves(tmp_path, live_demo):
    server = _Gunicorn(tmp_path, live_demo, "gunicorn", workers=2)
    try:
        assert server.wait_ready() == 200
        for _ in range(6):  # both workers answer
            assert _get(server.base_url + "/gzdt/", "127.0.0.1:8000") == 200
    finally:
        server.stop()
    log = server.err_path.read_text()
    assert log.count(WARMED) == 1, log[-3000:]  # in the master, before the two workers forked
    assert log.count("Booting worker") == 2
    assert log.index(WARMED) < log.index("Booting worker")
    assert "control socket" not in log.lower()
    access = server.out_path.read_text()  # the access log, on standard output
    assert access.count('"GET /gzdt/ HTTP/1.1" 200') == 6


# An editor's changes, made by a process of its own (as the admin's would be, in another worker): the
# portal's name (header) and telephone (footer), its main navigation, and a block of its home page.
EDITOR = """
import json, sys, django
django.setup()
from wagtail.models import Site
from huimin.sites import services
from huimin.sites.models import SiteIdentity, SiteNavigation
site = Site.objects.get(hostname="127.0.0.1")
identity = SiteIdentity.objects.get(site=site)
navigation = SiteNavigation.for_site(site)
home = site.root_page.specific
if sys.argv[1] == "edit":
    print(json.dumps({
        "site_name": identity.site_name,
        "phone": identity.phone,
        "groups": list(navigation.groups.raw_data),
        "body": list(home.body.raw_data),
    }))
    identity.site_name, identity.phone = "宿迁市人民政府（新版）", "0527-88880000"
    identity.save()
    link = {"page": None, "url": "/qa/", "label": "问一问"}
    navigation.groups = [{"type": "group", "value": {"title": "便民服务", "links": [link]}}]
    navigation.save()
    body = [dict(block) for block in home.body.raw_data]
    for block in body:
        if block["type"] == "policies":
            block["value"] = {**block["value"], "heading": "政策与解读（新版）"}
    services.arrange_home(home, body)
else:
    original = json.loads(sys.argv[2])
    identity.site_name, identity.phone = original["site_name"], original["phone"]
    identity.save()
    navigation.groups = original["groups"]
    navigation.save()
    services.arrange_home(home, original["body"])
"""


def _editor(live_demo, tmp_path, *args: str) -> str:
    env = _env(tmp_path, live_demo, LOG_LEVEL="WARNING")
    result = subprocess.run(
        [sys.executable, "-c", EDITOR, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _shown(base_url: str, path: str) -> dict:
    """What a page shows of the chrome and of the home page's blocks. The session cookie keeps the live
    demo's page cache out of the way: this is what the process renders now."""
    from .html import soup

    request = urllib.request.Request(
        base_url + path, headers={"Host": "127.0.0.1:8000", "Cookie": "sessionid=none"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        document = soup(response.read())
    phone = next(
        div.dd.get_text(strip=True)
        for div in document.select("footer .identity-items > div")
        if div.dt.get_text(strip=True) == "联系电话"
    )
    return {
        "name": document.select_one(".site-title .site-name").get_text(strip=True),
        "phone": phone,
        "nav": [a.get_text(strip=True) for a in document.select("nav.main-nav .nav-links a")],
        "blocks": [h2.get_text(strip=True) for h2 in document.select("main h2.home-block-title")],
    }


def test_an_edit_shows_at_once_in_every_process_serving_the_site(tmp_path, live_demo):
    """Two gunicorn instances with the shipped configuration (one warm worker each, so which process
    answers is known) and the live demo's server, all on one database: each has built and kept the
    portal's chrome and its home page's block lists; an editor's change made in yet another process shows
    on the next request of every one of them, and so does putting it back."""
    servers = [_Gunicorn(tmp_path, live_demo, f"web{number}", workers=1) for number in (1, 2)]
    try:
        for server in servers:
            assert server.wait_ready() == 200
        base_urls = [server.base_url for server in servers] + [live_demo["base_url"]]
        before = {url: [_shown(url, "/"), _shown(url, "/gzdt/")] for url in base_urls}  # all kept now
        home, column = before[base_urls[0]]
        assert "问一问" not in home["nav"] and "政策与解读" in home["blocks"]
        assert all(shown == [home, column] for shown in before.values())
        original = _editor(live_demo, tmp_path, "edit")
        try:
            for url in base_urls:
                home, column = _shown(url, "/"), _shown(url, "/gzdt/")
                for shown in (home, column):
                    assert shown["name"] == "宿迁市人民政府（新版）", url
                    assert shown["phone"] == "0527-88880000", url
                    assert shown["nav"] == ["问一问"], url
                assert "政策与解读（新版）" in home["blocks"] and "政策与解读" not in home["blocks"], url
        finally:
            _editor(live_demo, tmp_path, "restore", original)
        for url in base_urls:
            assert [_shown(url, "/"), _shown(url, "/gzdt/")] == before[url], url
    finally:
        for server in servers:
            server.stop()
