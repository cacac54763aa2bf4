"""The page work in forked worker processes (`Options.workers`, `pool.py`) against a real HTTP server on
loopback: the same findings as a crawl in one process, hostile pages included (GBK declared only in
`<meta>`, broken markup, pages over the size limit, a compression bomb, a firewall's block page), and a
worker that stops loses no page."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from huimin.inspection import pool
from huimin.inspection.checks import run_page_checks
from huimin.inspection.crawler import Options, inspect_site
from huimin.inspection.document import Site
from huimin.inspection.tests.server import Route, SiteServer, gzip_bomb

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "/art/2026/11/22/art_1.html"
GBK_ARTICLE = """<html lang="zh-CN"><head><meta charset="gb2312"><title>关于冬季供暖的通知</title>
<meta name="ArticleTitle" content="关于冬季供暖的通知"><meta name="PubDate" content="2026-11-20 09:00"></head>
<body><main><h1>关于冬季供暖的通知</h1><p>中华人民共合国成立以来，供暖条件不断改善。</p>
<p>联系人王某，身份证号 11010519491231002X。</p></main></body></html>"""
BROKEN = (
    b"<html><body><div><p>\xe6\x9c\xaa\xe9\x97\xad\xe5\x90\x88<table><tr><td>\xff\xfe\x00"
    + b"<div>" * 3000
    + b'<a href="http://[::1">x</a><a href="javascript:void(0)">y</a>'
    + b'<a href="/missing.html">\xe5\xa4\xb1\xe6\x95\x88'
    + b"</span></p></td></div></html><img src=/static/img/logo.png alt="
)
HOSTILE_LINKS = "".join(
    f'<a href="{path}">链接</a>'
    for path in ("/gbk.html", "/broken.html", "/big", "/bomb", "/blocked", "/notes.txt", "/missing.html")
)


@pytest.fixture
def hostile_site():
    home = (FIXTURES / "homepage.html").read_text(encoding="utf-8")
    html = {"headers": {"Content-Type": "text/html"}}
    server = SiteServer({
        "/": Route(home.replace("</body>", f"{HOSTILE_LINKS}</body>")),
        "/col/gzdt/": Route((FIXTURES / "column.html").read_text(encoding="utf-8")),
        ARTICLE: Route((FIXTURES / "article.html").read_text(encoding="utf-8")),
        "/gbk.html": Route(GBK_ARTICLE.encode("gbk"), **html),
        "/broken.html": Route(BROKEN, **html),
        "/big": Route(b"<html><body><p>" + "政务公开".encode() * 400_000, **html),
        "/bomb": Route(gzip_bomb(20), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}),
        "/blocked": Route("<html><body>您的访问请求可能对网站造成安全威胁，已被拦截</body></html>"),
        "/notes.txt": Route("联系人王某 身份证号 11010519491231002X", headers={"Content-Type": "text/plain"}),
        "/static/img/logo.png": Route(b"\x89PNG", headers={"Content-Type": "image/png"}),
    })  # fmt: skip
    yield server
    server.close()


def _crawl(server, workers: int, page_checks=None):
    options = Options(
        rate=0, timeout=5, max_pages=100, max_bytes=1024 * 1024, check_external=False, workers=workers
    )
    return inspect_site(Site(server.url, NOW), options, page_checks=page_checks)


def _findings(crawl) -> list[tuple]:
    return sorted((f.check, f.severity, f.url, f.target, f.evidence, f.homepage) for f in crawl.findings)


def _stopping(marker: Path, path: str, times: int):
    """The page checks, except that a worker checking `path` kills itself, the first `times` times (the
    crawling process never does)."""
    parent = os.getpid()
    marker.mkdir(exist_ok=True)

    def checks(page, site):
        if page.url.endswith(path) and os.getpid() != parent and len(list(marker.iterdir())) < times:
            (marker / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return run_page_checks(page, site)

    return checks


def test_the_workers_find_exactly_what_one_process_finds(hostile_site):
    alone = _crawl(hostile_site, workers=0)
    shared = _crawl(hostile_site, workers=2)
    assert _findings(shared) == _findings(alone)
    assert shared.pages_crawled == alone.pages_crawled == 8  # the HTML pages, the bomb read up to the limit
    found = {(f.check, f.url.removeprefix(hostile_site.url.rstrip("/"))) for f in shared.findings}
    assert ("sensitive_expression", "/gbk.html") in found and ("privacy_leak", "/gbk.html") in found
    assert ("privacy_leak", "/notes.txt") in found
    caution = {f.target.removeprefix(hostile_site.url.rstrip("/")) for f in shared.findings}
    assert "/blocked" in caution and "/missing.html" in caution
    assert not multiprocessing.active_children()  # the workers are gone with the crawl


def test_a_stopped_worker_loses_no_page(hostile_site, tmp_path, caplog):
    alone = _crawl(hostile_site, workers=0)
    with caplog.at_level(logging.WARNING, logger="huimin.inspection.pool"):
        crawl = _crawl(hostile_site, workers=2, page_checks=_stopping(tmp_path / "stops", ARTICLE, 1))
    assert _findings(crawl) == _findings(alone)  # the page was checked again by another worker
    assert "stopped with exit code -9 while checking" in caplog.text and ARTICLE in caplog.text
    assert len(list((tmp_path / "stops").iterdir())) == 1 and not multiprocessing.active_children()


def test_a_page_that_stops_every_worker_is_skipped_and_the_crawl_goes_on(hostile_site, tmp_path, caplog):
    alone = _crawl(hostile_site, workers=0)
    with caplog.at_level(logging.WARNING, logger="huimin.inspection.pool"):
        crawl = _crawl(hostile_site, workers=2, page_checks=_stopping(tmp_path / "stops", "/gbk.html", 99))
    gbk = hostile_site.url + "gbk.html"
    assert f"Checks of {gbk} skipped: the page stopped 2 workers" in caplog.text
    assert crawl.pages_crawled == alone.pages_crawled - 1
    assert _findings(crawl) == [f for f in _findings(alone) if f[2] != gbk]


def test_without_workers_left_the_pages_are_checked_in_the_crawling_process(
    hostile_site, tmp_path, caplog, monkeypatch
):
    monkeypatch.setattr(pool, "REPLACEMENTS_PER_WORKER", 0)
    alone = _crawl(hostile_site, workers=0)
    with caplog.at_level(logging.WARNING, logger="huimin.inspection.pool"):
        crawl = _crawl(hostile_site, workers=1, page_checks=_stopping(tmp_path / "stops", ARTICLE, 1))
    assert "No page-check worker is left: checking" in caplog.text
    assert _findings(crawl) == _findings(alone)
