"""The platform side: the daily patrol of the group's sites and listed external sites, the group's own
columns judged from the database with the people answering for them, the monthly report and quarterly
bulletin, and the admin views (platform administrators only)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site as WagtailSite

from huimin.inspection import services
from huimin.inspection.crawler import Crawl, Options
from huimin.inspection.document import Finding, Site
from huimin.inspection.enums import Check, Severity
from huimin.inspection.models import PeriodReport, Run, Target
from huimin.inspection.tests.server import Route, SiteServer
from huimin.sites.tests.columns import blank_column

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)
HOST = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture
def outside(demo):
    server = SiteServer({"/": Route('<html lang="zh-CN"><head><title>外部网站</title></head><body>'
                                    '<a href="/gone">坏链</a></body></html>')})  # fmt: skip
    services.sync_group_targets()
    Target.objects.update(active=False)  # the group's sites are not served in this test database
    target = Target.objects.create(name="某外部网站", url=server.url, max_pages=20)
    yield target
    server.close()


def _crawl(url, *findings, pages=10):
    return Crawl(Site(url, NOV), pages_crawled=pages, findings=list(findings), seconds=1.0)


def test_the_group_sites_become_targets_kept_in_step(demo):
    assert services.sync_group_targets() == WagtailSite.objects.count()
    portal = Target.objects.get(site__hostname="127.0.0.1")
    assert portal.url == WagtailSite.objects.get(hostname="127.0.0.1").root_url + "/"
    services.sync_group_targets()
    assert Target.objects.filter(site__isnull=False).count() == WagtailSite.objects.count()


def test_the_patrol_inspects_each_due_target_once_a_day(outside):
    options = Options(rate=0, timeout=2, check_external=False)
    first = services.patrol(options=options)
    assert [run.target for run in first] == [outside]
    run = first[0]
    assert run.pages_crawled == 1 and run.counts["broken_link"] == 1
    assert run.report["site"] == outside.url and run.score < 100
    assert services.patrol(options=options) == []  # already patrolled today
    assert len(services.patrol(options=options, force=True)) == 1


def test_a_crawl_that_fails_is_logged_and_the_patrol_goes_on(outside, caplog):
    def broken(site, options):
        raise RuntimeError("network down")

    assert services.patrol(crawl=broken) == []
    assert "Patrol of 某外部网站" in caplog.text and not Run.objects.filter(target=outside).exists()


def test_a_group_sites_columns_are_judged_from_the_database_with_who_answers(demo):
    blank_column("127.0.0.1")
    services.sync_group_targets()
    portal = Target.objects.get(site__hostname="127.0.0.1")
    guess = Finding(Check.COLUMN_STALE, Severity.DEDUCT, portal.url + "gzdt/", "工作动态", "crawler's guess")
    run = services.record_run(portal, _crawl(portal.url, guess), NOV)
    findings = run.report["findings"]
    assert not [f for f in findings if f["evidence"] == "crawler's guess"]
    empty = [f for f in findings if f["check"] == "column_empty"]
    assert empty and all("责任单位" in f["evidence"] and "责任人" in f["evidence"] for f in empty)
    assert any(f["check"] == "policy_uninterpreted" for f in findings)


def test_the_monthly_report_ranks_sites_and_puts_vetoed_ones_last(outside):
    other = Target.objects.create(name="另一外部网站", url="http://127.0.0.1:9/")
    broken = Finding(Check.BROKEN_LINK, Severity.DEDUCT, outside.url, outside.url + "x", "HTTP 404", True)
    services.record_run(outside, _crawl(outside.url, broken), NOV)
    down = Finding(Check.UNREACHABLE, Severity.VETO, other.url, "", "首页无法访问", True)
    services.record_run(other, _crawl(other.url, down, pages=0), NOV)
    services.record_run(other, _crawl(other.url, pages=5), datetime(2026, 10, 30, tzinfo=SHANGHAI))  # October
    saved = services.build_period_report("2026-11")
    assert [(r["rank"], r["target"], r["vetoed"]) for r in saved.rows] == [
        (1, "某外部网站", False),
        (2, "另一外部网站", True),
    ]
    assert saved.rows[0]["average"] == 99.5 and saved.rows[1]["runs"] == 1
    assert services.build_period_report("2026-11").pk == saved.pk  # rebuilt, not duplicated
    quarter = services.build_period_report("2026Q4")
    assert quarter.kind == "quarterly" and [
        r["runs"] for r in quarter.rows if r["target"] == "另一外部网站"
    ] == [2]


@pytest.mark.parametrize("period", ["2026-13", "26-11", "2026Q5", "<script>", ""])
def test_a_bad_period_is_refused_in_chinese(demo, period):
    with pytest.raises(CommandError, match="期间"):
        call_command("inspect-report", period or "x")


def test_the_admin_shows_targets_runs_and_reports_to_platform_administrators(
    client, outside, django_user_model
):
    from django.contrib.auth.models import Permission

    run = services.patrol(options=Options(rate=0, timeout=2, check_external=False))[0]
    saved = services.build_period_report(f"{run.started:%Y-%m}")
    admin = django_user_model.objects.create_superuser("inspector", password="not-used-here")
    client.force_login(admin)
    page = client.get("/admin/inspection/", **HOST).content.decode()
    assert "某外部网站" in page and str(run.score) in page
    detail = client.get(f"/admin/inspection/runs/{run.pk}/", **HOST).content.decode()
    assert "链接不可用" in detail and "/gone" in detail
    xlsx = client.get(f"/admin/inspection/runs/{run.pk}/?format=xlsx", **HOST)
    assert xlsx["Content-Type"].startswith("application/vnd.openxml") and xlsx.content[:2] == b"PK"
    assert "某外部网站" in client.get(f"/admin/inspection/reports/{saved.pk}/", **HOST).content.decode()
    html = client.get(f"/admin/inspection/reports/{saved.pk}/?format=html", **HOST)
    assert "网站检测报告" in html.content.decode()
    response = client.post("/admin/inspection/", {"targets": [outside.pk]}, follow=True, **HOST)
    assert "已安排巡查 1 个网站" in response.content.decode() and outside.runs.count() == 2
    clerk = django_user_model.objects.create_user("clerk", password="not-used-here")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get("/admin/inspection/", **HOST).status_code in (302, 403)
    assert client.get(f"/admin/inspection/runs/{run.pk}/", **HOST).status_code in (302, 403)
    assert PeriodReport.objects.count() == 1


def test_each_probe_records_whether_the_homepage_answered(outside):
    down = Target.objects.create(name="停机网站", url="http://127.0.0.1:9/")
    probes = {p.target_id: p for p in services.probe()}
    assert probes[outside.pk].ok and probes[outside.pk].detail == "HTTP 200"
    assert not probes[down.pk].ok and probes[down.pk].detail == "无法连接"
    assert set(probes) == {outside.pk, down.pk}  # inactive targets are not probed


@pytest.mark.parametrize(("probes", "failed", "severity"), [(19, 5, None), (40, 1, None), (100, 3, "warn"),
                                                           (40, 2, "veto")])  # fmt: skip
def test_a_week_of_failed_probes_makes_a_site_unreachable(outside, probes, failed, severity):
    from datetime import timedelta

    from huimin.inspection.models import Probe

    Probe.objects.bulk_create(
        Probe(target=outside, at=NOV - timedelta(hours=n + 1), ok=n >= failed) for n in range(probes)
    )
    Probe.objects.create(target=outside, at=NOV - timedelta(days=8), ok=False)  # older than a week
    finding = services.availability_finding(outside, NOV)
    assert (finding.severity if finding else None) == severity
    run = services.record_run(outside, _crawl(outside.url), NOV)
    assert ("unreachable" in run.counts) is (severity is not None)
