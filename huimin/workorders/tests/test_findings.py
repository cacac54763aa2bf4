"""Findings of the daily patrol become work orders, against a real site served on loopback: one order per
site and problem (never one per broken link), closed as verified fixed by the crawl that no longer sees
the problem, reopened when it returns, and a crawl that could not reach the site closes nothing."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from wagtail.models import Page, Site

from huimin.inspection import services as inspection
from huimin.inspection.crawler import Options
from huimin.inspection.models import Target
from huimin.inspection.tests.server import Route, SiteServer
from huimin.sites.enums import OrgUnitKind
from huimin.sites.models import OrgUnit, SiteIdentity
from huimin.workorders.enums import Closure, Priority, Source, State
from huimin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2030, 3, 4, 10, 0, tzinfo=SHANGHAI)
OPTIONS = Options(rate=0, timeout=2, connect_timeout=2, check_external=False, max_pages=20)
_serial = itertools.count(1)


def make_site(hostname: str, port: int = 80, name: str = "") -> Site:
    """A site of the group with its own home page, unit and identity (so orders have a unit to go to)."""
    n = next(_serial)
    name = name or f"工单测试网站{n}"
    root = Page.get_first_root_node().add_child(instance=Page(title=name, slug=f"wo-test-{n}-{port}"))
    site = Site.objects.create(hostname=hostname, port=port, root_page=root, site_name=name)
    unit = OrgUnit.objects.create(name=f"{name}主管单位", kind=OrgUnitKind.OTHER)
    SiteIdentity.objects.create(
        site=site,
        site_name=name,
        site_code="3213000099",
        domain=f"wo{n}.example.cn",
        org_unit=unit,
        sponsor=f"{name}主管单位",
        phone="0527-84367999",
        address="宿迁市洪泽湖东路19号",
        email="wo@example.cn",
        icp_number="苏ICP备00000000号",
        police_record_number="苏公网安备 32130202000000号",
        conac_url="https://bszs.conac.cn/",
    )
    return site


def page(*links: str) -> str:
    anchors = "".join(f'<li><a href="{href}">链接{n}</a></li>' for n, href in enumerate(links))
    return f'<html lang="zh-CN"><head><title>测试页</title></head><body><ul>{anchors}</ul></body></html>'


BROKEN = {
    "/": Route(page("/a.html", "/gone.html")),
    "/a.html": Route(page("/", "/gone.html", "/lost.html")),
}
FIXED = {
    "/": Route(page("/a.html")),
    "/a.html": Route(page("/")),
}


def patrol(target: Target, now: datetime):
    runs = inspection.patrol(now, options=OPTIONS, force=True, ids=[target.pk])
    assert len(runs) == 1
    return runs[0]


def order_of(site: Site, problem: str) -> WorkOrder | None:
    return WorkOrder.objects.filter(site=site, finding_key=f"patrol:{problem}").first()


def test_crawls_open_close_and_reopen_one_order_per_problem():
    server = SiteServer(dict(BROKEN))
    try:
        site = make_site("127.0.0.1", int(server.url.rsplit(":", 1)[1].strip("/")))
        inspection.sync_group_targets()
        target = Target.objects.get(site=site)
        assert target.url == server.url
        with time_machine.travel(T0, tick=False) as clock:
            # Three broken links on two pages: one order, three rows.
            run = patrol(target, T0)
            assert run.counts["broken_link"] == 3
            order = order_of(site, "broken_link")
            assert order is not None and order.state == State.ACCEPTED
            assert (order.source, order.kind.code, order.priority) == (
                Source.PATROL,
                "correction",
                Priority.NORMAL,
            )
            assert order.title == "错误链接" and order.unit.name.endswith("主管单位")
            assert len(order.findings) == 3
            assert {row["target"] for row in order.findings} == {
                server.url + "gone.html",
                server.url + "lost.html",
            }
            assert all(
                row["severity"] == "deduct" and row["evidence"] == "HTTP 404" for row in order.findings
            )
            assert set(order.findings[0]) == {"url", "evidence", "severity", "target"}
            assert WorkOrder.objects.filter(site=site, finding_key="patrol:broken_link").count() == 1

            # The same problems again: the same order, nothing new.
            clock.shift(timedelta(hours=1))
            patrol(target, T0 + timedelta(hours=1))
            assert (
                WorkOrder.objects.filter(site=site, source=Source.PATROL)
                .filter(finding_key="patrol:broken_link")
                .count()
                == 1
            )
            assert order_of(site, "broken_link").events.count() == 1

            # Fixed: the next crawl closes it as verified.
            server.routes.clear()
            server.routes.update(FIXED)
            clock.shift(timedelta(hours=1))
            patrol(target, T0 + timedelta(hours=2))
            order.refresh_from_db()
            assert (order.state, order.closure) == (State.CLOSED, Closure.VERIFIED)
            assert order.closed_at == T0 + timedelta(hours=2)

            # Broken again: the same order reopens.
            server.routes.update(BROKEN)
            clock.shift(timedelta(hours=1))
            patrol(target, T0 + timedelta(hours=3))
            order.refresh_from_db()
            assert order.state == State.ACCEPTED and order.reopened == 1 and order.closed_at is None
            assert len(order.findings) == 3
            opened = set(
                WorkOrder.objects.filter(site=site).exclude(state=State.CLOSED).values_list("pk", flat=True)
            )

            # The site is down: an order for that, and nothing else is closed.
            server.close()
            clock.shift(timedelta(hours=1))
            run = patrol(target, T0 + timedelta(hours=4))
            assert run.pages_crawled == 0
            order.refresh_from_db()
            assert order.state == State.ACCEPTED and order.reopened == 1
            down = order_of(site, "unreachable")
            assert down is not None and down.state == State.ACCEPTED
            assert (down.kind.code, down.priority) == ("fault", Priority.URGENT)
            still_open = set(
                WorkOrder.objects.filter(site=site).exclude(state=State.CLOSED).values_list("pk", flat=True)
            )
            assert opened <= still_open
    finally:
        server.close()


def test_an_outside_sites_crawl_opens_no_order():
    server = SiteServer(dict(BROKEN))
    try:
        target = Target.objects.create(name="外部网站", url=server.url, max_pages=5)
        with time_machine.travel(T0, tick=False):
            run = patrol(target, T0)
        assert run.counts["broken_link"] == 3
        assert not WorkOrder.objects.filter(finding_key="patrol:broken_link", submitted_at=T0).exists()
    finally:
        server.close()
