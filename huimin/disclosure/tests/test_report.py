"""The annual report's figures (`report.compute`) from applications built through the services at pinned
times across year ends, and policies sorted by the data file's rules; the scope of a site; the one door
that makes a report page (`make_report`) and refreshes it (`recompute`), with its refusals.

The demo may already hold applications and policies of these units, so figures are compared before and
after what a test adds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageLogEntry, Site

from huimin.disclosure import answers, report, services
from huimin.disclosure.enums import ApplicantType, Delivery, OrgKind, State
from huimin.disclosure.models import AnnualReportPage, Application
from huimin.disclosure.tests.factories import apply, at, organisation_data, unit_people
from huimin.policies.enums import DocKind, Validity
from huimin.policies.models import PolicyLibraryPage
from huimin.policies.services import PolicyData, upsert_policy
from huimin.sites.models import ColumnType, OrgUnit

pytestmark = pytest.mark.django_db
NOW = at("2026-11-02 10:00")


@pytest.fixture
def people(demo, django_user_model):
    found = unit_people(django_user_model)
    found["slj"] = Site.objects.get(hostname="slj.localhost")
    found["jyj"] = Site.objects.get(hostname="jyj.localhost")
    return found


def paper(**extra):
    """Paper delivery: an answer that discloses needs no uploaded records."""
    return {"delivery": Delivery.PAPER, **extra}


def answered(people, received: str, closed: str, answer="disclose", ground="", **extra):
    """An application received at `received` and answered (drafted a day before) at `closed`."""
    application, _ = apply(people["site"], people["unit"], at(received), **paper(**extra))
    referral = "请向宿迁市自然资源和规划局申请，电话 0527-84350000。" if ground == "not_held" else ""
    drafted = at(closed) - timedelta(hours=1)
    application = services.draft_answer(
        application,
        actor=people["handler"],
        answer=answer,
        ground=ground,
        text="答复如下。",
        referral=referral,
        now=drafted,
    )
    return services.sign_off(application, actor=people["leader"], now=at(closed))


def minus(after: dict, before: dict) -> dict:
    """The difference of two computed figure dicts, leaf by leaf."""
    if isinstance(after, dict):
        return {
            key: minus(after[key], before.get(key, {} if isinstance(after[key], dict) else 0))
            for key in after
        }
    if isinstance(after, int):
        return after - before
    return after


def counts(**cells) -> dict:
    found = dict.fromkeys(report.column_keys(), 0)
    for key, value in cells.items():
        found[key] += value
        found["total"] += value
    return found


def water(people, year):
    return report.compute(people["slj"], year)


# --- applications --------------------------------------------------------------------------------------


def test_an_application_received_in_one_year_and_answered_in_the_next_is_carried_over(people):
    before_2024, before_2025 = water(people, 2024), water(people, 2025)
    answered(people, "2024-12-10 10:00", "2025-01-06 10:00")
    d2024, d2025 = minus(water(people, 2024), before_2024), minus(water(people, 2025), before_2025)
    one = counts(citizen=1)
    assert d2024["applications"]["new"] == one
    assert d2024["applications"]["carried_forward"] == one
    assert d2024["applications"]["results_total"] == counts()
    assert d2025["applications"]["new"] == counts()
    assert d2025["applications"]["carried_over"] == one
    assert d2025["applications"]["results"]["disclose"]["counts"] == one
    assert d2025["applications"]["results_total"] == one
    assert d2025["applications"]["carried_forward"] == counts()


def test_an_application_open_at_the_year_end_is_carried_forward(people):
    before_2025, before_2026 = water(people, 2025), water(people, 2026)
    application, _ = apply(people["site"], people["unit"], at("2025-12-22 10:00"))
    services.register(application, actor=people["handler"], now=at("2025-12-22 11:00"))
    d2025, d2026 = minus(water(people, 2025), before_2025), minus(water(people, 2026), before_2026)
    assert d2025["applications"]["new"] == counts(citizen=1)
    assert d2025["applications"]["carried_forward"] == counts(citizen=1)
    assert d2025["applications"]["results_total"] == counts()
    assert d2026["applications"]["carried_over"] == counts(citizen=1)
    assert d2026["applications"]["new"] == counts()


def test_the_year_boundary_is_shanghai_time_and_the_receipt_day(people):
    """Sent on New Year's Eve after hours: received on the next working day, in the next year; withdrawn the
    same evening, it counts in the year it was received, so 一 + 二 = 三 + 四 holds in both years."""
    before_2025, before_2026 = water(people, 2025), water(people, 2026)
    application, _ = apply(people["site"], people["unit"], at("2025-12-31 20:00"))
    assert application.received_on.year == 2026
    services.withdraw(application, "不需要了", now=at("2025-12-31 21:00"))
    d2025, d2026 = minus(water(people, 2025), before_2025), minus(water(people, 2026), before_2026)
    assert all(value == 0 for row in ("new", "results_total", "carried_forward") for value in
               d2025["applications"][row].values())  # fmt: skip
    assert d2026["applications"]["new"] == counts(citizen=1)
    assert d2026["applications"]["results"]["other"]["grounds"]["other"] == counts(citizen=1)
    # closed at 23:30 on 31 December in Shanghai (15:30 UTC) is closed in that year
    late, _ = apply(people["site"], people["unit"], at("2025-12-30 10:00"))
    services.withdraw(late, now=at("2025-12-31 23:30"))
    assert minus(water(people, 2025), before_2025)["applications"]["results_total"] == counts(citizen=1)
    assert minus(water(people, 2026), before_2026)["applications"]["carried_over"] == counts()


def test_every_answer_and_ground_lands_in_its_row(people):
    before = water(people, 2025)
    expected = {}
    for item in answers.answers():
        for ground in item.grounds or [None]:
            if item.code == "other":
                continue  # withdrawal and abandonment below; 其他处理 is not drafted by staff
            answered(people, "2025-03-03 10:00", "2025-03-20 10:00", item.code, ground.code if ground else "")
            expected[(item.code, ground.code if ground else "")] = 1
    withdrawn, _ = apply(people["site"], people["unit"], at("2025-04-01 10:00"))
    services.withdraw(withdrawn, now=at("2025-04-02 10:00"))
    lapsed, _ = apply(people["site"], people["unit"], at("2025-05-06 10:00"))
    services.ask_correction(lapsed, "请说明所需文件的名称或文号。", actor=people["handler"], days=5,
                            now=at("2025-05-07 10:00"))  # fmt: skip
    assert services.abandon_uncorrected(now=at("2025-06-03 10:00")) >= 1
    assert Application.objects.get(pk=lapsed.pk).state == State.ABANDONED
    delta = minus(water(people, 2025), before)["applications"]
    for (code, ground), n in expected.items():
        result = delta["results"][code]
        if ground:
            assert result["grounds"][ground] == counts(citizen=n), (code, ground)
        else:
            assert result["counts"] == counts(citizen=n), code
    assert delta["results"]["withhold"]["counts"] == counts(citizen=8)
    assert delta["results"]["other"]["grounds"]["other"] == counts(citizen=1)  # withdrawn
    assert delta["results"]["other"]["grounds"]["no_correction"] == counts(citizen=1)  # abandoned
    assert delta["results"]["other"]["grounds"]["unpaid_fee"] == counts()
    assert delta["results_total"] == counts(citizen=len(expected) + 2)


def test_organisations_are_counted_by_their_kind(people):
    before = water(people, 2025)
    for n, kind in enumerate(OrgKind.values):
        for _ in range(n + 1):
            services.submit(organisation_data(people["site"], people["unit"], org_kind=kind),
                            now=at("2025-06-02 10:00"))  # fmt: skip
    apply(people["site"], people["unit"], at("2025-06-02 10:00"), applicant_type=ApplicantType.CITIZEN)
    delta = minus(water(people, 2025), before)["applications"]
    assert delta["new"] == counts(
        citizen=1, business=1, research=2, public_interest=3, legal_service=4, other=5
    )


def test_the_totals_add_up(people):
    answered(people, "2024-12-02 10:00", "2025-02-03 10:00", "withhold", "third_party")
    answered(people, "2025-07-01 10:00", "2025-07-15 10:00", "partial")
    services.submit(organisation_data(people["site"], people["unit"], org_kind=OrgKind.RESEARCH),
                    now=at("2025-12-29 10:00"))  # fmt: skip
    for site in Site.objects.all():
        figures = report.compute(site, 2025)["applications"]
        rows = [figures["new"], figures["carried_over"], figures["results_total"], figures["carried_forward"]]
        for result in figures["results"].values():
            rows.append(result["counts"])
            rows += list(result["grounds"].values())
        for row in rows:
            assert row["total"] == sum(value for key, value in row.items() if key != "total")
        for key in report.column_keys():
            assert figures["new"][key] + figures["carried_over"][key] == (
                figures["results_total"][key] + figures["carried_forward"][key]
            ), (site.hostname, key)
            assert figures["results_total"][key] == sum(r["counts"][key] for r in figures["results"].values())
            for result in figures["results"].values():
                if result["grounds"]:
                    assert result["counts"][key] == sum(g[key] for g in result["grounds"].values())


def test_the_number_of_queries_does_not_grow_with_the_applications(people):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            report.compute(people["slj"], 2025)
        return len(captured.captured_queries)

    apply(people["site"], people["unit"], at("2025-03-03 10:00"))
    first = queries()
    for n in range(6):
        apply(people["site"], people["unit"], at(f"2025-0{n + 3}-03 10:00"))
    answered(people, "2025-08-01 10:00", "2025-08-20 10:00", "unavailable", "needs_making")
    assert queries() == first


def test_only_the_units_of_the_scope_count(people):
    before_slj, before_portal, before_jyj = (
        water(people, 2025),
        report.compute(people["site"], 2025),
        (report.compute(people["jyj"], 2025)),
    )
    apply(people["site"], people["unit"], at("2025-03-03 10:00"))  # sent through the portal, to the bureau
    assert minus(water(people, 2025), before_slj)["applications"]["new"] == counts(citizen=1)
    assert minus(report.compute(people["site"], 2025), before_portal)["applications"]["new"] == counts()
    assert minus(report.compute(people["jyj"], 2025), before_jyj)["applications"]["new"] == counts()
    office = OrgUnit.objects.get(name="宿迁市民政局")
    before_unit = report.compute(people["site"], 2025, unit=office)
    apply(people["site"], office, at("2025-03-03 10:00"))
    assert minus(report.compute(people["site"], 2025, unit=office), before_unit)["applications"]["new"] == (
        counts(citizen=1)
    )
    assert minus(report.compute(people["site"], 2025), before_portal)["applications"]["new"] == counts(
        citizen=1
    )


# --- scope ------------------------------------------------------------------------------------------------


def test_a_site_reports_for_its_unit_and_those_below_without_their_own_site(people):
    portal = {unit.name for unit in report.site_units(people["site"])}
    assert "宿迁市人民政府办公室" in portal and "宿迁市民政局" in portal and "宿迁市大数据中心" in portal
    for own_site in ("宿迁市水利局", "宿迁市教育局", "沭阳县", "宿城区", "沭阳县人民政府办公室"):
        assert own_site not in portal
    assert [unit.name for unit in report.site_units(people["slj"])] == ["宿迁市水利局"]
    shuyang = Site.objects.get(hostname="shuyang.localhost")
    assert {unit.name for unit in report.site_units(shuyang)} == {"沭阳县", "沭阳县人民政府办公室"}
    figures = report.compute(people["slj"], 2025)
    assert figures["scope"] == {
        "site": "slj.localhost",
        "site_name": people["slj"].site_name,
        "unit": None,
        "name": "宿迁市水利局",
        "units": ["宿迁市水利局"],
    }


# --- policies -----------------------------------------------------------------------------------------------


def _policy(people, n, *, kind=DocKind.NOTICE, number="", written=None, validity=Validity.VALID, gone=None,
            issuer=None):  # fmt: skip
    library = PolicyLibraryPage.objects.descendant_of(people["slj"].root_page).first()
    when = at(f"{(written or date(2025, 3, 1)).isoformat()} 10:00")
    data = PolicyData(
        title=f"测试政策文件{n}",
        index_number=f"TEST-REPORT/2025-{n:05d}",
        body="<p>正文。</p>",
        pub_date=when,
        issuer=issuer or people["unit"],
        doc_number=number,
        doc_kind=kind,
        written_date=written,
        validity=validity,
        invalid_date=gone,
        slug=f"test-report-{n}",
    )
    return upsert_policy(library, data, actor=None)[0]


def test_policies_are_sorted_into_rules_and_normative_documents_by_the_data_rules(people):
    before = water(people, 2025)["active"]
    _policy(people, 1, kind=DocKind.ORDER, written=date(2025, 2, 1))  # 规章 by its 文种
    _policy(people, 2, number="宿迁市人民政府令〔2025〕第1号", written=date(2025, 4, 1))  # 规章 by its 文号
    _policy(people, 3, number="宿水规〔2025〕1号", written=date(2025, 5, 1))  # 规范性文件 by its 文号
    _policy(
        people,
        4,
        kind=DocKind.MEASURES,
        written=date(2023, 5, 1),
        validity=Validity.REPEALED,
        gone=date(2025, 6, 30),
    )  # fmt: skip  (issued earlier, repealed this year)
    _policy(
        people,
        5,
        kind=DocKind.RULES,
        written=date(2024, 5, 1),
        validity=Validity.REPEALED,
        gone=date(2026, 3, 1),
    )  # fmt: skip  (repealed after the year: still in force at its end)
    _policy(
        people, 6, number="宿水发〔2025〕9号", written=date(2025, 5, 1)
    )  # an ordinary notice: not counted
    _policy(people, 7, kind=DocKind.ORDER, written=date(2026, 1, 5))  # next year's
    _policy(people, 8, kind=DocKind.ORDER, written=date(2025, 1, 5), issuer=people["other_unit"])  # not ours
    delta = minus(water(people, 2025)["active"], before)
    assert delta["rules"] == {"issued": 2, "repealed": 0, "in_force": 2}
    assert delta["normative"] == {"issued": 1, "repealed": 1, "in_force": 2}


# --- the door ----------------------------------------------------------------------------------------------


def test_make_report_creates_a_draft_with_its_figures_under_the_report_column(people):
    page = report.make_report(people["slj"], 2024, actor=people["admin"], now=NOW)
    assert isinstance(page, AnnualReportPage) and not page.live
    assert page.title == "宿迁市水利局2024年政府信息公开工作年度报告"
    assert page.get_parent().specific == report.report_parent(people["slj"])
    assert page.figures == report.compute(people["slj"], 2024) and page.figures_at == NOW
    assert page.get_latest_revision() is not None and page.unit is None
    actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    assert {"wagtail.create", report.MAKE_ACTION} <= actions


def test_the_report_goes_under_the_site_column_of_its_type_or_else_the_home_page(people):
    parent = report.report_parent(people["jyj"])
    if parent.pk != people["jyj"].root_page_id:
        assert parent.specific.column_type.name == report.REPORT_COLUMN_TYPE
    ColumnType.objects.filter(name=report.REPORT_COLUMN_TYPE).update(name="信息公开年报（停用）")
    assert report.report_parent(people["jyj"]).pk == people["jyj"].root_page_id
    page = report.make_report(people["jyj"], 2023, actor=people["admin"], now=NOW)
    assert page.get_parent().pk == people["jyj"].root_page_id


def test_a_second_report_for_the_same_scope_and_year_is_refused(people):
    report.make_report(people["site"], 2024, unit=OrgUnit.objects.get(name="宿迁市民政局"),
                       actor=people["admin"], now=NOW)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        report.make_report(people["site"], 2024, unit=OrgUnit.objects.get(name="宿迁市民政局"),
                           actor=people["admin"], now=NOW)  # fmt: skip
    assert "已经存在" in refused.value.message_dict["year"][0]
    # the same unit's report for another year, and the site's own report, are other reports
    report.make_report(
        people["site"], 2023, unit=OrgUnit.objects.get(name="宿迁市民政局"), actor=None, now=NOW
    )
    report.make_report(people["site"], 2022, actor=None, now=NOW)


@pytest.mark.parametrize("year", [2007, 2027, "二〇二五", None])
def test_a_bad_year_is_refused_in_chinese(people, year):
    with pytest.raises(ValidationError) as refused:
        report.make_report(people["slj"], year, actor=people["admin"], now=NOW)
    assert "年度" in refused.value.message_dict["year"][0]


def test_who_may_make_a_report(people, django_user_model):
    slj_admin = django_user_model.objects.get(username="slj-siteadmin")
    jyj_admin = django_user_model.objects.get(username="jyj-siteadmin")
    slj_leader = django_user_model.objects.get(username="slj-leader")
    for user in (people["handler"], people["editor"], people["stranger_leader"], jyj_admin, slj_leader):
        with pytest.raises(PermissionDenied):
            report.make_report(people["slj"], 2024, actor=user, now=NOW)
    with pytest.raises(PermissionDenied):  # another unit's leader, for the water bureau's own report
        report.make_report(people["slj"], 2024, unit=people["unit"], actor=people["stranger_leader"], now=NOW)
    assert report.make_report(people["slj"], 2024, unit=people["unit"], actor=people["leader"], now=NOW)
    assert report.make_report(people["slj"], 2024, actor=slj_admin, now=NOW)
    with pytest.raises(ValidationError) as outside:  # the bureau reports on its own site, not the portal's
        report.make_report(people["site"], 2024, unit=people["unit"], actor=people["admin"], now=NOW)
    assert "不在" in outside.value.message_dict["unit"][0]
    assert {site.hostname for site, _, _ in report.reportable(slj_admin)} == {"slj.localhost"}
    assert [
        (s.hostname, [u.name for u in units], whole)
        for s, units, whole in report.reportable(people["leader"])
    ] == [("slj.localhost", ["宿迁市水利局"], False)]
    assert report.reportable(people["handler"]) == []


def test_recompute_refreshes_a_draft_and_leaves_a_published_report_alone(people):
    page = report.make_report(people["slj"], 2025, unit=people["unit"], actor=people["leader"], now=NOW)
    before = page.figures["applications"]["new"]["total"]
    apply(people["site"], people["unit"], at("2025-09-01 10:00"))
    later = NOW + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        report.recompute(page, actor=people["stranger_leader"], now=later)
    draft = report.recompute(page, actor=people["leader"], now=later)
    latest = AnnualReportPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.figures["applications"]["new"]["total"] == before + 1 and latest.figures_at == later
    assert draft.figures == latest.figures
    assert not AnnualReportPage.objects.get(pk=page.pk).live
    assert PageLogEntry.objects.filter(page=page, action=report.RECOMPUTE_ACTION).count() == 1
    latest.save_revision(user=None).publish(user=None)
    apply(people["site"], people["unit"], at("2025-09-02 10:00"))
    with pytest.raises(ValidationError) as refused:
        report.recompute(page, actor=people["leader"], now=later)
    assert "已发布" in refused.value.messages[0]
    assert AnnualReportPage.objects.get(pk=page.pk).figures["applications"]["new"]["total"] == before + 1
