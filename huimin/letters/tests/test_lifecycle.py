"""A letter's path: received, dispatched, accepted or returned, replied, reviewed, published or closed,
with transfers, requests for information (the clock pauses), extensions and ratings; every step recorded,
every deadline in working time, and nobody outside the responsible unit able to act."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.deadlines import level
from huimin.letters.enums import Kind, Level, State
from huimin.letters.models import Letter
from huimin.letters.services import LetterData, LetterStateError
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.sites.services import assign_role
from huimin.workdays.queries import default_calendar
from huimin.workdays.services import import_notice
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def people(demo, django_user_model):
    """A dispatcher (platform administrator), the water bureau's handler and leader, and a handler of
    another unit, who must see and do nothing with the water bureau's letters."""
    portal = Site.objects.get(hostname="127.0.0.1")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    education = OrgUnit.objects.get(name="宿迁市教育局")
    dispatcher = django_user_model.objects.create_user("dispatcher")
    assign_role(dispatcher, role=Role.PLATFORM_ADMIN, org_unit=OrgUnit.objects.get(name="宿迁市大数据中心"))
    handler = django_user_model.objects.create_user("water-handler")
    assign_role(handler, role=Role.MESSAGE_HANDLER, org_unit=water, site=portal)
    leader = django_user_model.objects.create_user("water-leader")
    assign_role(leader, role=Role.UNIT_LEADER, org_unit=water, site=portal)
    stranger = django_user_model.objects.create_user("education-handler")
    assign_role(stranger, role=Role.MESSAGE_HANDLER, org_unit=education, site=portal)
    return {
        "site": portal, "water": water, "education": education, "dispatcher": dispatcher,
        "handler": handler, "leader": leader, "stranger": stranger,
    }  # fmt: skip


def _submit(people, when="2026-11-23 09:00", kind=Kind.COMPLAINT, **extra) -> tuple[Letter, str]:
    values = {
        "site": people["site"],
        "kind": kind,
        "title": "小区门口河道有垃圾",
        "content": "河道里漂着很多垃圾，请尽快清理。",
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "may_publish": True,
    } | extra
    data = LetterData(**values)
    return services.submit_letter(data, now=at(when))


def test_the_whole_path_with_each_step_recorded(people):
    letter, password = _submit(people)
    assert letter.state == State.SUBMITTED and len(password) == 6
    assert services.check_query(letter.query_code, password) == letter
    assert services.check_query(letter.query_code, "000000" if password != "000000" else "111111") is None
    assert letter.dispatch_due == at("2026-11-23 10:00")
    assert letter.reply_due == at("2026-11-30 09:00")  # 5 working days of 7 hours, over a weekend
    services.dispatch(letter, people["water"], actor=people["dispatcher"], now=at("2026-11-23 09:20"))
    letter.refresh_from_db()
    assert letter.accept_due == at("2026-11-23 10:20")
    services.accept(letter, actor=people["handler"], now=at("2026-11-23 09:40"))
    services.reply(letter, "已安排清理，感谢监督。", actor=people["handler"], now=at("2026-11-24 15:00"))
    services.send_back(letter, "请写明清理时间。", actor=people["leader"], now=at("2026-11-24 16:00"))
    services.reply(letter, "已于11月25日上午清理完毕。", actor=people["handler"], now=at("2026-11-25 11:00"))
    services.approve(letter, actor=people["leader"], publish=True, now=at("2026-11-25 14:00"))
    services.rate(letter, "satisfied", now=at("2026-11-26 09:00"))
    letter.refresh_from_db()
    assert letter.state == State.PUBLISHED and letter.reply_unit == people["water"]
    steps = [(e.action, e.from_state, e.to_state) for e in letter.events.all()]
    assert steps == [
        ("submit", "", "submitted"),
        ("dispatch", "submitted", "dispatched"),
        ("accept", "dispatched", "accepted"),
        ("reply", "accepted", "replied"),
        ("send_back", "replied", "accepted"),
        ("reply", "accepted", "replied"),
        ("approve", "replied", "published"),
        ("rate", "published", "published"),
    ]
    assert [e.actor for e in letter.events.all()][1:4] == [
        people["dispatcher"],
        people["handler"],
        people["handler"],
    ]


def test_a_letter_not_allowed_to_be_published_is_closed(people):
    letter, _ = _submit(people, may_publish=False)
    services.dispatch(letter, people["water"], actor=people["dispatcher"])
    services.accept(letter, actor=people["handler"])
    services.reply(letter, "答复。", actor=people["handler"])
    services.approve(letter, actor=people["dispatcher"], publish=True)
    letter.refresh_from_db()
    assert letter.state == State.CLOSED and letter.published_at is None


def test_another_unit_can_do_nothing_with_the_letter(people):
    letter, _ = _submit(people)
    services.dispatch(letter, people["water"], actor=people["dispatcher"])
    for action in (
        lambda: services.accept(letter, actor=people["stranger"]),
        lambda: services.return_letter(letter, "不是我们的", actor=people["stranger"]),
        lambda: services.dispatch(letter, people["education"], actor=people["stranger"]),
        lambda: services.transfer(letter, people["education"], "转", actor=people["handler"]),
    ):
        with pytest.raises(PermissionDenied):
            action()
    services.accept(letter, actor=people["handler"])
    for action in (
        lambda: services.reply(letter, "答复", actor=people["stranger"]),
        lambda: services.request_info(letter, "请补充", actor=people["stranger"]),
    ):
        with pytest.raises(PermissionDenied):
            action()
    letter.refresh_from_db()
    assert letter.state == State.ACCEPTED and letter.events.count() == 3


def test_a_step_out_of_order_is_refused_in_chinese(people):
    letter, _ = _submit(people)
    with pytest.raises(LetterStateError, match="待分办"):
        services.approve(letter, actor=people["dispatcher"], publish=True)
    services.dispatch(letter, people["water"], actor=people["dispatcher"])
    with pytest.raises(LetterStateError):
        services.dispatch(letter, people["water"], actor=people["dispatcher"])
    with pytest.raises(ValidationError):
        services.return_letter(letter, "   ", actor=people["handler"])


def test_a_return_goes_back_to_the_dispatcher_and_a_transfer_restarts_acceptance(people):
    letter, _ = _submit(people)
    services.dispatch(letter, people["education"], actor=people["dispatcher"], now=at("2026-11-23 09:10"))
    education_handler = people["stranger"]
    services.return_letter(
        letter, "河道管理不属于教育局职责。", actor=education_handler, now=at("2026-11-23 09:30")
    )
    letter.refresh_from_db()
    assert letter.state == State.RETURNED and letter.reason.startswith("河道管理")
    services.dispatch(letter, people["water"], actor=people["dispatcher"], now=at("2026-11-23 10:00"))
    services.transfer(
        letter, people["education"], "需教育局协办", actor=people["dispatcher"], now=at("2026-11-23 14:30")
    )
    letter.refresh_from_db()
    assert letter.unit == people["education"] and letter.accept_due == at("2026-11-23 15:30")
    assert letter.reply_due == at("2026-11-30 09:00")  # still counted from receipt


def test_asking_for_information_stops_the_clock_until_the_citizen_answers(people):
    letter, _ = _submit(people, when="2026-11-23 09:00")
    services.dispatch(letter, people["water"], actor=people["dispatcher"], now=at("2026-11-23 09:10"))
    services.accept(letter, actor=people["handler"], now=at("2026-11-23 09:20"))
    services.request_info(letter, "请提供具体位置。", actor=people["handler"], now=at("2026-11-23 10:00"))
    letter.refresh_from_db()
    assert letter.state == State.AWAITING_INFO and letter.reply_due is None
    services.add_supplement(letter, "在幸福路桥下。", now=at("2026-11-25 10:00"))  # two working days later
    letter.refresh_from_db()
    assert letter.paused == timedelta(hours=14)
    assert letter.reply_due == at("2026-12-02 09:00")
    assert letter.state == State.ACCEPTED and "幸福路" in letter.supplement


def test_an_extension_moves_the_reply_deadline_by_working_days(people):
    letter, _ = _submit(people)
    services.dispatch(letter, people["water"], actor=people["dispatcher"])
    services.accept(letter, actor=people["handler"])
    with pytest.raises(PermissionDenied):
        services.extend(letter, 3, "需要现场勘查", actor=people["handler"])
    services.extend(letter, 3, "需要现场勘查", actor=people["dispatcher"])
    letter.refresh_from_db()
    assert letter.reply_due == at("2026-12-03 09:00")


def test_levels_follow_the_share_of_time_used(people):
    letter, _ = _submit(people, when="2026-11-23 09:00")
    assert level(letter, at("2026-11-23 09:30")) == Level.NORMAL
    assert level(letter, at("2026-11-23 09:50")) == Level.WARNING  # 50 of 60 working minutes
    assert level(letter, at("2026-11-23 10:30")) == Level.OVERDUE
    assert level(letter, at("2026-11-23 14:30")) == Level.SERIOUS  # twice the time
    services.dispatch(letter, people["water"], actor=people["dispatcher"], now=at("2026-11-23 09:10"))
    services.accept(letter, actor=people["handler"], now=at("2026-11-23 09:20"))
    letter.refresh_from_db()
    assert level(letter, at("2026-11-26 09:00")) == Level.NORMAL
    assert level(letter, at("2026-11-27 11:00")) == Level.WARNING
    assert level(letter, at("2026-11-30 10:00")) == Level.OVERDUE


def test_a_consultation_unanswered_for_three_months_is_seriously_overdue_whatever_its_extensions(people):
    letter, _ = _submit(people, kind=Kind.CONSULT, when="2026-01-05 09:00")
    assert letter.reply_due == at("2026-01-06 09:00")  # a simple consultation: one working day (7 hours)
    services.dispatch(letter, people["water"], actor=people["dispatcher"], now=at("2026-01-05 09:10"))
    services.accept(letter, actor=people["handler"], now=at("2026-01-05 09:20"))
    services.extend(letter, 30, "复杂", actor=people["dispatcher"])
    letter.refresh_from_db()
    assert level(letter, at("2026-04-06 10:00")) == Level.SERIOUS


def test_a_new_holiday_moves_the_deadlines_of_open_letters(people, django_capture_on_commit_callbacks):
    letter, _ = _submit(people, when="2027-01-04 09:00")
    assert letter.reply_due == at("2027-01-11 09:00")
    with django_capture_on_commit_callbacks(execute=True):
        import_notice(default_calendar(), 2027, "测试假 2027-01-05~2027-01-06")
    letter.refresh_from_db()
    assert letter.reply_due == at("2027-01-13 09:00")


def test_an_unsatisfied_citizen_can_have_the_letter_reopened(people):
    letter, _ = _submit(people, when="2026-11-23 09:00")
    services.dispatch(letter, people["water"], actor=people["dispatcher"])
    services.accept(letter, actor=people["handler"])
    services.reply(letter, "答复。", actor=people["handler"])
    services.approve(letter, actor=people["leader"], publish=False, now=at("2026-11-24 09:00"))
    services.rate(letter, "unsatisfied", "没有解决", now=at("2026-11-24 10:00"))
    with pytest.raises(PermissionDenied):
        services.reopen(letter, "重新办理", actor=people["handler"])
    services.reopen(letter, "群众不满意，重新办理", actor=people["dispatcher"], now=at("2026-12-07 09:00"))
    letter.refresh_from_db()
    assert letter.state == State.ACCEPTED
    assert letter.reply_due == at("2026-12-14 09:00")  # a fresh five working days
