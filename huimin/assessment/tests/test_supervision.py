"""留言督办 and 通报, with figures worked out by hand.

November 2026, two assessed units made for the test (the demo's units are there too, untouched):

督办测试局 (and 督办测试局办公室 under it) — four letters:
  L1 (the bureau)  dispatched 5 hours late, answered on time.
  L2 (its office)  due Tue 11-10 09:00, answered Thu 11-12 09:00: 2 working days late; rated 不满意 on 11-20.
  L3 (its office)  due Fri 11-27 09:00, answered Mon 11-30 09:00: 1 working day late. Title starts with "=".
  L4 (the bureau)  returned once on 11-16, answered on time.
  plus a letter set aside as invalid (counts for nothing) and one received in December (not November).
  → received 4, due 4, on time 2 (50.0 %), dispatch late 1, answered late 2, unanswered 0, late 2, returned 1,
    unsatisfied 1; deductions 2 + 2.
督办对照局 — two letters: one on time, one due Wed 11-25 09:00 and not answered by the month's end.
  → due 2, on time 1 (50.0 %), late 1 (unanswered).
Ranking: equal rates, so 督办对照局 (1 late) before 督办测试局 (2 late).
"""

import io
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, Site

from huimin.assessment import notices, supervision
from huimin.core import audit
from huimin.letters.enums import Kind, Rating, State
from huimin.letters.models import Letter, LetterEvent
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup
from huimin.workdays.queries import default_calendar
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
AFTER = datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)  # November is over
DURING = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)  # November is running
PHONE = "13912345678"


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


_codes = iter(range(1, 1000))


def make(unit, title, received, *, site=None, **fields) -> Letter:
    """A letter as the services would have left it, its times given by hand."""
    values = {
        "dispatch_due": received.replace(hour=received.hour + 1),
        "dispatched_at": received.replace(minute=30),
        "accept_due": received.replace(hour=received.hour + 1, minute=30),
        "accepted_at": received.replace(hour=received.hour + 1),
        "state": State.CLOSED,
        **fields,
    }
    return Letter.objects.create(
        site=site or Site.objects.get(hostname="127.0.0.1"),
        kind=Kind.COMPLAINT,
        title=title,
        content="内容",
        contact_name="王五",
        contact_phone=PHONE,
        query_code=f"SV{next(_codes):08d}",
        query_password="x",
        calendar=default_calendar(),
        received_at=received,
        unit=unit,
        **values,
    )


@pytest.fixture
def units(demo):
    bureau = OrgUnit.objects.create(name="督办测试局", kind="dept_tier2", sort_order=900)
    office = OrgUnit.objects.create(name="督办测试局办公室", kind="other", parent=bureau)
    other = OrgUnit.objects.create(name="督办对照局", kind="dept_tier2", sort_order=901)
    return bureau, office, other


@pytest.fixture
def november(units):
    bureau, office, other = units
    letters = {
        "L1": make(
            bureau, "路灯不亮", at(2), dispatch_due=at(2, 10), dispatched_at=at(2, 15), accept_due=at(2, 16),
            accepted_at=at(2, 15, 30), reply_due=at(9), replied_at=at(6),
        ),
        "L2": make(
            office, f"噪音扰民 {PHONE}", at(3), reply_due=at(10), replied_at=at(12), rating=Rating.UNSATISFIED
        ),
        "L3": make(office, "=HYPERLINK(\"x\")占道经营", at(20), reply_due=at(27), replied_at=at(30)),
        "L4": make(bureau, "井盖缺失", at(16), reply_due=at(23), replied_at=at(20)),
        "void": make(bureau, "无效留言", at(4), reply_due=at(11), state=State.INVALID, closed_at=at(4, 15)),
        "december": make(bureau, "十二月的留言", at(1, month=12), reply_due=at(8, month=12)),
        "B1": make(other, "按时的留言", at(5), reply_due=at(12), replied_at=at(11)),
        "B2": make(other, "未答复的留言", at(18), reply_due=at(25), state=State.ACCEPTED),
    }  # fmt: skip
    LetterEvent.objects.create(
        letter=letters["L4"],
        at=at(16, 11),
        actor_label="x",
        action="return",
        to_state=State.RETURNED,
        unit=bureau,
    )
    LetterEvent.objects.create(
        letter=letters["L2"], at=at(20, 15), actor_label="留言人", action="rate",
        note=Rating.UNSATISFIED.label, to_state=State.CLOSED, unit=office,
    )  # fmt: skip
    LetterEvent.objects.create(
        letter=letters["B1"], at=at(20, 15), actor_label="留言人", action="rate", note=Rating.SATISFIED.label,
        to_state=State.CLOSED, unit=other,
    )  # fmt: skip
    return letters


def figures(row) -> dict:
    return {key: row.count(key) for key in supervision.MEASURES}


def test_periods_are_read_and_refused_in_chinese():
    assert supervision.parse_period("2026-11").label == "2026年11月"
    q4 = supervision.parse_period("2026Q4")
    assert (q4.label, q4.start, q4.end) == (
        "2026年第四季度",
        at(1, 0, month=10),
        at(1, 0, month=12).replace(year=2027, month=1),
    )
    for bad in ("2026-13", "2026Q5", "11/2026", "", "<script>"):
        with pytest.raises(supervision.PeriodError, match=r"期间格式不正确|请选择正确的"):
            supervision.parse_period(bad)
    with pytest.raises(supervision.PeriodError, match="尚未开始"):
        supervision.parse_period("2027-01", DURING)


def test_the_month_row_of_each_unit(units, november):
    bureau, office, other = units
    result = supervision.monthly(2026, 11, AFTER)
    assert result.at == at(1, 0, month=12)
    row = result.row_for(bureau.pk)
    assert figures(row) == {
        "received": 4, "due": 4, "on_time": 2, "dispatch_late": 1, "accept_late": 0, "answered_late": 2,
        "unanswered": 0, "late": 2, "returned": 1, "unsatisfied": 1,
    }  # fmt: skip
    assert row.on_time_percent == "50.0%"
    assert (row.website_deduction, row.dispatch_system_deduction) == (2, 2)
    assert [child.unit for child in row.children] == [office]  # the handling unit under it
    assert figures(row.children[0])["late"] == 2 and figures(row.children[0])["received"] == 2
    control = result.row_for(other.pk)
    assert (control.count("due"), control.count("on_time"), control.count("unanswered")) == (2, 1, 1)
    assert control.count("unsatisfied") == 0  # a 满意 rating is not counted


def test_the_ranking_puts_fewer_late_letters_first_at_the_same_rate(units, november):
    bureau, _office, other = units
    result = supervision.monthly(2026, 11, AFTER)
    ranked = result.ranked
    names = [row.unit.name for row in ranked]
    assert names.index("督办对照局") == names.index("督办测试局") - 1
    assert result.row_for(other.pk).rank < result.row_for(bureau.pk).rank
    rates = [row.on_time_rate for row in ranked]
    assert rates == sorted(rates, reverse=True)
    assert all(row.rank is None and row.count("due") == 0 for row in result.unranked)


def test_the_late_letters_and_how_late(units, november):
    bureau, office, other = units
    result = supervision.monthly(2026, 11, AFTER)
    mine = {(s.letter.title, s.stage): s for s in result.late if s.owner in (bureau, other)}
    assert set(mine) == {
        ("路灯不亮", "dispatch"), (f"噪音扰民 {PHONE}", "reply"), ("=HYPERLINK(\"x\")占道经营", "reply"),
        ("未答复的留言", "reply"),
    }  # fmt: skip
    assert mine[(f"噪音扰民 {PHONE}", "reply")].days_late == 2.0
    assert mine[(f"噪音扰民 {PHONE}", "reply")].title == "噪音扰民 139****5678"  # masked as letters publish
    assert mine[('=HYPERLINK("x")占道经营', "reply")].days_late == 1.0
    assert mine[(f"噪音扰民 {PHONE}", "reply")].unit == office
    pending = mine[("未答复的留言", "reply")]
    assert pending.pending and pending.status == "超期未答复" and 3 < pending.days_late < 4
    assert mine[("路灯不亮", "dispatch")].website_points == 0  # only a late answer is deducted
    deducted = [s for s in result.deductions if s.owner == bureau]
    assert len(deducted) == 2 and all(s.website_points == s.dispatch_system_points == 1 for s in deducted)


def test_a_running_month_is_judged_at_now(units, november):
    bureau, _office, _other = units
    result = supervision.monthly(2026, 11, DURING)
    assert result.at == DURING and result.period.running(DURING)
    row = result.row_for(bureau.pk)
    # L3 was due on the 27th and is answered only on the 30th: at the 28th it is still unanswered.
    assert (row.count("answered_late"), row.count("unanswered"), row.count("late")) == (1, 1, 2)
    assert row.count("received") == 4


def test_the_quarter_adds_up_its_months(units, november):
    bureau, _office, other = units
    quarter = supervision.quarterly(2026, 4, AFTER)
    months = [supervision.monthly(2026, m, AFTER) for m in (10, 11, 12)]
    for unit in (bureau, other):
        for key in ("due", "on_time", "late", "dispatch_late", "returned", "unsatisfied"):
            assert quarter.row_for(unit.pk).count(key) == sum(m.row_for(unit.pk).count(key) for m in months)
    assert quarter.row_for(bureau.pk).count("received") == 5  # the December letter too


def test_a_letter_not_dispatched_counts_for_the_unit_whose_site_received_it(units):
    water = OrgUnit.objects.get(name="宿迁市水利局")
    waiting = make(
        None, "没人分办的留言", at(5), site=Site.objects.get(hostname="slj.localhost"),
        dispatch_due=at(5, 10), dispatched_at=None, accept_due=None, accepted_at=None, reply_due=at(12),
        state=State.SUBMITTED,
    )  # fmt: skip
    row = supervision.monthly(2026, 11, AFTER).row_for(water.pk)
    assert waiting.pk in row.letters["dispatch_late"] and waiting.pk in row.letters["unanswered"]


def test_the_xlsx_for_the_dispatch_system(units, november):
    result = supervision.monthly(2026, 11, AFTER)
    sheet = load_workbook(io.BytesIO(supervision.deductions_xlsx(result))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == supervision.EXPORT_COLUMNS
    mine = [r for r in rows[1:] if r and r[2] == "督办测试局"]
    assert [(r[3], r[6], r[11], r[12], r[13], r[14]) for r in mine] == [
        ("督办测试局办公室", "噪音扰民 139****5678", 2.0, "超期答复", 1, 1),
        ("督办测试局办公室", '\'=HYPERLINK("x")占道经营', 1.0, "超期答复", 1, 1),  # never a formula
    ]
    total = rows[-1]
    assert total[0] == "合计" and total[13] == total[14] == len(result.deductions)


def test_the_notice_has_the_reports_figures_and_reads_back_from_docx(units, november):
    notice = notices.compose("2026-11", AFTER)
    result = notice.report
    assert notice.title == "关于2026年11月政府网站网民留言办理情况的通报"
    ranking = {values[1]: values for values in notice.ranking}
    assert ranking["督办测试局"][2:] == ["4", "2", "50.0%", "2", "1", "1"]
    assert ranking["督办对照局"][2:] == ["2", "1", "50.0%", "1", "0", "0"]
    assert int(ranking["督办对照局"][0]) < int(ranking["督办测试局"][0])
    assert f"答复期限届满的 {result.total.count('due')} 条" in notice.summary
    late = [values for values in notice.late if values[0] == "督办测试局"]
    assert late == [
        ["督办测试局", "督办测试局办公室", "噪音扰民 139****5678", "2026-11-10 09:00", "2", "超期答复"],
        ["督办测试局", "督办测试局办公室", '=HYPERLINK("x")占道经营', "2026-11-27 09:00", "1", "超期答复"],
    ]
    unsatisfied = [values for values in notice.unsatisfied if values[0] == "督办测试局"]
    assert unsatisfied == [
        [
            "督办测试局",
            "督办测试局办公室",
            "噪音扰民 139****5678",
            "2026-11-10 09:00",
            "2",
            "2026-11-20 15:00",
        ]
    ]

    from docx import Document

    document = Document(io.BytesIO(notices.docx(notice)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert notice.title in text and notice.summary in text and notice.deduction in text
    assert PHONE not in text
    ranking_table, late_table, unsatisfied_table = document.tables
    rows = [[cell.text for cell in row.cells] for row in ranking_table.rows]
    assert rows[0] == notices.RANKING_COLUMNS
    assert ranking["督办测试局"] in rows and ranking["督办对照局"] in rows
    late_rows = [[cell.text for cell in row.cells] for row in late_table.rows]
    assert late[0] in late_rows and late[1] in late_rows
    assert not any(
        PHONE in cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert [[c.text for c in r.cells] for r in unsatisfied_table.rows][1:] == [
        row for row in notice.unsatisfied
    ]


# --- the admin ---------------------------------------------------------------------------------------


@pytest.fixture
def pinned():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def assessor(client, demo, pinned):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_the_supervision_page_shows_each_units_row_with_links(assessor, units, november):
    bureau, office, _other = units
    response = assessor.get("/admin/assessment/supervision/?period=2026-11")
    assert response.status_code == 200
    page = soup(response.content)
    row = page.select_one(f"tr[data-unit='{bureau.pk}']")
    cells = {td["data-measure"]: td.get_text(strip=True) for td in row.select("td[data-measure]")}
    assert cells["due"] == "4" and cells["late"] == "2" and cells["on_time_rate"] == "50.0%"
    assert page.select_one(f"tr.sv-child[data-unit='{office.pk}']") is not None
    link = row.select_one("td[data-measure=late] a")["href"]
    listed = soup(assessor.get(link).content)
    titles = [a.get_text(strip=True) for a in listed.select("table.sv-table tbody td a")]
    assert titles == ["噪音扰民 139****5678", '=HYPERLINK("x")占道经营']
    assert listed.select_one("table.sv-table tbody a")["href"] == f"/admin/letters/{november['L2'].pk}/"
    chosen = page.select_one("#sv-period option[selected]")
    assert chosen["value"] == "2026-11" and chosen.get_text() == "2026年11月"


def test_bad_periods_are_told_in_chinese(assessor, units):
    response = assessor.get("/admin/assessment/supervision/?period=2026-13")
    assert response.status_code == 400
    assert "请选择正确的月份" in soup(response.content).select_one("[role=alert]").get_text()
    assert assessor.get("/admin/assessment/supervision/notice/2099-01/").status_code == 404
    assert assessor.get("/admin/assessment/supervision/deductions.xlsx?period=x").status_code == 400
    assert (
        assessor.get("/admin/assessment/supervision/letters/?period=2026-11&unit=1&measure=x").status_code
        == 404
    )


def test_the_export_is_recorded(assessor, units, november):
    response = assessor.get("/admin/assessment/supervision/deductions.xlsx?period=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(row[2] == "督办测试局" for row in sheet.iter_rows(min_row=2, values_only=True))
    entry = ModelLogEntry.objects.order_by("-pk").first()
    assert entry.data["what"] == "超期留言扣分（一张网）" and entry.data["filters"] == {"period": "2026-11"}
    assert entry.data["count"] == len(supervision.monthly(2026, 11, AFTER).deductions)
    assert entry.action == audit.EXPORT and entry.user.username == "admin"


def test_the_notice_page_and_docx(assessor, units, november):
    page = assessor.get("/admin/assessment/supervision/notice/2026-11/")
    assert page.status_code == 200
    html = soup(page.content)
    assert html.select_one("#sv-notice-title").get_text() == "关于2026年11月政府网站网民留言办理情况的通报"
    ranking = [
        [c.get_text(strip=True) for c in tr.select("th, td")]
        for tr in html.select("table.sv-ranking tbody tr")
    ]
    assert next(r[1:] for r in ranking if r[1] == "督办测试局") == [
        "督办测试局",
        "4",
        "2",
        "50.0%",
        "2",
        "1",
        "1",
    ]
    assert PHONE not in page.content.decode() and "139****5678" in page.content.decode()
    docx = assessor.get("/admin/assessment/supervision/notice/2026-11.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment;" in docx["Content-Disposition"]
    latest = assessor.get("/admin/assessment/supervision/notice/?period=2026Q4")
    assert latest.status_code == 302 and latest["Location"].endswith("/supervision/notice/2026Q4/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/assessment/supervision/",
        "/admin/assessment/supervision/deductions.xlsx?period=2026-11",
        "/admin/assessment/supervision/notice/2026-11/",
        "/admin/assessment/supervision/notice/2026-11.docx",
        "/admin/assessment/supervision/letters/?period=2026-11&unit=1&measure=late",
    ],
)
def test_only_assessors_see_supervision(client, demo, pinned, url):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(get_user_model().objects.get(username="slj-leader"))
    response = client.get(url)
    # Wagtail's admin answers the refusal with the dashboard and its message, in Chinese.
    assert response.status_code == 302 and response["Location"] == "/admin/"
    followed = client.get(url, follow=True)
    assert "没有权限访问" in followed.content.decode()
    assert followed["Content-Type"].startswith("text/html")


def test_the_menu_shows_both_entries_to_assessors_only(assessor, demo):
    from huimin.assessment import queries
    from huimin.assessment.admin_views import supervision as screens

    assert [e.label for e in screens.MENU] == ["留言督办", "通报"]
    admin = get_user_model().objects.get(username="admin")
    leader = get_user_model().objects.get(username="slj-leader")
    assert all(e.shown(admin) for e in screens.MENU) and not any(e.shown(leader) for e in screens.MENU)
    assert queries.is_assessor(admin)
