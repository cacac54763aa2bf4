"""Every step of an application leaves one `ApplicationEvent` (what the applicant and the staff see) and one
entry in Wagtail's audit log with its `huimin_disclosure.*` action and the person who did it; a refused step
leaves nothing. Notices go by e-mail, in plain text, once the step is committed: to the unit's staff for a
new application, a correction received and a reminder; to the applicant for a correction asked, an
extension and the answer."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from huimin.disclosure import services
from huimin.disclosure.enums import Delivery, State
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import APPLICANT_EMAIL, VALID_ID_CARD, apply, at, unit_people

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def people(demo, django_user_model):
    return unit_people(django_user_model)


def staff_addresses(people) -> list[str]:
    return sorted(people[key].email for key in ("handler", "leader", "second_leader"))


def entries(application) -> list[tuple[str, int | None, dict]]:
    return list(
        ModelLogEntry.objects.filter(object_id=str(application.pk), content_type__model="application")
        .order_by("pk")
        .values_list("action", "user_id", "data")
    )


class Recorder:
    """Runs a step and checks it left exactly one event and one audit entry, and what mail it sent."""

    def __init__(self, capture):
        self.capture = capture

    def __call__(self, application, step, action, user, *, from_state, to_state):
        events = application.events.count() if application else 0
        logged = len(entries(application)) if application else 0
        mail.outbox.clear()
        with self.capture(execute=True):
            result = step()
        application = result[0] if isinstance(result, tuple) else result
        assert application.events.count() == events + 1
        event = application.events.last()
        assert (event.action, event.from_state, event.to_state) == (action, from_state, to_state)
        assert event.actor_id == (user.pk if user else None)
        found = entries(application)
        assert len(found) == logged + 1
        name, user_id, data = found[-1]
        assert name == f"huimin_disclosure.{action}"
        assert user_id == (user.pk if user else None)
        assert data["status"] == to_state and data.get("from", "") == from_state
        return result, list(mail.outbox)


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    return Recorder(django_capture_on_commit_callbacks)


def test_every_step_is_recorded_once_and_tells_whom_it_concerns(people, record):
    handler, leader = people["handler"], people["leader"]
    (application, _), sent = record(
        None,
        lambda: apply(people["site"], people["unit"], at("2026-11-02 09:00"), name=f"张三{XSS}"),
        "submit",
        None,
        from_state="",
        to_state=State.SUBMITTED,
    )
    assert application.events.get().actor_label == "申请人"
    assert [message.to for message in sent] == [staff_addresses(people)]  # not the editor, not another unit
    assert sent[0].subject == f"【依申请公开】收到新的申请 {application.query_code}"
    assert "收到申请日期为 2026-11-02" in sent[0].body and "请于 2026-11-30 前答复" in sent[0].body
    assert VALID_ID_CARD not in sent[0].body and "张三" not in sent[0].body  # no personal data in mail

    application, sent = record(
        application,
        lambda: services.register(application, actor=handler, now=at("2026-11-02 10:00")),
        "register",
        handler,
        from_state=State.SUBMITTED,
        to_state=State.PROCESSING,
    )
    assert sent == []

    application, sent = record(
        application,
        lambda: services.ask_correction(
            application, f"请写明文号{XSS}", actor=handler, now=at("2026-11-03 10:00")
        ),
        "ask_correction",
        handler,
        from_state=State.PROCESSING,
        to_state=State.CORRECTION,
    )
    assert [message.to for message in sent] == [[APPLICANT_EMAIL]]
    assert sent[0].subject == f"请补正您的政府信息公开申请（{application.query_code}）"
    assert f"请写明文号{XSS}" in sent[0].body and "2026-11-24" in sent[0].body
    assert sent[0].alternatives == []  # plain text only: the words are never HTML
    assert application.events.last().public_note == f"请于 2026-11-24 前补正：请写明文号{XSS}"

    application, sent = record(
        application,
        lambda: services.submit_correction(application, "宿水复〔2025〕12号", now=at("2026-11-05 09:00")),
        "correct",
        None,
        from_state=State.CORRECTION,
        to_state=State.PROCESSING,
    )
    assert [message.to for message in sent] == [staff_addresses(people)]
    assert "请于 2026-12-03 前答复" in sent[0].body

    application, sent = record(
        application,
        lambda: services.extend(
            application, 10, "需要征求第三方意见", actor=leader, now=at("2026-11-20 10:00")
        ),
        "extend",
        leader,
        from_state=State.PROCESSING,
        to_state=State.PROCESSING,
    )
    assert [message.to for message in sent] == [[APPLICANT_EMAIL]]
    assert sent[0].subject == f"政府信息公开申请答复期限延长告知（{application.query_code}）"
    assert "因需要征求第三方意见" in sent[0].body and "延长10个工作日，至 2026-12-17" in sent[0].body

    upload = SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf")
    application, sent = record(
        application,
        lambda: services.draft_answer(
            application,
            actor=handler,
            answer="disclose",
            text="现予公开。",
            released=[upload],
            now=at("2026-12-01 10:00"),
        ),
        "draft",
        handler,
        from_state=State.PROCESSING,
        to_state=State.REVIEW,
    )
    assert sent == []
    assert application.events.last().public_note == ""  # the draft is the unit's own business

    application, sent = record(
        application,
        lambda: services.send_back(application, "请补充说明。", actor=leader, now=at("2026-12-02 09:00")),
        "send_back",
        leader,
        from_state=State.REVIEW,
        to_state=State.PROCESSING,
    )
    assert sent == [] and application.events.last().note == "请补充说明。"

    application, _ = record(
        application,
        lambda: services.draft_answer(
            application, actor=handler, answer="disclose", text="现予公开。", now=at("2026-12-02 10:00")
        ),
        "draft",
        handler,
        from_state=State.PROCESSING,
        to_state=State.REVIEW,
    )
    application, sent = record(
        application,
        lambda: services.sign_off(application, actor=leader, now=at("2026-12-03 10:00")),
        "sign_off",
        leader,
        from_state=State.REVIEW,
        to_state=State.ANSWERED,
    )
    assert [message.to for message in sent] == [[APPLICANT_EMAIL]]
    assert sent[0].subject == f"您的政府信息公开申请已答复（{application.query_code}）"
    assert "予以公开" in sent[0].body
    assert application.events.last().public_note == "已答复：予以公开"

    actions = [name for name, _, _ in entries(application)]
    assert actions == [
        "huimin_disclosure.submit", "huimin_disclosure.register", "huimin_disclosure.ask_correction",
        "huimin_disclosure.correct", "huimin_disclosure.extend", "huimin_disclosure.draft",
        "huimin_disclosure.send_back", "huimin_disclosure.draft", "huimin_disclosure.sign_off",
    ]  # fmt: skip


def test_withdrawal_and_abandonment_are_recorded_as_the_applicant_and_the_system(people, record):
    withdrawn, _ = apply(people["site"], people["unit"], at("2026-11-02 09:00"))
    _, sent = record(
        withdrawn,
        lambda: services.withdraw(withdrawn, "不再需要", now=at("2026-11-03 09:00")),
        "withdraw",
        None,
        from_state=State.SUBMITTED,
        to_state=State.WITHDRAWN,
    )
    assert sent == [] and withdrawn.events.last().actor_label == "申请人"

    waiting, _ = apply(people["site"], people["unit"], at("2026-11-02 09:00"))
    services.ask_correction(
        waiting, "请写明年份。", actor=people["handler"], days=3, now=at("2026-11-02 10:00")
    )
    record(
        waiting,
        lambda: (services.abandon_uncorrected(now=at("2026-11-06 09:00")), waiting)[1],
        "abandon",
        None,
        from_state=State.CORRECTION,
        to_state=State.ABANDONED,
    )
    assert waiting.events.last().actor_label == "系统"
    assert waiting.events.last().public_note == "申请人无正当理由逾期不补正，视为放弃申请"


def test_a_refused_step_leaves_no_trace(people, django_capture_on_commit_callbacks):
    application, _ = apply(people["site"], people["unit"], at("2026-11-02 09:00"))
    before = (application.events.count(), len(entries(application)))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            services.register(application, actor=people["stranger"], now=at("2026-11-02 10:00"))
        with pytest.raises(PermissionDenied):
            services.extend(application, 5, "理由", actor=people["handler"], now=at("2026-11-02 10:00"))
        with pytest.raises(ValidationError):
            services.extend(application, 25, "理由", actor=people["leader"], now=at("2026-11-02 10:00"))
        with pytest.raises(ValidationError):
            services.ask_correction(application, "", actor=people["handler"], now=at("2026-11-02 10:00"))
        with pytest.raises(services.ApplicationStateError):
            services.sign_off(application, actor=people["leader"], now=at("2026-11-02 10:00"))
    assert (application.events.count(), len(entries(application))) == before
    assert mail.outbox == []
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


def test_no_mail_to_an_applicant_without_an_address(people, django_capture_on_commit_callbacks):
    application, _ = apply(
        people["site"], people["unit"], at("2026-11-02 09:00"), email="", delivery=Delivery.PAPER
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_correction(
            application, "请写明年份。", actor=people["handler"], now=at("2026-11-02 10:00")
        )
    assert mail.outbox == []
    assert application.events.last().action == "ask_correction"


def test_reminders_go_to_the_unit_once_per_level(people, django_capture_on_commit_callbacks):
    application, _ = apply(people["site"], people["unit"], at("2026-11-02 09:00"))  # due 2026-11-30
    mail.outbox.clear()
    ours = lambda: [m for m in mail.outbox if application.query_code in m.subject]  # noqa: E731
    with django_capture_on_commit_callbacks(execute=True):
        services.remind(now=at("2026-11-23 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.remind(now=at("2026-11-23 09:30"))
    assert [(m.subject, m.to) for m in ours()] == [
        (f"【依申请公开即将到期】{application.query_code}", staff_addresses(people))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.remind(now=at("2026-12-01 09:00"))
        services.remind(now=at("2026-12-01 09:00"))
    assert [m.subject for m in ours()][1:] == [f"【依申请公开已超过答复期限】{application.query_code}"]
    reminders = [(name, user, data) for name, user, data in entries(application) if name.endswith("remind")]
    assert reminders == [
        ("huimin_disclosure.remind", None, {"status": "warning"}),
        ("huimin_disclosure.remind", None, {"status": "overdue"}),
    ]
    assert application.events.count() == 1  # reminders are not steps of the application


def test_every_action_has_a_chinese_label_in_the_audit_log():
    for action, (label, _) in services.LOG_ACTIONS.items():
        assert registry.get_action_label(action) == label
        assert all("\u4e00" <= ch <= "\u9fff" for ch in label)
