"""The automatic rows of 发布解读 and 功能应用 judged from Huimin's own data: 内容更新, 政策解读, 解读关联,
the rows read from the patrol's runs (网站标识, 可用性, 找错入口, 页面标签, the veto) and 数据开放. Each test
builds a small site with the real services and checks the row against figures computed by hand."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from huimin.articles.services import publish_article
from huimin.assessment import indicators, sheets
from huimin.assessment.indicators import content as content_rows
from huimin.assessment.models import IndicatorTable
from huimin.assessment.services import tables
from huimin.core.pages import add_and_publish
from huimin.inspection import services as inspection_services
from huimin.inspection.crawler import Crawl
from huimin.inspection.document import Finding
from huimin.inspection.document import Site as CrawledSite
from huimin.inspection.enums import Check, Severity
from huimin.inspection.models import Target
from huimin.opendata import charts
from huimin.opendata.models import DataChart
from huimin.opendata.tests.factories import csv_bytes, make_catalog, make_dataset, make_resource
from huimin.policies.enums import InterpretationForm
from huimin.policies.models import InterpretationPage, PolicyLibraryPage
from huimin.policies.services import PolicyData, publish_interpretation, upsert_policy
from huimin.sites import services as site_services
from huimin.sites.models import ColumnType, OrgUnit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
YEAR = 2026
_numbers = itertools.count(1)


# --- building blocks ------------------------------------------------------------------------------------


@pytest.fixture
def table():
    """The year's table: the demo's when another module of this test process built the demo (the same
    method), else seeded."""
    return IndicatorTable.objects.filter(year=YEAR).first() or tables.seed_table(YEAR)


@pytest.fixture
def county():
    unit = OrgUnit.objects.create(name="甲县", kind="county", sort_order=1)
    site = _site(unit, "jiaxian.localhost", "3213000091")
    return unit, site


@pytest.fixture
def siteless():
    return OrgUnit.objects.create(name="乙档案馆", kind="dept_tier2", sort_order=5)


def _site(unit, hostname, code):
    identity = site_services.IdentityData(
        site_name=f"{unit.name}人民政府",
        site_code=code,
        domain=f"{hostname.split('.')[0]}.suqian.gov.cn",
        sponsor=f"{unit.name}人民政府办公室",
        phone="0527-84300091",
        address="江苏省宿迁市（测试地址）",
        email="test@suqian.example.cn",
        icp_number="苏ICP备05000001号-91",
        police_record_number="苏公网安备32130202000091号",
        conac_url="https://bszs.conac.cn/sitename?method=show&id=TEST0091",
    )
    return site_services.create_site(
        hostname=hostname,
        port=80,
        org_unit=unit,
        identity=identity,
        home_title=unit.name,
        home_keywords="测试",
    )


def _column(parent, title, type_name, unit, **extra):
    number = next(_numbers)
    return site_services.add_column(
        parent,
        title=title,
        slug=f"col-{number}",
        column_type=ColumnType.objects.get(name=type_name),
        description=f"{title}栏目",
        keywords=title,
        responsible_unit=unit,
        responsible_person="张三",
        **extra,
    )


def _article(column, when, title="信息"):
    number = next(_numbers)
    return publish_article(
        column, title=f"{title}{number}", slug=f"a-{number}", body="<p>正文</p>", pub_date=when
    )


def _ctx(unit, now=NOW, year=YEAR, table=None):
    start, end = sheets.year_bounds(year, now)
    table = table or sheets.table_for(year)
    return indicators.Context(
        unit, sheets.unit_class(unit), sheets.sites_of(unit), year, now, start, end, table
    )


def _row(table, source):
    return table.indicators.get(source=source)


def _run(ctx_source, table, unit, now=NOW, year=YEAR):
    """The row's calculator at `now`: (score as the sheet clamps it, evidence)."""
    row = _row(table, ctx_source)
    result = indicators.load()[ctx_source](_ctx(unit, now, year, table), row)
    return round(min(max(result.score, 0.0), indicators.points(row)), 2), result


# --- 内容更新 -------------------------------------------------------------------------------------------


def test_two_stale_dynamic_columns_and_an_empty_one_take_all_15_points(county, table):
    unit, site = county
    home = site.root_page
    for title in ("工作动态", "部门动态"):
        _article(_column(home, title, "工作动态", unit), NOW - timedelta(days=20))
    empty = _column(home, "通知公告", "通知公告", unit)
    fresh = _column(home, "要闻", "工作动态", unit)
    _article(fresh, NOW - timedelta(days=3))
    score, result = _run("content_update", table, unit)
    assert score == 0  # 15 − 3 × 5
    assert [item.deduction for item in result.evidence] == [5.0, 5.0, 5.0]
    texts = " ".join(item.text for item in result.evidence)
    assert "动态类栏目“工作动态”前2周内未更新（最新信息发布于 2026-10-13）" in texts
    assert "空白栏目“通知公告”" in texts and "要闻" not in texts
    assert reverse("wagtailadmin_pages:edit", args=[empty.pk]) in [item.url for item in result.evidence]


def test_one_stale_dynamic_column_leaves_10(county, table):
    unit, site = county
    _article(_column(site.root_page, "工作动态", "工作动态", unit), NOW - timedelta(days=15))
    _article(_column(site.root_page, "概况信息", "概况信息", unit), NOW - timedelta(days=300))  # cycle 365
    score, result = _run("content_update", table, unit)
    assert score == 10
    assert len(result.evidence) == 1


def test_content_published_after_now_does_not_count(county, table):
    unit, site = county
    dynamic = _column(site.root_page, "工作动态", "工作动态", unit)
    _article(dynamic, NOW - timedelta(days=20))
    _article(dynamic, NOW + timedelta(days=2))  # dated after the moment of the assessment
    later_only = _column(site.root_page, "通知公告", "通知公告", unit)
    _article(later_only, NOW + timedelta(days=1))
    assert _run("content_update", table, unit)[0] == 5  # stale + empty at NOW
    assert _run("content_update", table, unit, now=NOW + timedelta(days=3))[0] == 15


def test_policy_columns_get_six_months_and_others_their_own_cycle(county, table):
    unit, site = county
    home = site.root_page
    _article(
        _column(home, "政策文件", "政策文件", unit), datetime(2026, 4, 30, 9, 0, tzinfo=SH)
    )  # > 6 months
    _article(_column(home, "政策解读", "政策解读", unit), datetime(2026, 5, 3, 9, 0, tzinfo=SH))  # < 6 months
    notices = _column(home, "通知公告", "通知公告", unit, update_cycle_days=30)
    _article(notices, NOW - timedelta(days=40))  # its own cycle: 30 days
    empty_dynamic = _column(home, "乡镇动态", "工作动态", unit)  # empty and dynamic: counted once
    library = add_and_publish(
        home, PolicyLibraryPage(title="规范性文件", slug="gfxwj", description="本县文件", keywords="文件")
    )
    upsert_policy(library, _policy(unit, datetime(2026, 6, 1, 9, 0, tzinfo=SH)))  # a library within 6 months
    score, result = _run("content_update", table, unit)
    texts = [item.text for item in result.evidence]
    assert len(texts) == 3 and score == 0  # 15 − 3 × 5
    assert any("政策类栏目“政策文件”前6个月内未更新" in text for text in texts)
    assert any("超过更新周期 30 天" in text for text in texts)
    assert sum("乡镇动态" in text for text in texts) == 1
    assert reverse("wagtailadmin_pages:edit", args=[empty_dynamic.pk]) in [i.url for i in result.evidence]
    # eight months on, the library is stale as well; nothing else changes the count
    later = datetime(2026, 12, 31, 12, 0, tzinfo=SH)
    assert (
        sum("规范性文件" in item.text for item in _run("content_update", table, unit, now=later)[1].evidence)
        == 1
    )


def test_a_unit_without_a_site_scores_0_on_website_rows(siteless, table):
    for source in (
        "content_update",
        "policy_interpretation",
        "interpretation_links",
        "site_identity",
        "page_tags",
    ):
        score, result = _run(source, table, siteless)
        assert score == 0
        assert result.evidence[0].text == "本单位在网站群中没有网站，无法评测"


# --- 政策解读 and 解读关联 --------------------------------------------------------------------------------


def _policy(issuer, when, title=None):
    number = next(_numbers)
    return PolicyData(
        title=title or f"关于印发测试办法的通知{number}",
        index_number=f"TEST/{when.year}-{number:05d}",
        body="<p>正文</p>",
        pub_date=when,
        issuer=issuer,
    )


def _library(site):
    return add_and_publish(
        site.root_page,
        PolicyLibraryPage(title="政策文件", slug="zcwj", description="政策文件", keywords="政策"),
    )


def _reading(library, policies, when, form=InterpretationForm.TEXT):
    number = next(_numbers)
    page = InterpretationPage(
        title=f"解读{number}",
        slug=f"jd-{number}",
        interpreter="县司法局",
        body="<p>解读正文</p>",
        text_alternative="图解文字版" if form != InterpretationForm.TEXT else "",
        form=form,
        pub_date=when,
    )
    return publish_interpretation(library, page, policies)


def test_policies_without_an_interpretation_at_now_lose_a_point_each(county, table):
    unit, site = county
    office = OrgUnit.objects.create(name="甲县人民政府办公室", kind="other", parent=unit)
    other = OrgUnit.objects.create(name="丙局", kind="dept_tier1")
    library = _library(site)
    read, _ = upsert_policy(library, _policy(unit, datetime(2026, 3, 1, 9, 0, tzinfo=SH)))
    unread, _ = upsert_policy(library, _policy(office, datetime(2026, 4, 1, 9, 0, tzinfo=SH)))
    late, _ = upsert_policy(library, _policy(unit, datetime(2026, 5, 1, 9, 0, tzinfo=SH)))
    upsert_policy(library, _policy(other, datetime(2026, 6, 1, 9, 0, tzinfo=SH)))  # not in the unit's name
    upsert_policy(library, _policy(unit, datetime(2025, 6, 1, 9, 0, tzinfo=SH)))  # not of the year
    _reading(library, [read], datetime(2026, 3, 10, 9, 0, tzinfo=SH))
    _reading(library, [late], NOW + timedelta(days=1))  # interpreted only after now
    score, result = _run("policy_interpretation", table, unit)
    assert score == 1  # 3 − 2
    lost = [item for item in result.evidence if item.deduction]
    assert sorted(item.url for item in lost) == sorted(
        reverse("wagtailadmin_pages:edit", args=[page.pk]) for page in (unread, late)
    )
    # after the year the same policies are judged, with what was interpreted by then
    after = datetime(2027, 2, 1, 9, 0, tzinfo=SH)
    assert _run("policy_interpretation", table, unit, now=after)[0] == 2
    # the next year's sheet samples the next year's policies: none yet, nothing to deduct
    tables.seed_table(2027)
    score, result = _run("policy_interpretation", sheets.table_for(2027), unit, now=after, year=2027)
    assert score == 3 and "无可抽查" in result.evidence[0].text


def test_the_sample_is_the_same_at_the_same_now(county, table):
    unit, site = county
    library = _library(site)
    policies = [
        upsert_policy(library, _policy(unit, datetime(2026, m, 1, 9, 0, tzinfo=SH)))[0] for m in range(1, 9)
    ]
    for policy in policies[::2]:
        _reading(library, [policy], datetime(2026, 9, 1, 9, 0, tzinfo=SH))
    first_score, first = _run("policy_interpretation", table, unit)
    _, second = _run("policy_interpretation", table, unit)
    assert [e.as_dict() for e in first.evidence] == [e.as_dict() for e in second.evidence]
    assert len(first.evidence) == 3  # the row's sample size
    assert first_score == 3 - sum(1 for e in first.evidence if e.deduction)


def test_interpretations_must_link_to_a_published_policy(county, table):
    unit, site = county
    library = _library(site)
    policy, _ = upsert_policy(library, _policy(unit, datetime(2026, 2, 1, 9, 0, tzinfo=SH)))
    future, _ = upsert_policy(library, _policy(unit, NOW + timedelta(days=10)))
    linked = _reading(library, [policy], datetime(2026, 2, 5, 9, 0, tzinfo=SH))
    orphan = _reading(library, [], datetime(2026, 3, 5, 9, 0, tzinfo=SH))
    early = _reading(library, [future], datetime(2026, 4, 5, 9, 0, tzinfo=SH))  # its policy comes after now
    score, result = _run("interpretation_links", table, unit)
    assert score == 1  # 3 − 2
    lost = {item.url for item in result.evidence if item.deduction}
    assert lost == {reverse("wagtailadmin_pages:edit", args=[page.pk]) for page in (orphan, early)}
    assert any(
        "双向关联" in item.text and item.url.endswith(f"/{linked.pk}/edit/") for item in result.evidence
    )
    # once the policy is published, both pages show the link
    assert _run("interpretation_links", table, unit, now=NOW + timedelta(days=11))[0] == 2


# --- the patrol's rows ------------------------------------------------------------------------------------


def _patrol(site, started, *findings, pages=10):
    inspection_services.sync_group_targets()
    target = Target.objects.get(site=site)
    crawl = Crawl(site=CrawledSite(target.url, started), pages_crawled=pages, findings=list(findings))
    return inspection_services.record_run(target, crawl, started)


def _f(
    check, url="http://jiaxian.localhost/", target="", homepage=False, severity=Severity.DEDUCT, evidence=""
):
    return Finding(check, severity, url, target, evidence, homepage)


def test_site_identity_takes_the_latest_run_of_the_year(county, table):
    unit, site = county
    _patrol(
        site, NOW - timedelta(days=40), _f(Check.FOOTER_INCOMPLETE, target="ICP备案编号、联系方式、主办单位")
    )
    latest = _patrol(
        site,
        NOW - timedelta(days=2),
        _f(Check.FOOTER_INCOMPLETE, target="联系方式", homepage=True),
        _f(Check.FOOTER_INCOMPLETE, url="http://jiaxian.localhost/a/", target="联系方式"),
    )
    _patrol(
        site, NOW + timedelta(days=1), _f(Check.FOOTER_INCOMPLETE, target="ICP备案编号、联系方式")
    )  # after now
    score, result = _run("site_identity", table, unit)
    assert score == 0.5  # 1 − one missing item × 0.5
    assert result.evidence[0].url == reverse("inspection_run", args=[latest.pk])
    assert _run("site_identity", table, unit, now=NOW + timedelta(days=2))[0] == 0  # two items


def test_availability_counts_distinct_broken_links(county, table):
    unit, site = county
    home = "http://jiaxian.localhost/"
    _patrol(
        site,
        NOW - timedelta(days=1),
        _f(Check.BROKEN_LINK, home, "http://x/a.pdf", homepage=True),
        _f(Check.BROKEN_LINK, home, "http://x/b.jpg", homepage=True),
        _f(Check.BROKEN_LINK, home + "p1/", "http://x/a.pdf"),  # already counted on the homepage
        _f(Check.BROKEN_LINK, home + "p1/", "http://x/c"),
        _f(Check.BROKEN_LINK, home + "p2/", "http://x/c"),
        _f(Check.BROKEN_LINK, home + "p2/", "http://x/d"),
    )
    score, result = _run("availability", table, unit)
    assert score == 0.6  # 2 − 2 × 0.5 − 2 × 0.2
    assert sorted(item.deduction for item in result.evidence) == [0.2, 0.2, 0.5, 0.5]


def test_a_missing_error_report_entry_scores_0(county, table):
    unit, site = county
    _patrol(site, NOW - timedelta(days=1), _f(Check.ERROR_REPORT_ENTRY_MISSING, homepage=True))
    assert _run("error_report_entry", table, unit)[0] == 0
    _patrol(site, NOW + timedelta(hours=1))
    assert _run("error_report_entry", table, unit, now=NOW + timedelta(hours=2))[0] == 1


def test_page_tags_count_at_most_the_sample(county, table):
    unit, site = county
    pages = [_f(Check.MISSING_CONTENT_TAGS, f"http://jiaxian.localhost/a/{n}/", "PubDate") for n in range(7)]
    home = _f(Check.MISSING_SITE_TAGS, target="SiteName", homepage=True)  # not a content page
    _patrol(site, NOW - timedelta(days=1), *pages, home)
    score, result = _run("page_tags", table, unit)
    assert score == 0.5  # 1 − 5 sampled pages × 0.1
    again = _run("page_tags", table, unit)[1]
    assert [e.text for e in result.evidence] == [e.text for e in again.evidence]
    _patrol(site, NOW + timedelta(hours=1), *pages[:2])
    assert _run("page_tags", table, unit, now=NOW + timedelta(hours=2))[0] == 0.8


def test_no_run_in_the_year_keeps_full_points_with_a_note(county, table):
    unit, site = county
    _patrol(
        site, datetime(2025, 12, 20, 9, 0, tzinfo=SH), _f(Check.ERROR_REPORT_ENTRY_MISSING, homepage=True)
    )
    for source in ("site_identity", "availability", "error_report_entry", "page_tags"):
        score, result = _run(source, table, unit)
        assert score == indicators.points(_row(table, source))
        assert "本年度尚无巡查记录，暂按满分计" in result.evidence[0].text


def test_the_veto_is_found_in_any_run_of_the_year(county, table):
    unit, site = county
    veto_check = indicators.load()["inspection_veto"]
    row = _row(table, "inspection_veto")
    _patrol(site, NOW - timedelta(days=60), _f(Check.UNREACHABLE, severity=Severity.WARN, homepage=True))
    assert veto_check(_ctx(unit, table=table), row).veto is False
    vetoing = _patrol(
        site,
        NOW - timedelta(days=30),
        _f(Check.UNREACHABLE, severity=Severity.VETO, homepage=True, evidence="首页返回 403"),
    )
    _patrol(site, NOW - timedelta(days=1))  # a clean run later does not clear it
    result = veto_check(_ctx(unit, table=table), row)
    assert result.veto is True
    assert result.evidence[0].url == reverse("inspection_run", args=[vetoing.pk])
    assert "站点无法访问" in result.evidence[0].text and "首页返回 403" in result.evidence[0].text
    # before that run, or in the next year, nothing stands
    assert veto_check(_ctx(unit, now=NOW - timedelta(days=31), table=table), row).veto is False
    tables.seed_table(2027)
    later = datetime(2027, 3, 1, 9, 0, tzinfo=SH)
    assert (
        veto_check(
            _ctx(unit, now=later, year=2027), sheets.table_for(2027).indicators.get(source="inspection_veto")
        ).veto
        is False
    )


def test_five_stale_columns_in_one_run_are_a_veto(county, table):
    unit, site = county
    for n in range(5):  # the patrol takes a group site's column findings from the database
        _article(_column(site.root_page, f"动态{n}", "工作动态", unit), NOW - timedelta(days=20))
    run = _patrol(site, NOW - timedelta(days=3))
    result = indicators.load()["inspection_veto"](_ctx(unit, table=table), _row(table, "inspection_veto"))
    assert run.vetoed and result.veto
    assert "栏目不更新 5 处" in result.evidence[0].text


# --- 数据开放 ------------------------------------------------------------------------------------------


def _dataset(site, unit, *, uploaded, frequency="monthly"):
    catalog = make_catalog(site.root_page)
    dataset = make_dataset(
        catalog=catalog,
        unit=unit,
        pub_date=datetime(2026, 1, 10, 9, 0, tzinfo=SH),
        update_frequency=frequency,
    )
    resource, _version = make_resource(dataset, now=uploaded)
    return dataset, resource


def _chart(resource, when):
    chart = DataChart(
        resource=resource, title="各区县人数", kind="bar", label_column="c0", value_columns=["c4"]
    )
    return charts.save_chart(chart, now=when)


def test_open_data_fresh_with_a_chart_and_downloads_scores_4(county, table):
    unit, site = county
    _, resource = _dataset(site, unit, uploaded=NOW - timedelta(days=30))
    _chart(resource, NOW - timedelta(days=30))
    score, result = _run("open_data", table, unit)
    assert score == 4  # 2 + 1 + 1
    assert "前3个月内有更新" in result.evidence[0].text


def test_open_data_updated_3_to_6_months_ago(county, table):
    unit, site = county
    uploaded = datetime(2026, 7, 1, 9, 0, tzinfo=SH)
    _, resource = _dataset(site, unit, uploaded=uploaded, frequency="half_yearly")
    _chart(resource, uploaded)
    assert _run("open_data", table, unit)[0] == 3  # 1 + 1 + 1 (half-yearly: not late)
    # a monthly dataset in the same state is late: no point for regular updates
    other = OrgUnit.objects.create(name="丁县", kind="county", sort_order=2)
    other_site = _site(other, "dingxian.localhost", "3213000092")
    _dataset(other_site, other, uploaded=uploaded, frequency="monthly")
    assert _run("open_data", table, other)[0] == 1  # 1 + 0 + 0


def test_open_data_versions_after_now_do_not_count(county, table):
    unit, site = county
    dataset, _ = _dataset(site, unit, uploaded=datetime(2026, 3, 1, 9, 0, tzinfo=SH), frequency="yearly")
    make_resource(
        dataset, csv_bytes([["区县", "人数"], ["甲县", 3]]), title="新表", now=NOW + timedelta(days=5)
    )
    assert _run("open_data", table, unit)[0] == 1  # > 6 months: 0; no chart: 0; yearly, not late: 1
    assert _run("open_data", table, unit, now=NOW + timedelta(days=6))[0] == 3  # fresh: 2


def test_open_data_without_a_data_column_scores_0(county, siteless, table):
    unit = county[0]
    score, result = _run("open_data", table, unit)
    assert score == 0 and "未开设数据发布类栏目" in result.evidence[0].text
    score, result = _run("open_data", table, siteless)
    assert score == 0 and result.evidence[0].text == content_rows.NO_SITE


def test_a_graphic_interpretation_counts_as_a_visualisation(county, table):
    unit, site = county
    _dataset(site, unit, uploaded=NOW - timedelta(days=10))
    library = _library(site)
    _reading(library, [], NOW - timedelta(days=20), form=InterpretationForm.GRAPHIC)
    assert _run("open_data", table, unit)[0] == 4


# --- through the sheet ------------------------------------------------------------------------------------


def test_the_rows_land_in_the_sheet_clamped_with_their_evidence(county, table):
    unit, site = county
    home = site.root_page
    for title in ("工作动态", "部门动态", "乡镇动态", "媒体动态"):
        _article(_column(home, title, "工作动态", unit), NOW - timedelta(days=20))
    vetoing = _patrol(
        site, NOW - timedelta(days=5), _f(Check.UNREACHABLE, severity=Severity.VETO, homepage=True)
    )
    sheet = sheets.compute(unit, YEAR, NOW)
    rows = {row["indicator"]: row for row in sheet["evaluation"]["rows"]}
    assert rows["内容更新"]["score"] == 0 and rows["内容更新"]["points"] == 15  # 15 − 20, held at 0
    assert [item["deduction"] for item in rows["内容更新"]["evidence"]] == [5.0] * 4
    assert rows["网站标识"]["score"] == 1
    assert sheet["veto"] is True and sheet["evaluation"]["score"] == 0
    assert sheet["veto_findings"][0]["url"] == reverse("inspection_run", args=[vetoing.pk])
    assert sheets.compute(unit, YEAR, NOW)["evaluation"] == sheet["evaluation"]
