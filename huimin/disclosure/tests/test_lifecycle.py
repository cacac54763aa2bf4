"""An application's every state and step through the services, and every refusal: the wrong state, the wrong
person, and the 条例's limits (one correction, asked within 7 working days; one extension of 1–20 working days
with a reason, before the limit runs out; the answer's ground, the referral, the released records)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from huimin.disclosure import services
from huimin.disclosure.enums import Delivery, FileRole, Level, State
from huimin.disclosure.models import Application
from huimin.disclosure.services import ApplicationStateError
from huimin.disclosure.tests.factories import apply, at, unit_people

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WHEN = "2026-11-02 09:00"  # a Monday in working hours: received that day, due 2026-11-30


def released(name="公开的信息.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def people(demo, django_user_model):
    return unit_people(django_user_model)


def new(people, when=WHEN, **overrides) -> Application:
    application, _ = apply(people["site"], people["unit"], at(when), **overrides)
    return application


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def draft(application, actor, when="2026-11-10 10:00", **extra) -> Application:
    values = {"answer": "disclose", "text": "经查，现将该批复文件提供给您。", "released": [released()]}
    values.update(extra)
    return services.draft_answer(application, actor=actor, now=at(when), **values)


def test_the_whole_path_through_every_state(people):
    handler, leader = people["handler"], people["leader"]
    application, password = apply(people["site"], people["unit"], at(WHEN))
    assert application.state == State.SUBMITTED
    assert application.query_code.startswith("GK") and len(password) == 6
    assert services.check_query(application.query_code.lower(), password) == application
    assert services.check_query(application.query_code, "x" + password) is None
    assert application.received_on == date(2026, 11, 2) and application.due_on == date(2026, 11, 30)

    application = services.register(application, actor=handler, now=at("2026-11-02 10:00"))
    assert application.state == State.PROCESSING and application.registered_by == handler

    application = services.ask_correction(
        application, "请写明批复文件的文号或年份。", actor=handler, now=at("2026-11-03 10:00")
    )
    assert application.state == State.CORRECTION
    assert application.due_on is None and application.correction_due == date(2026, 11, 24)

    application = services.submit_correction(
        application, "文号为宿水复〔2025〕12号。", now=at("2026-11-05 09:00")
    )
    assert application.state == State.PROCESSING and application.corrected_on == date(2026, 11, 5)
    assert application.due_on == date(2026, 12, 3)

    application = services.extend(
        application, 10, "需要征求第三方意见", actor=leader, now=at("2026-11-20 10:00")
    )
    assert application.state == State.PROCESSING
    assert application.extension_days == 10 and application.due_on == date(2026, 12, 17)
    assert application.extended_by == leader

    application = draft(application, handler, "2026-12-01 10:00")
    assert application.state == State.REVIEW and application.drafted_by == handler
    assert application.files.filter(role=FileRole.RELEASED).count() == 1
    assert application.files.filter(role=FileRole.REPLY).count() == 2  # DOCX and PDF

    application = services.send_back(
        application, "请补充公开方式的说明。", actor=leader, now=at("2026-12-02 09:00")
    )
    assert application.state == State.PROCESSING

    application = draft(application, handler, "2026-12-02 15:00", released=[])  # the earlier file stays
    assert application.state == State.REVIEW
    application = services.sign_off(application, actor=leader, now=at("2026-12-03 10:00"))
    assert application.state == State.ANSWERED
    assert application.signed_by == leader and application.answered_at == at("2026-12-03 10:00")
    assert services.answered_in_time(application) is True

    steps = list(fresh(application).events.values_list("action", "from_state", "to_state"))
    assert steps == [
        ("submit", "", State.SUBMITTED),
        ("register", State.SUBMITTED, State.PROCESSING),
        ("ask_correction", State.PROCESSING, State.CORRECTION),
        ("correct", State.CORRECTION, State.PROCESSING),
        ("extend", State.PROCESSING, State.PROCESSING),
        ("draft", State.PROCESSING, State.REVIEW),
        ("send_back", State.REVIEW, State.PROCESSING),
        ("draft", State.PROCESSING, State.REVIEW),
        ("sign_off", State.REVIEW, State.ANSWERED),
    ]


def test_a_correction_can_be_asked_before_registering_and_registers_it(people):
    application = new(people)
    application = services.ask_correction(application, "请写明年份。", actor=people["handler"], now=at(WHEN))
    assert application.state == State.CORRECTION and application.registered_by == people["handler"]


def test_an_answer_drafted_straight_from_submitted_registers_it(people):
    application = draft(new(people), people["handler"])
    assert application.state == State.REVIEW and application.registered_at == at("2026-11-10 10:00")


def _to_state(people, state) -> Application:
    application = new(people)
    if state == State.SUBMITTED:
        return application
    if state == State.CORRECTION:
        return services.ask_correction(application, "请写明年份。", actor=people["handler"], now=at(WHEN))
    application = services.register(application, actor=people["handler"], now=at(WHEN))
    if state == State.REVIEW:
        application = draft(application, people["handler"])
    if state == State.ANSWERED:
        application = services.sign_off(draft(application, people["handler"]), actor=people["leader"],
                                         now=at("2026-11-11 09:00"))  # fmt: skip
    return application


@pytest.mark.parametrize("state", [State.SUBMITTED, State.PROCESSING, State.CORRECTION, State.REVIEW])
def test_the_applicant_withdraws_from_every_open_state(people, state):
    application = _to_state(people, state)
    assert application.state == state
    application = services.withdraw(application, "已经从其他渠道获得", now=at("2026-11-12 09:00"))
    assert application.state == State.WITHDRAWN
    assert (application.answer, application.answer_ground) == ("other", "other")
    assert (
        application.closed_at == at("2026-11-12 09:00") and application.close_reason == "已经从其他渠道获得"
    )
    assert services.days_left(application, at("2026-11-12 09:00")) is None
    event = application.events.last()
    assert (event.action, event.from_state, event.actor_label) == ("withdraw", state, "申请人")


@pytest.mark.parametrize("state", [State.ANSWERED, State.WITHDRAWN])
def test_a_finished_application_cannot_be_withdrawn(people, state):
    application = _to_state(people, State.ANSWERED if state == State.ANSWERED else State.SUBMITTED)
    if state == State.WITHDRAWN:
        application = services.withdraw(application, now=at(WHEN))
        assert application.close_reason == "申请人撤回申请"
    with pytest.raises(ApplicationStateError) as error:
        services.withdraw(application, now=at("2026-11-20 09:00"))
    assert f"申请当前为“{state.label}”，不能进行此操作。" in error.value.messages


WRONG_STATE_STEPS = {
    "register": (State.PROCESSING, lambda a, p: services.register(a, actor=p["handler"], now=at(WHEN))),
    "ask_correction": (
        State.REVIEW,
        lambda a, p: services.ask_correction(a, "请补正。", actor=p["handler"], now=at(WHEN)),
    ),
    "submit_correction": (
        State.PROCESSING,
        lambda a, p: services.submit_correction(a, "补正内容", now=at(WHEN)),
    ),
    "extend": (
        State.CORRECTION,
        lambda a, p: services.extend(a, 5, "情况复杂", actor=p["leader"], now=at(WHEN)),
    ),
    "draft_answer": (State.CORRECTION, lambda a, p: draft(a, p["handler"])),
    "send_back": (
        State.PROCESSING,
        lambda a, p: services.send_back(a, "重办", actor=p["leader"], now=at(WHEN)),
    ),
    "sign_off": (State.PROCESSING, lambda a, p: services.sign_off(a, actor=p["leader"], now=at(WHEN))),
    "register_answered": (
        State.ANSWERED,
        lambda a, p: services.register(a, actor=p["handler"], now=at(WHEN)),
    ),
}


@pytest.mark.parametrize("step", WRONG_STATE_STEPS)
def test_every_step_from_the_wrong_state_is_refused_in_chinese(people, step):
    state, run = WRONG_STATE_STEPS[step]
    application = _to_state(people, state)
    events = application.events.count()
    with pytest.raises(ApplicationStateError) as error:
        run(application, people)
    assert error.value.messages == [f"申请当前为“{state.label}”，不能进行此操作。"]
    assert fresh(application).state == state and application.events.count() == events


STAFF_STEPS = {
    "register": (State.SUBMITTED, lambda a, u: services.register(a, actor=u, now=at(WHEN))),
    "ask_correction": (
        State.PROCESSING,
        lambda a, u: services.ask_correction(a, "请补正。", actor=u, now=at(WHEN)),
    ),
    "draft_answer": (State.PROCESSING, lambda a, u: draft(a, u)),
    "extend": (State.PROCESSING, lambda a, u: services.extend(a, 5, "情况复杂", actor=u, now=at(WHEN))),
    "send_back": (State.REVIEW, lambda a, u: services.send_back(a, "重办", actor=u, now=at(WHEN))),
    "sign_off": (State.REVIEW, lambda a, u: services.sign_off(a, actor=u, now=at("2026-11-11 09:00"))),
}


@pytest.mark.parametrize("who", ["stranger", "stranger_leader", "editor", "anonymous", "nobody"])
@pytest.mark.parametrize("step", STAFF_STEPS)
def test_nobody_outside_the_unit_may_act(people, step, who):
    state, run = STAFF_STEPS[step]
    application = _to_state(people, state)
    actor = (
        {"anonymous": AnonymousUser(), "nobody": None}[who] if who in ("anonymous", "nobody") else people[who]
    )
    with pytest.raises(PermissionDenied) as error:
        run(application, actor)
    assert "单位" in str(error.value)
    assert fresh(application).state == state


@pytest.mark.parametrize("step", ["extend", "send_back", "sign_off"])
def test_reviewer_steps_are_refused_to_the_handler(people, step):
    state, run = STAFF_STEPS[step]
    application = _to_state(people, state)
    with pytest.raises(PermissionDenied, match="审核人"):
        run(application, people["handler"])
    assert fresh(application).state == state


def test_the_drafter_may_not_sign_off_their_own_answer(people):
    leader = people["leader"]
    application = draft(services.register(new(people), actor=leader, now=at(WHEN)), leader)
    with pytest.raises(PermissionDenied, match="拟办人不能审签自己拟办的答复"):
        services.sign_off(application, actor=leader, now=at("2026-11-11 09:00"))
    assert fresh(application).state == State.REVIEW
    application = services.sign_off(application, actor=people["second_leader"], now=at("2026-11-11 09:00"))
    assert application.state == State.ANSWERED


def test_a_platform_administrator_may_do_every_step_even_sign_their_own_draft(people):
    admin = people["admin"]
    application = services.register(new(people), actor=admin, now=at(WHEN))
    application = services.extend(application, 3, "需要调取档案", actor=admin, now=at(WHEN))
    application = services.sign_off(draft(application, admin), actor=admin, now=at("2026-11-11 09:00"))
    assert application.state == State.ANSWERED and application.signed_by == admin


def test_correction_is_asked_only_once(people):
    handler = people["handler"]
    application = services.ask_correction(new(people), "请写明年份。", actor=handler, now=at(WHEN))
    application = services.submit_correction(application, "2025年。", now=at("2026-11-03 09:00"))
    with pytest.raises(ApplicationStateError, match="补正只能告知一次"):
        services.ask_correction(application, "请再写明文号。", actor=handler, now=at("2026-11-04 09:00"))
    assert fresh(application).state == State.PROCESSING


def test_correction_must_be_asked_within_seven_working_days(people):
    handler = people["handler"]
    late = new(people)
    with pytest.raises(ApplicationStateError, match="超过7个工作日"):
        services.ask_correction(late, "请写明年份。", actor=handler, now=at("2026-11-12 09:00"))  # 8th day
    assert fresh(late).state == State.SUBMITTED and fresh(late).correction_asked_at is None
    on_time = services.ask_correction(new(people), "请写明年份。", actor=handler, now=at("2026-11-11 17:00"))
    assert on_time.state == State.CORRECTION  # the 7th working day is still in time


@pytest.mark.parametrize(
    ("text", "days", "field", "words"),
    [
        ("", None, "correction_request", "请填写需补正的事项"),
        ("   ", None, "correction_request", "请填写需补正的事项"),
        ("请补正\x00", None, "correction_request", "控制字符"),
        ("请补正", 0, "days", "补正期限应为1至60个工作日"),
        ("请补正", 61, "days", "补正期限应为1至60个工作日"),
    ],
)
def test_a_correction_request_needs_words_and_a_sensible_period(people, text, days, field, words):
    application = new(people)
    with pytest.raises(ValidationError) as error:
        services.ask_correction(application, text, actor=people["handler"], days=days, now=at(WHEN))
    assert words in error.value.message_dict[field][0]
    assert fresh(application).state == State.SUBMITTED


def test_a_correction_after_its_due_date_is_refused(people):
    application = services.ask_correction(
        new(people), "请写明年份。", actor=people["handler"], days=3, now=at(WHEN)
    )
    assert application.correction_due == date(2026, 11, 5)
    with pytest.raises(ApplicationStateError, match="补正期限已过"):
        services.submit_correction(application, "2025年。", now=at("2026-11-06 08:00"))
    assert fresh(application).state == State.CORRECTION
    # On the due day itself, even late at night, the correction is still in time.
    application = services.submit_correction(application, "2025年。", now=at("2026-11-05 23:30"))
    assert application.state == State.PROCESSING and application.corrected_on == date(2026, 11, 6)


def test_the_correction_needs_words(people):
    application = services.ask_correction(new(people), "请写明年份。", actor=people["handler"], now=at(WHEN))
    with pytest.raises(ValidationError) as error:
        services.submit_correction(application, " ", now=at("2026-11-03 09:00"))
    assert error.value.message_dict["correction_text"] == ["请填写补正内容。"]
    assert fresh(application).state == State.CORRECTION


def test_the_time_limit_is_extended_only_once(people):
    application = services.extend(new(people), 5, "需要调取档案", actor=people["leader"], now=at(WHEN))
    with pytest.raises(ApplicationStateError, match="只能延长一次"):
        services.extend(application, 5, "仍需时间", actor=people["leader"], now=at("2026-11-03 09:00"))
    assert fresh(application).extension_days == 5 and fresh(application).due_on == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("days", "reason", "field", "words"),
    [
        (0, "需要调取档案", "days", "延长的期限应为1至20个工作日"),
        (21, "需要调取档案", "days", "延长的期限应为1至20个工作日"),
        (-3, "需要调取档案", "days", "延长的期限应为1至20个工作日"),
        ("10", "需要调取档案", "days", "延长的期限应为1至20个工作日"),
        (10, "", "reason", "请填写延期理由"),
        (10, "   ", "reason", "请填写延期理由"),
        (10, "理由\x07", "reason", "控制字符"),
        (10, "长" * 501, "reason", "不能超过500个字"),
    ],
)
def test_an_extension_needs_1_to_20_days_and_a_reason(people, days, reason, field, words):
    application = new(people)
    with pytest.raises(ValidationError) as error:
        services.extend(application, days, reason, actor=people["leader"], now=at(WHEN))
    assert words in error.value.message_dict[field][0]
    assert fresh(application).extension_days == 0 and fresh(application).due_on == date(2026, 11, 30)


def test_twenty_days_is_the_longest_extension(people):
    application = services.extend(new(people), 20, "需要征求第三方意见", actor=people["leader"], now=at(WHEN))
    assert application.due_on == date(2026, 12, 28)


def test_no_extension_after_the_time_limit_ran_out(people):
    late = new(people)
    with pytest.raises(ApplicationStateError, match="答复期限已过"):
        services.extend(late, 5, "需要调取档案", actor=people["leader"], now=at("2026-12-01 09:00"))
    assert fresh(late).extension_days == 0
    last_day = services.extend(
        new(people), 5, "需要调取档案", actor=people["leader"], now=at("2026-11-30 17:00")
    )
    assert last_day.due_on == date(2026, 12, 7)


@pytest.mark.parametrize("answer", ["withhold", "unavailable", "not_processed"])
def test_an_answer_that_needs_a_ground_is_refused_without_one(people, answer):
    application = new(people)
    with pytest.raises(ValidationError) as error:
        draft(application, people["handler"], answer=answer, released=[])
    assert "须选择具体情形和法律依据" in error.value.message_dict["answer_ground"][0]
    assert fresh(application).state == State.SUBMITTED


def test_a_ground_that_does_not_belong_to_the_answer_is_refused(people):
    with pytest.raises(ValidationError) as error:
        draft(new(people), people["handler"], answer="withhold", ground="not_held", released=[])
    assert error.value.message_dict["answer_ground"] == ["“不予公开”没有这一具体情形。"]


def test_an_unknown_answer_is_refused(people):
    with pytest.raises(ValidationError) as error:
        draft(new(people), people["handler"], answer="<script>", released=[])
    assert error.value.message_dict["answer"] == ["请选择答复类型。"]


def test_not_held_needs_the_body_that_holds_it(people):
    application = new(people)
    with pytest.raises(ValidationError) as error:
        draft(
            application, people["handler"], answer="unavailable", ground="not_held", referral=" ", released=[]
        )
    assert "须告知申请人负责公开的机关及其联系方式" in error.value.message_dict["referral"][0]
    application = draft(
        application, people["handler"], answer="unavailable", ground="not_held",
        referral="宿迁市生态环境局（电话 0527-84350000）", released=[],
    )  # fmt: skip
    assert application.state == State.REVIEW and application.referral.startswith("宿迁市生态环境局")


@pytest.mark.parametrize("answer", ["disclose", "partial"])
def test_disclosing_online_or_by_email_needs_the_records(people, answer):
    online = new(people, delivery=Delivery.ONLINE)
    with pytest.raises(ValidationError) as error:
        draft(online, people["handler"], answer=answer, released=[])
    assert "请上传公开的政府信息" in error.value.message_dict["released"][0]
    assert fresh(online).state == State.SUBMITTED and not online.files.exists()
    paper = new(people, delivery=Delivery.PAPER)
    assert draft(paper, people["handler"], answer=answer, released=[]).state == State.REVIEW


def test_a_released_file_that_is_not_what_it_claims_is_refused(people):
    application = new(people)
    fake = SimpleUploadedFile("公开的信息.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容与其类型不符"):
        draft(application, people["handler"], released=[fake])
    assert fresh(application).state == State.SUBMITTED


def test_answer_text_is_required_and_plain(people):
    application = new(people)
    for text, words in (("", "请填写答复内容"), ("答复\x1b", "控制字符")):
        with pytest.raises(ValidationError) as error:
            draft(application, people["handler"], text=text)
        assert words in error.value.message_dict["answer_text"][0]
    assert fresh(application).state == State.SUBMITTED


def test_send_back_needs_a_note(people):
    application = _to_state(people, State.REVIEW)
    with pytest.raises(ValidationError) as error:
        services.send_back(application, "", actor=people["leader"], now=at(WHEN))
    assert error.value.message_dict["note"] == ["请填写退回意见。"]
    assert fresh(application).state == State.REVIEW


def test_abandon_uncorrected_closes_only_what_is_past_its_correction_date(people):
    handler = people["handler"]
    overdue = services.ask_correction(new(people), "请写明年份。", actor=handler, days=3, now=at(WHEN))
    waiting = services.ask_correction(new(people), "请写明年份。", actor=handler, days=10, now=at(WHEN))
    open_one = new(people)
    assert overdue.correction_due == date(2026, 11, 5)
    assert services.abandon_uncorrected(now=at("2026-11-05 23:00")) == 0  # the due day is still in time
    assert services.abandon_uncorrected(now=at("2026-11-06 08:00")) == 1
    overdue = fresh(overdue)
    assert overdue.state == State.ABANDONED
    assert (overdue.answer, overdue.answer_ground) == ("other", "no_correction")
    assert overdue.closed_at == at("2026-11-06 08:00")
    assert fresh(waiting).state == State.CORRECTION and fresh(open_one).state == State.SUBMITTED
    events = overdue.events.count()
    assert services.abandon_uncorrected(now=at("2026-11-07 08:00")) == 0  # run again: nothing changes
    assert fresh(overdue).closed_at == at("2026-11-06 08:00") and overdue.events.count() == events
    with pytest.raises(ApplicationStateError):
        services.submit_correction(overdue, "2025年。", now=at("2026-11-06 09:00"))


def test_level_follows_the_state(people):
    application = new(people)
    assert services.level(application, at("2026-12-01 09:00")) == Level.OVERDUE
    application = services.withdraw(application, now=at("2026-11-03 09:00"))
    assert services.level(application, at("2026-12-01 09:00")) == Level.NORMAL
