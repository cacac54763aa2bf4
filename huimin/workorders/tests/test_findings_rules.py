"""Which findings open orders (the data file), what a crawl's report becomes, and the guide checker's
problems carried to orders by `huimin workorders-sync` (opened, then closed when the guides are fixed)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from huimin.guides.models import GuideIndexPage
from huimin.guides.services import upsert_guide
from huimin.guides.tests.guide_helpers import good_data
from huimin.inspection.models import Run, Target
from huimin.sites.enums import OrgUnitKind
from huimin.sites.models import OrgUnit, SiteIdentity
from huimin.workorders import findings
from huimin.workorders.enums import Closure, Priority, Source, State
from huimin.workorders.models import WorkOrder, WorkOrderKind

from .test_findings import T0, make_site

pytestmark = pytest.mark.django_db


def finding(check: str, severity: str = "deduct", url: str = "http://x.test/", target="", evidence="证据"):
    return {"check": check, "severity": severity, "url": url, "target": target, "evidence": evidence}


def run_of(site, *found, pages: int = 10) -> Run:
    target, _ = Target.objects.get_or_create(
        site=site, defaults={"name": "t", "url": f"http://{site.hostname}/"}
    )
    return Run.objects.create(
        target=target, started=T0, pages_crawled=pages, score=90, counts={}, report={"findings": list(found)}
    )


def keys(site) -> dict[str, str]:
    return dict(WorkOrder.objects.filter(site=site).values_list("finding_key", "state"))


# --- the data file -----------------------------------------------------------------------------------------


def test_the_shipped_data_file_is_valid_and_covers_the_named_checks():
    kinds = findings.load()
    assert kinds.patrol["broken_link"].kind == "correction"
    assert (kinds.patrol["unreachable"].kind, kinds.patrol["unreachable"].priority) == (
        "fault",
        Priority.URGENT,
    )
    assert (kinds.patrol["privacy_leak"].kind, kinds.patrol["privacy_leak"].priority) == (
        "security",
        "urgent",
    )
    assert kinds.patrol["dark_link"].kind == "security" and kinds.patrol["accessibility"].priority == "low"
    assert "link_caution" not in kinds.patrol  # only ever an info finding
    assert set(kinds.guides) == {
        "missing_element", "unclear_material_format", "vague_wording",
        "bare_basis", "missing_form", "malformed_phone",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "顶层"),
        ({"patrol": {"no_such_check": {"kind": "correction", "title": "x"}}}, "不是已知的检查项"),
        ({"patrol": {"broken_link": {"kind": "nothing", "title": "x"}}}, "工单类型"),
        ({"patrol": {"broken_link": {"kind": "correction", "title": ""}}}, "标题"),
        ({"patrol": {"broken_link": {"kind": "correction", "title": "x" * 101}}}, "标题"),
        ({"patrol": {"broken_link": {"kind": "correction", "title": "x", "priority": "now"}}}, "紧急程度"),
        ({"patrol": {"broken_link": {"kind": "correction", "title": "x", "min_severity": "info"}}}, "提示级"),
        ({"guides": {"missing_element": "correction"}}, "必须是对象"),
        ({"guides": {"<script>": {"kind": "correction", "title": "x"}}}, "不是已知的检查项"),
    ],
)
def test_a_bad_data_file_is_refused_in_chinese(data, message):
    with pytest.raises(findings.FindingKindsError, match=message):
        findings.validate(data)


def test_an_unreadable_data_file_is_refused_in_chinese(tmp_path):
    broken = tmp_path / "kinds.json"
    broken.write_bytes('{"patrol": {"broken_link": '.encode("gbk"))
    with pytest.raises(findings.FindingKindsError, match="不是有效的 JSON"):
        findings.load(broken)
    with pytest.raises(findings.FindingKindsError, match="无法读取"):
        findings.load(tmp_path / "missing.json")


# --- from a crawl's report ---------------------------------------------------------------------------------


def test_findings_are_grouped_per_problem_with_their_rows():
    site = make_site("wo-rules-1.localhost")
    rows = [
        finding("broken_link", url=f"http://x.test/{n}", target=f"http://x.test/gone{n}") for n in range(5)
    ]
    counts = findings.from_run(run_of(site, *rows, finding("privacy_leak", "warn")), T0)
    assert counts == {"opened": 2}
    broken = WorkOrder.objects.get(site=site, finding_key="patrol:broken_link")
    assert len(broken.findings) == 5 and broken.findings[0]["target"] == "http://x.test/gone0"
    leak = WorkOrder.objects.get(site=site, finding_key="patrol:privacy_leak")
    assert (leak.kind.code, leak.priority, leak.title) == ("security", Priority.URGENT, "个人信息泄露")
    assert leak.findings[0]["severity"] == "warn"


def test_info_findings_and_findings_below_the_minimum_open_nothing():
    site = make_site("wo-rules-2.localhost")
    found = [
        finding("link_caution", "info"),
        finding("broken_link", "info"),  # below broken_link's minimum (deduct)
        finding("broken_link", "warn"),
        finding("policy_uninterpreted", "warn"),  # not in the data file
    ]
    assert findings.from_run(run_of(site, *found), T0) == {}
    assert keys(site) == {}


def test_a_failed_crawl_opens_but_never_closes():
    site = make_site("wo-rules-3.localhost")
    findings.from_run(run_of(site, finding("broken_link"), finding("accessibility", "warn")), T0)
    down = finding("unreachable", "veto", evidence="站点无法访问：无法连接")
    counts = findings.from_run(run_of(site, down, pages=0), T0 + timedelta(hours=1))
    assert counts == {"opened": 1}
    assert keys(site) == {
        "patrol:broken_link": State.ACCEPTED,
        "patrol:accessibility": State.ACCEPTED,
        "patrol:unreachable": State.ACCEPTED,
    }
    # Back up, links fixed, accessibility still wrong: two orders verified, one updated.
    counts = findings.from_run(
        run_of(site, finding("accessibility", "warn", evidence="新证据")), T0 + timedelta(hours=2)
    )
    assert counts == {"closed": 2, "updated": 1}
    assert WorkOrder.objects.get(site=site, finding_key="patrol:unreachable").closure == Closure.VERIFIED


def test_a_kind_renamed_in_the_admin_stops_only_its_own_problem(caplog):
    site = make_site("wo-rules-6.localhost")
    WorkOrderKind.objects.filter(code="fault").update(code="breakdown")
    counts = findings.from_run(run_of(site, finding("unreachable", "veto"), finding("broken_link")), T0)
    assert counts == {"opened": 1} and set(keys(site)) == {"patrol:broken_link"}
    assert "'fault'" in caplog.text


def test_an_outside_target_is_left_alone():
    target = Target.objects.create(name="外部", url="http://outside.test/")
    run = Run.objects.create(
        target=target,
        started=T0,
        pages_crawled=3,
        score=90,
        counts={},
        report={"findings": [finding("broken_link")]},
    )
    assert findings.from_run(run, T0) == {}


def test_hostile_finding_text_is_stored_verbatim_but_clipped():
    site = make_site("wo-rules-4.localhost")
    evil = finding(
        "sensitive_expression",
        "veto",
        url="http://x.test/" + "a" * 3000,
        target="<script>alert(1)</script>\x07",  # (a NUL cannot be in a stored run on PostgreSQL)
        evidence="'; DROP TABLE huimin_workorders_workorder; --" + "长" * 1000,
    )
    findings.from_run(
        run_of(site, evil, *[finding("broken_link", url=f"http://x.test/{n}") for n in range(250)]), T0
    )
    order = WorkOrder.objects.get(site=site, finding_key="patrol:sensitive_expression")
    row = order.findings[0]
    assert row["target"] == "<script>alert(1)</script>"
    assert row["evidence"].startswith("'; DROP TABLE huimin_workorders_workorder; --")
    assert len(row["evidence"]) == findings.MAX_EVIDENCE and len(row["url"]) == findings.MAX_URL
    assert order.priority == Priority.HIGH and row["severity"] == "veto"
    broken = WorkOrder.objects.get(site=site, finding_key="patrol:broken_link")
    assert len(broken.findings) == 200 and "共 250 处" in broken.description


def test_a_report_without_findings_or_with_junk_does_not_break():
    site = make_site("wo-rules-5.localhost")
    target = Target.objects.create(name="坏报告", url="http://wo-rules-5.localhost/", site=site)
    empty = Run.objects.create(target=target, started=T0, pages_crawled=1, score=100, counts={}, report={})
    assert findings.from_run(empty, T0) == {}
    junk = Run.objects.create(
        target=target, started=T0, pages_crawled=1, score=100, counts={},
        report={"findings": [{"check": "broken_link"}, {"severity": "veto"}, {"check": ["x"]}, "junk", 7]},
    )  # fmt: skip
    assert findings.from_run(junk, T0) == {}


# --- the guide checker ---------------------------------------------------------------------------------


@pytest.fixture
def guide_site():
    site = make_site("wo-guides.localhost")
    # The guide helpers' complete guide names this unit (the demo's); overridden below.
    OrgUnit.objects.get_or_create(name="宿迁市民政局", defaults={"kind": OrgUnitKind.DEPARTMENT_TIER1})
    index = GuideIndexPage(title="办事指南", slug="bszn", description="办事指南", keywords="办事")
    site.root_page.add_child(instance=index)
    return site, index


def _guide(index, unit, **changes):
    page, _created = upsert_guide(good_data(unit=unit, **changes), index)
    return page


def test_the_sync_command_opens_orders_for_guide_problems_and_closes_them_when_fixed(guide_site):
    site, index = guide_site
    unit = SiteIdentity.objects.get(site=site).org_unit
    with time_machine.travel(T0, tick=False) as clock:
        _guide(index, unit, slug="wo-a", title="工单测试事项甲", hours="")
        _guide(index, unit, slug="wo-b", title="工单测试事项乙", hours="", consult_phone="12")
        _guide(index, unit, slug="wo-c", title="工单测试事项丙")  # clean
        out = StringIO()
        call_command("workorders-sync", "--site", "wo-guides.localhost", "--json", stdout=out)
        summary = json.loads(out.getvalue())
        assert summary == {"sites": 1, "guides": 3, "opened": 2, "updated": 0, "reopened": 0, "closed": 0}
        missing = WorkOrder.objects.get(site=site, finding_key="guides:missing_element")
        assert missing.source == Source.GUIDES and missing.title == "办事指南要素缺失"
        assert len(missing.findings) == 2
        assert {row["target"] for row in missing.findings} == {"工单测试事项甲", "工单测试事项乙"}
        assert all("办理时间" in row["evidence"] or "缺少要素" in row["evidence"] for row in missing.findings)
        assert missing.findings[0]["url"].startswith("http://wo-guides.localhost/")
        phone = WorkOrder.objects.get(site=site, finding_key="guides:malformed_phone")
        assert len(phone.findings) == 1 and "“12”" in phone.findings[0]["evidence"]

        # Nothing changed: nothing to do.
        out = StringIO()
        call_command("workorders-sync", "--site", "wo-guides.localhost", stdout=out)
        assert "工单没有变化" in out.getvalue()

        # One guide fixed: the missing-element order keeps one row; the phone is fixed too.
        clock.shift(timedelta(hours=1))
        _guide(index, unit, slug="wo-b", title="工单测试事项乙")
        out = StringIO()
        call_command("workorders-sync", "--site", "wo-guides.localhost", "--json", stdout=out)
        assert json.loads(out.getvalue())["updated"] == 1 and json.loads(out.getvalue())["closed"] == 1
        phone.refresh_from_db()
        assert (phone.state, phone.closure) == (State.CLOSED, Closure.VERIFIED)

        # All fixed.
        clock.shift(timedelta(hours=1))
        _guide(index, unit, slug="wo-a", title="工单测试事项甲")
        out = StringIO()
        call_command("workorders-sync", "--site", "wo-guides.localhost", stdout=out)
        assert "复查办结 1 张" in out.getvalue()
        assert set(keys(site).values()) == {State.CLOSED}


def test_the_sync_command_refuses_an_unknown_site_in_chinese():
    with pytest.raises(CommandError, match="站点“<script>”不存在"):
        call_command("workorders-sync", "--site", "<script>")
