"""The automatic rows of 互动交流, 找错 and 办事服务: each computed from letters made through the letters
services at pinned times (and guides made through the guide services), against figures worked out by hand.

The letters live in 2030, far from the demo's own letters, on the default calendar (Monday to Friday,
08:30–12:00 and 14:00–17:30: a working day is 7 hours). Time limits: simple consultations 1 working day,
complaints 5, 找错 3. The guide rows use the demo's sites at its `now`.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import Site

from huimin.assessment import sheets
from huimin.assessment.indicators import CALCULATORS, Context, interaction, load, service
from huimin.assessment.models import IndicatorTable
from huimin.assessment.services import tables
from huimin.conftest import DEMO_NOW
from huimin.guides import assessment as guide_assessment
from huimin.guides.models import GuideIndexPage, HandlingStatistic, HandlingStatisticsPage, ServiceGuidePage
from huimin.guides.services import upsert_guide
from huimin.guides.tests.guide_helpers import good_data
from huimin.letters import services
from huimin.letters.enums import Channel, Kind
from huimin.letters.models import Letter, TimeLimitRule
from huimin.letters.services import PLATFORM, LetterData
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 6, 14, 10, 0, tzinfo=SHANGHAI)  # a Friday
YEAR = 2030
_numbers = itertools.count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def new_unit(name: str, kind: str = "dept_tier1", parent=None) -> OrgUnit:
    return OrgUnit.objects.create(name=name, kind=kind, parent=parent)


def letter(
    unit,
    kind,
    received: str,
    *,
    reply: str | None = None,
    publish: bool = False,
    invalid: bool = False,
    site=None,
) -> Letter:
    """A letter received on the portal (or `site`) at `received`, dispatched to `unit` five minutes later and
    accepted after ten; answered (and approved, published if asked) at `reply`; or set aside as invalid."""
    number = next(_numbers)
    data = LetterData(
        site=site or Site.objects.get(hostname="127.0.0.1"),
        kind=kind,
        title=f"考核测试留言{number}",
        content="请问相关事项如何办理？",
        contact_name="测试人",
        contact_phone="13900000000",
        may_publish=publish,
        channel=Channel.OTHER,
        external_id=f"ASSESS-ROWS-{number}",
    )
    made, _ = services.submit_letter(data, now=at(received))
    services.dispatch(made, unit, actor=PLATFORM, now=at(received) + timedelta(minutes=5))
    if invalid:
        services.set_aside(made, False, "测试无效留言", actor=PLATFORM, now=at(received) + timedelta(days=20))
        return Letter.objects.get(pk=made.pk)
    services.accept(made, actor=PLATFORM, now=at(received) + timedelta(minutes=10))
    if reply:
        services.reply(made, "您好，已按规定办理。", actor=PLATFORM, now=at(reply))
        services.approve(made, actor=PLATFORM, publish=publish, now=at(reply))
    return Letter.objects.get(pk=made.pk)


def table(year: int) -> IndicatorTable:
    return IndicatorTable.objects.filter(year=year).first() or tables.seed_table(year)


def context(unit, now=NOW, sites=None) -> Context:
    start, end = sheets.year_bounds(now.year, now)
    sites = sheets.sites_of(unit) if sites is None else sites
    return Context(unit, "city_dept_1", sites, now.year, now, start, end, table(now.year))


def run(source: str, ctx: Context, **changes):
    """The calculator of `source` on its row of the context's table (optionally with changed fields)."""
    row = ctx.table.indicators.get(source=source)
    for name, value in changes.items():
        setattr(row, name, value)
    return load()[source](ctx, row)


def admin(item: Letter) -> str:
    return reverse("letters_letter", args=[item.pk])


def test_every_source_of_this_part_has_a_calculator():
    load()
    for source in (
        "letters_disclosure",
        "letters_replies",
        "realtime_interaction",
        "error_report_replies",
        "handling_statistics",
        "guides",
        "guide_forms",
        "service_integration",
    ):
        assert source in CALCULATORS


# --- 办理答复 ---------------------------------------------------------------------------------------------


def test_three_late_letters_of_the_year_cost_three_points(demo):
    unit = new_unit("考核测试一局")
    late = [
        letter(unit, Kind.COMPLAINT, "2030-03-04 09:00", reply="2030-03-13 10:00"),  # due 03-11 09:00
        letter(unit, Kind.COMPLAINT, "2030-04-01 09:00", reply="2030-04-12 10:00"),  # due 04-08 09:00
        # due 06-10 09:00, answered only after now: unanswered and late at now
        letter(unit, Kind.COMPLAINT, "2030-06-03 09:00", reply="2030-06-17 10:00"),
    ]
    letter(unit, Kind.COMPLAINT, "2030-05-06 09:00", reply="2030-05-07 10:00")  # in time
    letter(unit, Kind.COMPLAINT, "2029-05-07 09:00", reply="2029-05-20 10:00")  # late, 13 months before now
    letter(unit, Kind.COMPLAINT, "2030-05-13 09:00", invalid=True)  # never answered, but invalid
    letter(unit, Kind.COMPLAINT, "2030-06-17 09:00")  # received after now
    result = run("letters_replies", context(unit))
    assert result.score == 5 - 3
    assert [item.url for item in result.evidence] == [admin(item) for item in late]
    assert [item.deduction for item in result.evidence] == [1.0, 1.0, 1.0]
    assert "超期" in result.evidence[0].text and "2030-03-13 10:00 答复" in result.evidence[0].text
    assert "仍未答复" in result.evidence[2].text
    # the 13-month-old letter counts when `now` is a year earlier
    earlier = run("letters_replies", context(unit, now=at("2029-06-14 10:00")))
    assert earlier.score == 5 - 1


def test_a_descendant_units_letters_count_and_each_comes_from_the_row(demo):
    unit = new_unit("考核测试二局")
    office = new_unit("考核测试二局办公室", kind="other", parent=unit)
    letter(office, Kind.COMPLAINT, "2030-03-04 09:00", reply="2030-03-13 10:00")
    letter(office, Kind.COMPLAINT, "2030-04-01 09:00")  # unanswered, due 04-08 09:00
    result = run("letters_replies", context(unit), each=1.5)
    assert result.score == 5 - 2 * 1.5
    assert interaction.unit_ids(context(unit)) == [unit.pk, office.pk]


def test_seven_late_letters_give_zero_on_the_sheet(demo):
    unit = new_unit("考核测试三局")
    for week in range(7):
        received = at("2030-03-04 09:00") + timedelta(weeks=week)
        letter(
            unit,
            Kind.COMPLAINT,
            f"{received:%Y-%m-%d %H:%M}",
            reply=f"{received + timedelta(days=14):%Y-%m-%d %H:%M}",
        )
    table(YEAR)
    sheet = sheets.compute(unit, YEAR, NOW)
    row = next(r for r in sheet["evaluation"]["rows"] if r["indicator"] == "办理答复")
    assert row["points"] == 5 and row["score"] == 0  # 5 - 7, clamped by the sheet
    assert len([e for e in row["evidence"] if e["deduction"] == 1.0]) == 7
    again = next(
        r for r in sheets.compute(unit, YEAR, NOW)["evaluation"]["rows"] if r["indicator"] == "办理答复"
    )
    assert again == row


# --- 实时互动 ---------------------------------------------------------------------------------------------


def test_the_latest_simple_consultation_answered_in_a_working_day_scores_full(demo):
    unit = new_unit("考核测试四局")
    on_time = letter(unit, Kind.CONSULT, "2030-06-10 09:00", reply="2030-06-10 15:00")  # due 06-11 09:00
    letter(unit, Kind.CONSULT, "2030-06-14 09:30")  # before now, still within its limit: not judged yet
    letter(unit, Kind.CONSULT, "2030-06-17 09:00", reply="2030-06-19 10:00")  # after now (and late)
    assert on_time.is_simple
    result = run("realtime_interaction", context(unit))
    assert result.score == 3
    assert [item.url for item in result.evidence if item.url] == [admin(on_time)]
    assert any("尚在答复时限内" in item.text for item in result.evidence)


def test_the_latest_simple_consultation_answered_late_scores_zero(demo):
    unit = new_unit("考核测试五局")
    letter(unit, Kind.CONSULT, "2030-06-10 09:00", reply="2030-06-10 15:00")
    late = letter(unit, Kind.CONSULT, "2030-06-12 09:00", reply="2030-06-13 11:00")  # due 06-13 09:00
    result = run("realtime_interaction", context(unit))
    assert result.score == 0
    assert result.evidence[-1].url == admin(late) and result.evidence[-1].deduction == 3


def test_no_simple_consultation_in_the_year_scores_full_with_a_note(demo):
    unit = new_unit("考核测试六局")
    letter(unit, Kind.CONSULT, "2029-05-07 09:00", reply="2029-05-10 10:00")  # late, 13 months before now
    letter(unit, Kind.COMPLAINT, "2030-06-03 09:00", reply="2030-06-04 09:00")  # not a consultation
    result = run("realtime_interaction", context(unit))
    assert result.score == 3
    assert [item.text for item in result.evidence] == ["本年度没有简单咨询留言，暂按满分计"]


# --- “我为政府网站找错”答复 ------------------------------------------------------------------------------


def test_error_reports_answered_in_two_working_days_keep_the_point(demo):
    assert TimeLimitRule.objects.get(kind=Kind.ERROR_REPORT).reply_days == 3  # letters migration 0010
    unit = new_unit("考核测试七局")
    letter(unit, Kind.ERROR_REPORT, "2030-06-03 09:00", reply="2030-06-05 09:00")  # 2 working days
    letter(unit, Kind.ERROR_REPORT, "2029-11-05 09:00", reply="2029-11-20 09:00")  # late, 7 months before now
    result = run("error_report_replies", context(unit))
    assert result.score == 1
    assert "1 条找错留言均在规定时限内答复" in result.evidence[0].text


def test_an_error_report_answered_in_four_working_days_loses_the_point(demo):
    unit = new_unit("考核测试八局")
    late = letter(unit, Kind.ERROR_REPORT, "2030-06-03 09:00", reply="2030-06-07 09:00")  # 4 working days
    letter(unit, Kind.ERROR_REPORT, "2030-06-04 09:00", reply="2030-06-05 09:00")
    result = run("error_report_replies", context(unit))
    assert result.score == 0
    assert [item.url for item in result.evidence if item.url] == [admin(late)]
    assert "超期 1.0 个工作日" in result.evidence[1].text


def test_an_error_report_unanswered_past_three_working_days_loses_the_point(demo):
    unit = new_unit("考核测试九局")
    waiting = letter(unit, Kind.ERROR_REPORT, "2030-06-10 09:00")  # due 06-13 09:00, now is 06-14 10:00
    assert run("error_report_replies", context(unit)).score == 0
    assert run("error_report_replies", context(unit, now=at("2030-06-12 10:00"))).score == 1
    assert waiting.reply_due == at("2030-06-13 09:00")


def test_an_error_report_kept_with_the_old_five_day_limit_is_judged_against_three(demo):
    unit = new_unit("考核测试十局")
    TimeLimitRule.objects.filter(kind=Kind.ERROR_REPORT).update(reply_days=5)
    old = letter(unit, Kind.ERROR_REPORT, "2030-06-03 09:00", reply="2030-06-07 09:00")
    TimeLimitRule.objects.filter(kind=Kind.ERROR_REPORT).update(reply_days=3)
    assert old.reply_due == at("2030-06-10 09:00")  # in time by its own stored limit
    assert run("error_report_replies", context(unit)).score == 0


# --- 留言公开 ---------------------------------------------------------------------------------------------


def test_nothing_published_scores_zero(demo):
    unit = new_unit("考核测试十一局")
    letter(unit, Kind.COMPLAINT, "2030-05-06 09:00", reply="2030-05-07 09:00")  # closed, not published
    letter(unit, Kind.COMPLAINT, "2030-06-17 09:00", reply="2030-06-17 15:00", publish=True)  # after now
    result = run("letters_disclosure", context(unit))
    assert result.score == 0
    assert "没有任何已公开的网民留言" in result.evidence[0].text


def test_disclosure_checks_the_four_items_freshness_and_statistics(demo):
    unit = new_unit("考核测试十二局")
    first = letter(unit, Kind.COMPLAINT, "2030-05-06 09:00", reply="2030-05-07 09:00", publish=True)
    letter(unit, Kind.CONSULT, "2030-05-06 10:00", reply="2030-05-06 15:00", publish=True)
    letter(unit, Kind.SUGGESTION, "2030-05-08 09:00", reply="2030-05-09 09:00", publish=True)
    Letter.objects.filter(pk=first.pk).update(reply_unit=None)  # as an imported letter may come
    later = letter(unit, Kind.COMPLAINT, "2030-06-17 09:00", reply="2030-06-20 09:00", publish=True)
    Letter.objects.filter(pk=later.pk).update(reply="")
    result = run("letters_disclosure", context(unit))
    assert result.score == 5 - 1  # three published by now, all checked; one lacks 答复单位
    [missing] = [item for item in result.evidence if item.deduction]
    assert "未公开答复单位" in missing.text and missing.url.endswith(
        f"/hudong/liuyan/gongkai/#letter-{first.pk}"
    )
    statistics = [item for item in result.evidence if "统计" in item.text]
    assert statistics[0].url.endswith(f"/hudong/liuyan/tongji/?unit={unit.pk}")
    # three months on: the fourth letter (published 06-20) lacks 答复内容, and nothing new since 06-20
    result = run("letters_disclosure", context(unit, now=at("2030-09-14 10:00")))
    assert result.score == 5 - 1 - 1 - 3
    assert sorted(item.deduction for item in result.evidence if item.deduction) == [1.0, 1.0, 3.0]


def test_disclosure_samples_as_many_as_the_row_says_the_same_at_the_same_now(demo):
    unit = new_unit("考核测试十三局")
    made = {
        letter(
            unit, Kind.COMPLAINT, f"2030-05-{day:02d} 09:00", reply=f"2030-05-{day:02d} 15:00", publish=True
        ).pk
        for day in (6, 7, 8, 9, 10, 13, 14, 15)
    }
    first = run("letters_disclosure", context(unit), sample_size=3)
    checked = [item for item in first.evidence if item.text.startswith("抽查")]
    assert len(checked) == 3 and first.score == 5
    assert {int(item.url.rsplit("-", 1)[1]) for item in checked} <= made
    again = run("letters_disclosure", context(unit), sample_size=3)
    assert [item.as_dict() for item in again.evidence] == [item.as_dict() for item in first.evidence]


def test_statistics_are_public_only_where_a_site_lists_the_units_letters(demo):
    unit = new_unit("考核测试十四局")
    ctx = context(unit)
    assert interaction._statistics_page(ctx, Letter.objects.none()) == (False, "")
    letter(unit, Kind.COMPLAINT, "2030-05-06 09:00")
    public, url = interaction._statistics_page(ctx, Letter.objects.none())
    assert (
        public
        and url == f"{Site.objects.get(hostname='127.0.0.1').root_url}/hudong/liuyan/tongji/?unit={unit.pk}"
    )


# --- 办事服务 ---------------------------------------------------------------------------------------------


@pytest.fixture
def slj(demo):
    """The water bureau's site with its demo guides withdrawn, then three guides of its own published at
    the demo's `now`: one complete, one with a form but no blank form or sample, one empty."""
    site = Site.objects.get(hostname="slj.localhost")
    index = GuideIndexPage.objects.child_of(site.root_page).get(slug="bszn")
    ServiceGuidePage.objects.child_of(index).update(live=False)
    with time_machine.travel(DEMO_NOW, tick=False):
        good, _ = upsert_guide(good_data(slug="rows-good", title="考核完整事项"), index)
        form, _ = upsert_guide(
            good_data(
                slug="rows-form",
                title="考核表格事项",
                materials=[
                    {"name": "申请表", "form": "original", "medium": "paper", "copies": 1, "needs_form": True}
                ],
            ),
            index,
        )
        empty, _ = upsert_guide({"slug": "rows-empty", "title": "考核空白事项"}, index)
    return {
        "site": site,
        "unit": OrgUnit.objects.get(name="宿迁市水利局"),
        "good": good,
        "form": form,
        "empty": empty,
    }


def test_guides_take_the_checkers_deductions_from_the_rows_points(slj):
    ctx = context(slj["unit"], now=DEMO_NOW + timedelta(hours=1))
    result = run("guides", ctx)
    # all three sampled (fewer than 5): the empty guide lacks 9 elements (0.5 each), the form guide a form (1)
    assert result.score == 8 - 4.5 - 1
    by_url = {item.url: item for item in result.evidence}
    assert by_url[slj["empty"].full_url].deduction == 4.5
    assert by_url[slj["form"].full_url].deduction == 1
    assert by_url[slj["good"].full_url].deduction is None
    assert run("guides", ctx, points=10).score == 10 - 5.5


def test_forms_lose_a_point_for_the_guide_lacking_them(slj):
    result = run("guide_forms", context(slj["unit"], now=DEMO_NOW + timedelta(hours=1)))
    assert result.score == 2 - 1
    [item] = result.evidence
    assert item.url == slj["form"].full_url and item.deduction == 1 and "缺少表格或样表" in item.text


def test_guide_samples_are_the_same_at_the_same_now(demo):
    portal = Site.objects.get(hostname="127.0.0.1")
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    guides = guide_assessment.site_guides(portal).count()
    assert guides > 5
    first = run("guides", context(unit, now=DEMO_NOW, sites=[portal]))
    again = run("guides", context(unit, now=DEMO_NOW, sites=[portal]))
    notes = [item.text for item in first.evidence if item.text.startswith("《")]
    assert len(notes) == 5 and first.score == 8
    assert [item.as_dict() for item in first.evidence] == [item.as_dict() for item in again.evidence]
    assert all(item.url.startswith(portal.root_url) for item in first.evidence if item.text.startswith("《"))


def test_statistics_follow_the_newest_update_of_the_sites_page(demo):
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    page = HandlingStatisticsPage.objects.live().in_site(Site.objects.get(hostname="slj.localhost")).first()
    assert page is not None
    newest = (
        HandlingStatistic.objects.filter(unit__in=page.units.all()).order_by("-updated_at").first().updated_at
    )
    fresh = run("handling_statistics", context(unit, now=newest + timedelta(days=5)))
    stale = run("handling_statistics", context(unit, now=newest + timedelta(days=45)))
    dead = run("handling_statistics", context(unit, now=newest + timedelta(days=100)))
    assert (fresh.score, stale.score, dead.score) == (2, 2 - 1, 2 - 2)
    assert stale.evidence[0].url == page.full_url and stale.evidence[0].deduction == 1


def test_integration_takes_the_lowest_of_the_units_sites(demo):
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    portal, slj = Site.objects.get(hostname="127.0.0.1"), Site.objects.get(hostname="slj.localhost")
    topics = guide_assessment.count_integrated_topics(portal)
    assert topics >= 3
    alone = run("service_integration", context(unit, now=DEMO_NOW, sites=[portal]), points=6)
    assert alone.score == 6  # three or more integrated topics: no deduction from the row's points
    assert len([item for item in alone.evidence if item.text.startswith("集成服务专题《")]) == topics
    own = guide_assessment.count_integrated_topics(slj)
    expected = 4 if own >= 3 else 2 if own >= 1 else 0
    both = run("service_integration", context(unit, now=DEMO_NOW, sites=[portal, slj]))
    assert both.score == 4 - (4 - expected)
    assert f"按得分最低的“{slj.site_name or slj.hostname}”计" in both.evidence[-1].text


def test_a_unit_without_a_site_scores_zero_on_the_service_rows(demo):
    unit = OrgUnit.objects.get(name="宿迁市档案馆")
    assert sheets.sites_of(unit) == []
    for source in ("handling_statistics", "guides", "guide_forms", "service_integration"):
        result = run(source, context(unit, now=DEMO_NOW))
        assert result.score == 0
        assert [item.text for item in result.evidence] == [service.NO_SITE]
