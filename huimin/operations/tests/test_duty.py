"""值班读网: arranging a roster (rotation over the working calendar's working days, refusals), recording a
reading (the person's own, open work orders of the site only), hostile input through the screens, the missed
days counted on the working calendar with a pinned clock (a weekend and a holiday never counted, a make-up
working day counted), and another site's staff answered 404 on every screen and action."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from huimin.operations import queries, services
from huimin.operations.enums import DayState, Rotation
from huimin.operations.models import DutyReading, DutyRoster
from huimin.sites.enums import Role
from huimin.workdays.enums import DayKind
from huimin.workdays.models import CalendarDay
from huimin.workdays.queries import default_calendar
from huimin.workorders.enums import Source
from huimin.workorders.services import sync_findings

from .helpers import NOW, SH, make_site, person, platform_admin

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture
def holiday():
    """2030-03-05 (a Tuesday) a holiday and 2030-03-09 (a Saturday) a make-up working day on the calendar."""
    calendar = default_calendar()
    CalendarDay.objects.create(
        calendar=calendar, date=date(2030, 3, 5), kind=DayKind.HOLIDAY, name="测试假日"
    )
    CalendarDay.objects.create(
        calendar=calendar, date=date(2030, 3, 9), kind=DayKind.WORKDAY, name="测试调休"
    )


@pytest.fixture
def team():
    unit, site = make_site("值班")
    admin = person(site, unit, Role.SITE_ADMIN, name="站长", username="ops-duty-admin")
    alice = person(site, unit, Role.EDITOR, name="甲编辑", username="ops-duty-a")
    bob = person(site, unit, Role.MESSAGE_HANDLER, name="乙办理", username="ops-duty-b")
    return {"unit": unit, "site": site, "admin": admin, "alice": alice, "bob": bob}


def _at(day: date, hour: int = 16) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH)


def _arrange(team, start=MONDAY, end=date(2030, 3, 15), rotation=Rotation.DAILY, people=None, now=NOW):
    return services.arrange_roster(
        team["site"],
        people=people or [team["alice"], team["bob"]],
        start=start,
        end=end,
        rotation=rotation,
        actor=team["admin"],
        now=now,
    )


def _read(team, day, who="alice", now=None, **extra):
    extra.setdefault("pages_read", 10)
    return services.record_reading(team["site"], day=day, actor=team[who], now=now or _at(day), **extra)


# --- the roster ------------------------------------------------------------------------------------------


def test_a_daily_roster_takes_turns_on_working_days_only(team, holiday):
    entries = _arrange(team)
    days = [(entry.day, entry.person.username) for entry in entries]
    # 03-05 is a holiday, 03-09 a make-up Saturday, 03-10 a Sunday.
    assert days == [
        (date(2030, 3, 4), "ops-duty-a"),
        (date(2030, 3, 6), "ops-duty-b"),
        (date(2030, 3, 7), "ops-duty-a"),
        (date(2030, 3, 8), "ops-duty-b"),
        (date(2030, 3, 9), "ops-duty-a"),
        (date(2030, 3, 11), "ops-duty-b"),
        (date(2030, 3, 12), "ops-duty-a"),
        (date(2030, 3, 13), "ops-duty-b"),
        (date(2030, 3, 14), "ops-duty-a"),
        (date(2030, 3, 15), "ops-duty-b"),
    ]
    entry = ModelLogEntry.objects.filter(action="huimin_operations.arrange").latest("pk")
    assert entry.data["count"] == 10 and entry.data["kind"] == "每个工作日轮换"
    assert entry.data["user"] == "甲编辑（ops-duty-a）、乙办理（ops-duty-b）"


def test_a_weekly_roster_changes_person_each_monday_and_replaces_what_was_there(team):
    _arrange(team, people=[team["bob"]])
    entries = _arrange(team, rotation=Rotation.WEEKLY)
    assert {e.person.username for e in entries if e.day < date(2030, 3, 11)} == {"ops-duty-a"}
    assert {e.person.username for e in entries if e.day >= date(2030, 3, 11)} == {"ops-duty-b"}
    assert DutyRoster.objects.filter(site=team["site"]).count() == len(entries) == 10


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": date(2030, 3, 10), "end": date(2030, 3, 9)}, "end", "结束日期不能早于开始日期"),
        ({"start": date(2030, 3, 6), "end": date(2030, 7, 1)}, "end", "最多安排 92 天"),
        ({"start": date(2030, 2, 20), "end": date(2030, 3, 1)}, "start", "7 天前"),
        ({"start": date(2031, 6, 1), "end": date(2031, 6, 5)}, "end", "366 天后"),
        ({"start": date(2030, 3, 9), "end": date(2030, 3, 10)}, "end", "没有工作日"),
        ({"people": []}, "people", "至少选择一名"),
        ({"rotation": "hourly"}, "rotation", "轮换方式"),
        ({"note": "备注\x00"}, "note", "控制字符"),
        ({"note": "长" * 201}, "note", "200"),
    ],
)
def test_a_roster_out_of_range_or_incomplete_is_refused_in_chinese(team, change, field, message):
    arguments = {
        "people": [team["alice"]],
        "start": MONDAY,
        "end": date(2030, 3, 8),
        "rotation": Rotation.DAILY,
        "note": "",
        **change,
    }
    with pytest.raises(ValidationError) as refused:
        services.arrange_roster(team["site"], actor=team["admin"], now=NOW, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert not DutyRoster.objects.filter(site=team["site"]).exists()


def test_only_people_with_a_role_on_the_site_go_on_the_roster_and_only_its_administrator_arranges(team):
    other_unit, other_site = make_site("他站")
    outsider = person(other_site, other_unit, Role.EDITOR, name="外人")
    with pytest.raises(ValidationError) as refused:
        _arrange(team, people=[team["alice"], outsider])
    assert (
        "外人" in refused.value.message_dict["people"][0]
        and "没有角色" in refused.value.message_dict["people"][0]
    )
    with pytest.raises(PermissionDenied):
        services.arrange_roster(
            team["site"], people=[team["alice"]], start=MONDAY, end=MONDAY, actor=team["alice"], now=NOW
        )
    # The platform administrator may arrange any site, but is no one to put on it (no role there).
    chief = platform_admin()
    assert services.arrange_roster(
        team["site"], people=[team["bob"]], start=MONDAY, end=MONDAY, actor=chief, now=NOW
    )
    with pytest.raises(ValidationError):
        services.arrange_roster(team["site"], people=[chief], start=MONDAY, end=MONDAY, actor=chief, now=NOW)


# --- readings --------------------------------------------------------------------------------------------


def test_a_reading_is_recorded_and_corrected_with_its_open_work_orders(team):
    order = sync_findings(
        team["site"],
        source=Source.DUTY,
        problem="reading-test",
        kind_code="correction",
        title="读网发现的问题",
        findings=[{"url": "http://example.invalid/a", "evidence": "附件打不开"}],
        now=NOW,
    )
    reading = _read(
        team,
        date(2030, 3, 6),
        now=NOW,
        urls="http://ops.example/\n\nhttps://ops.example/gzdt/\nhttp://ops.example/",
        problems="  附件链接打不开  ",
        work_orders=[order],
        pages_read=1,
    )
    assert reading.urls == ["http://ops.example/", "https://ops.example/gzdt/"]
    assert reading.pages_read == 2  # at least the addresses listed
    assert reading.problems == "附件链接打不开"
    assert list(reading.work_orders.all()) == [order]
    again = _read(team, date(2030, 3, 6), now=NOW + timedelta(hours=1), pages_read=30)
    assert again.pk == reading.pk and again.pages_read == 30 and not again.work_orders.exists()
    actions = list(
        ModelLogEntry.objects.filter(action__startswith="huimin_operations.", object_id=str(reading.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["huimin_operations.record", "huimin_operations.update"]
    first = ModelLogEntry.objects.filter(action="huimin_operations.record", object_id=str(reading.pk)).get()
    assert first.data["number"] == order.number and first.data["date"] == "2030-03-06"


def test_a_work_order_of_another_site_or_a_closed_one_is_refused(team):
    _other_unit, other_site = make_site("他站工单")
    foreign = sync_findings(
        other_site,
        source=Source.DUTY,
        problem="foreign",
        kind_code="correction",
        title="他站问题",
        findings=[{"url": "http://other.invalid/", "evidence": "问题"}],
        now=NOW,
    )
    with pytest.raises(ValidationError) as refused:
        _read(team, date(2030, 3, 6), now=NOW, work_orders=[foreign])
    assert "本网站未办结的工单" in refused.value.message_dict["work_orders"][0]
    closed = sync_findings(
        team["site"],
        source=Source.DUTY,
        problem="closed",
        kind_code="correction",
        title="已修复",
        findings=[{"url": "http://ops.invalid/", "evidence": "问题"}],
        now=NOW,
    )
    sync_findings(
        team["site"],
        source=Source.DUTY,
        problem="closed",
        kind_code="correction",
        title="已修复",
        findings=[],
        now=NOW,
    )
    with pytest.raises(ValidationError):
        _read(team, date(2030, 3, 6), now=NOW, work_orders=[closed])
    assert not DutyReading.objects.filter(site=team["site"]).exists()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"day": date(2030, 3, 7)}, "day", "今天以后"),
        ({"day": date(2030, 3, 2)}, "day", "3 天内"),
        ({"pages_read": 0}, "pages_read", "至少 1 个"),
        ({"pages_read": 10_001}, "pages_read", "10000"),
        ({"urls": "javascript:alert(1)"}, "urls", "第 1 行不是有效的网页地址"),
        ({"urls": "http://a.example/\nhttp://a.example/\x00"}, "urls", "第 2 行含有不可见的控制字符"),
        ({"urls": "http://a.example/" + "x" * 500}, "urls", "500"),
        ({"urls": "\n".join(f"http://a.example/{n}" for n in range(51))}, "urls", "最多填写 50"),
        ({"problems": "问题\x00"}, "problems", "控制字符"),
        ({"problems": "问" * 3001}, "problems", "3000"),
    ],
)
def test_a_reading_out_of_range_or_hostile_is_refused_in_chinese(team, extra, field, message):
    arguments = {"day": date(2030, 3, 6), "pages_read": 5, **extra}
    with pytest.raises(ValidationError) as refused:
        services.record_reading(team["site"], actor=team["alice"], now=NOW, **arguments)
    assert message in " ".join(refused.value.message_dict[field])


def test_someone_without_a_role_on_the_site_cannot_record(team):
    other_unit, other_site = make_site("旁站")
    stranger = person(other_site, other_unit, Role.SITE_ADMIN)
    with pytest.raises(PermissionDenied):
        services.record_reading(team["site"], day=date(2030, 3, 6), pages_read=3, actor=stranger, now=NOW)
    with pytest.raises(PermissionDenied):
        services.record_reading(team["site"], day=date(2030, 3, 6), pages_read=3, actor=None, now=NOW)


def test_sql_like_text_is_stored_as_typed(team):
    text = "'; DROP TABLE huimin_operations_dutyreading; -- 首页 <b>错字</b>"
    reading = _read(team, date(2030, 3, 6), now=NOW, problems=text)
    assert DutyReading.objects.get(pk=reading.pk).problems == text


# --- missed days on the working calendar -----------------------------------------------------------------


def test_missed_days_count_working_days_only_from_the_first_roster_day(team, holiday):
    _arrange(team, start=date(2030, 3, 4), end=date(2030, 3, 15))
    for day in (date(2030, 3, 4), date(2030, 3, 7), date(2030, 3, 12)):
        _read(team, day, now=_at(day))
    later = datetime(2030, 3, 13, 9, 0, tzinfo=SH)
    missed = queries.missed_days([team["site"].pk], date(2030, 3, 1), date(2030, 3, 31), later)
    # Not 03-01/03-03 (before the roster), nor 03-05 (holiday), 03-10 (Sunday), 03-13 (today, still open).
    assert missed == {
        team["site"].pk: [date(2030, 3, 6), date(2030, 3, 8), date(2030, 3, 9), date(2030, 3, 11)]
    }
    # A site that never had a roster is left out: there is no day it was due.
    _unit, idle = make_site("未排班")
    assert queries.missed_days([idle.pk], date(2030, 3, 1), date(2030, 3, 31), later) == {}


def test_a_reading_by_someone_else_on_the_site_covers_the_day(team):
    _arrange(team, start=date(2030, 3, 4), end=date(2030, 3, 4))
    _read(team, date(2030, 3, 4), who="bob", now=_at(date(2030, 3, 4)))  # alice was on duty
    missed = queries.missed_days([team["site"].pk], date(2030, 3, 1), date(2030, 3, 31), NOW)
    assert missed[team["site"].pk] == [date(2030, 3, 5)]  # no holiday here: 03-05 is a plain Tuesday


def test_the_month_rows_say_what_each_day_is(team, holiday):
    _arrange(team, start=date(2030, 3, 6), end=date(2030, 3, 15))
    _read(team, date(2030, 3, 6), now=_at(date(2030, 3, 6)))
    now = datetime(2030, 3, 11, 10, 0, tzinfo=SH)
    rows = {row.day: row for row in queries.month_days(team["site"], 2030, 3, now)}
    assert len(rows) == 31
    expected = {
        date(2030, 3, 4): DayState.NOT_STARTED,
        date(2030, 3, 5): DayState.REST,
        date(2030, 3, 6): DayState.RECORDED,
        date(2030, 3, 7): DayState.MISSED,
        date(2030, 3, 9): DayState.MISSED,  # the make-up working Saturday
        date(2030, 3, 10): DayState.REST,
        date(2030, 3, 11): DayState.TODAY,
        date(2030, 3, 12): DayState.FUTURE,
        date(2030, 3, 16): DayState.REST,
    }
    assert {day: rows[day].state for day in expected} == expected
    assert (
        rows[date(2030, 3, 5)].label == "周二（测试假日）"
        and rows[date(2030, 3, 9)].label == "周六（测试调休）"
    )
    assert rows[date(2030, 3, 7)].on_duty.person == team["bob"]


# --- the screens -----------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_administrator_arranges_through_the_form(client, team):
    client.force_login(team["admin"])
    url = reverse("operations_duty_arrange", args=[team["site"].pk])
    form = client.get(url).content.decode()
    assert "甲编辑（ops-duty-a）" in form and 'type="date"' in form
    response = client.post(
        url,
        {
            "people": [team["alice"].pk, team["bob"].pk],
            "start": "2030-03-06",
            "end": "2030-03-31",
            "rotation": "weekly",
            "note": "<img src=x onerror=alert(1)>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("?month=2030-03")
    page = client.get(response["Location"]).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "安排值班" in page and "记录今天的读网" in page


@time_machine.travel(NOW, tick=False)
def test_the_arrange_form_refuses_in_chinese_and_keeps_what_was_typed(client, team):
    client.force_login(team["admin"])
    url = reverse("operations_duty_arrange", args=[team["site"].pk])
    _other_unit, other_site = make_site("他站表单")
    outsider = person(other_site, _other_unit, Role.EDITOR)
    cases = [
        (
            {"people": [outsider.pk], "start": "2030-03-06", "end": "2030-03-08", "rotation": "daily"},
            "没有角色",
        ),
        (
            {"people": [team["alice"].pk], "start": "2030-13-01", "end": "2030-03-08", "rotation": "daily"},
            "日期",
        ),
        (
            {"people": [team["alice"].pk], "start": "2030-03-06", "end": "2030-03-08", "rotation": "x"},
            "轮换方式",
        ),
        (
            {"people": [team["alice"].pk], "start": "2030-03-06", "end": "2031-09-08", "rotation": "daily"},
            "92 天",
        ),
        ({"start": "2030-03-06", "end": "2030-03-08", "rotation": "daily"}, "至少选择一名"),
        ({"people": [team["alice"].pk], "start": "", "end": "", "rotation": "daily"}, "请填写日期"),
        (
            {"people": ["1 OR 1=1"], "start": "2030-03-06", "end": "2030-03-08", "rotation": "daily"},
            "不是一个有效的值",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert not DutyRoster.objects.filter(site=team["site"]).exists()
    # Someone who may see the site but not arrange it is refused (Wagtail's "no permission": back home).
    client.force_login(team["alice"])
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert (
        client.post(
            url, {"people": [team["alice"].pk], "start": "2030-03-06", "end": "2030-03-08"}
        ).status_code
        == 302
    )
    assert not DutyRoster.objects.filter(site=team["site"]).exists()


@time_machine.travel(NOW, tick=False)
def test_the_person_on_duty_records_through_the_form(client, team):
    _arrange(team)
    order = sync_findings(
        team["site"],
        source=Source.DUTY,
        problem="form-order",
        kind_code="correction",
        title="表单关联的工单",
        findings=[{"url": "http://ops.invalid/", "evidence": "问题"}],
        now=NOW,
    )
    client.force_login(team["bob"])  # on duty on 03-06
    url = reverse("operations_duty_record", args=[team["site"].pk])
    form = client.get(url).content.decode()
    assert 'value="2030-03-06"' in form and order.number in form
    response = client.post(
        url,
        {
            "day": "2030-03-06",
            "pages_read": "15",
            "urls": "http://ops.example/",
            "problems": "<script>alert('读网')</script>",
            "work_orders": [order.pk],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert order.number in page and "浏览 15 个页面" in page
    # The form again shows what was recorded.
    assert "15" in client.get(url + "?day=2030-03-06").content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_record_form_refuses_hostile_input_in_chinese(client, team):
    _other_unit, other_site = make_site("他站读网")
    foreign = sync_findings(
        other_site,
        source=Source.DUTY,
        problem="foreign-form",
        kind_code="correction",
        title="他站工单",
        findings=[{"url": "http://other.invalid/", "evidence": "问题"}],
        now=NOW,
    )
    client.force_login(team["alice"])
    url = reverse("operations_duty_record", args=[team["site"].pk])
    cases = [
        ({"day": "2030-03-06", "pages_read": "5", "problems": "问题\x00"}, "空字符"),
        ({"day": "2030-03-06", "pages_read": "5", "work_orders": [foreign.pk]}, "本网站未办结的工单"),
        ({"day": "2030-03-09", "pages_read": "5"}, "今天以后"),
        ({"day": "2029-03-06", "pages_read": "5"}, "3 天内"),
        ({"day": "2030-03-06", "pages_read": "-1"}, "至少 1 个"),
        ({"day": "2030-03-06", "pages_read": "很多"}, "整数"),
        ({"day": "2030-03-06", "pages_read": "5", "urls": "ftp://x.example/"}, "有效的网页地址"),
        ({"day": "2030-03-06", "pages_read": "5", "problems": "长" * 20_001}, "太长"),
        ({"pages_read": "5"}, "请填写日期"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert not DutyReading.objects.filter(site=team["site"]).exists()


def test_another_sites_staff_get_404_on_every_duty_screen_and_action(client, team):
    _other_unit, other_site = make_site("外站")
    stranger = person(other_site, _other_unit, Role.SITE_ADMIN)
    client.force_login(stranger)
    site = team["site"].pk
    for name in ("operations_duty_site", "operations_duty_arrange", "operations_duty_record"):
        assert client.get(reverse(name, args=[site])).status_code == 404, name
    assert (
        client.post(
            reverse("operations_duty_arrange", args=[site]),
            {"people": [stranger.pk], "start": "2030-03-06", "end": "2030-03-08", "rotation": "daily"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("operations_duty_record", args=[site]), {"day": "2030-03-06", "pages_read": "5"}
        ).status_code
        == 404
    )
    assert not DutyRoster.objects.filter(site=team["site"]).exists()
    assert not DutyReading.objects.filter(site=team["site"]).exists()


@time_machine.travel(NOW, tick=False)
def test_the_month_screen_lists_the_days_in_words(client, team, holiday):
    _arrange(team, start=date(2030, 3, 4), end=date(2030, 3, 15))
    _read(team, date(2030, 3, 4), now=_at(date(2030, 3, 4)))
    client.force_login(team["alice"])
    url = reverse("operations_duty_site", args=[team["site"].pk])
    page = client.get(url, {"month": "2030-03"}).content.decode()
    for text in ("2030年3月", "已记录", "休息日", "今日待记录", "未到", "周二（测试假日）", "没有漏记"):
        assert text in page, text
    bad = client.get(url, {"month": "2030-13"}).content.decode()
    assert "月份格式不正确" in bad and "2030年3月" in bad
    assert client.get(url, {"month": "<script>"}).status_code == 200
