"""Units hear of letters dispatched to them and of deadlines drawing near (once each); writers hear of the
answer. Plain text only; a broken channel never stops the others or the letter."""

from datetime import datetime

import pytest
from django.core import mail
from django.test import override_settings
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.enums import Kind
from huimin.letters.services import LetterData
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.sites.services import assign_role
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Broken:
    def send(self, notice):
        raise ConnectionError("SMS gateway down")


@pytest.fixture
def desk(demo, django_user_model, django_capture_on_commit_callbacks):
    water = OrgUnit.objects.get(name="宿迁市水利局")
    handler = django_user_model.objects.create_user("mail-handler", email="handler@slj.example.cn")
    assign_role(
        handler, role=Role.MESSAGE_HANDLER, org_unit=water, site=Site.objects.get(hostname="127.0.0.1")
    )
    dispatcher = django_user_model.objects.create_superuser("mail-dispatcher", password="not-used-here")
    data = LetterData(
        site=Site.objects.get(hostname="127.0.0.1"), kind=Kind.COMPLAINT, title=f"河道{XSS}",
        content="请清理。", contact_name="张三", contact_phone="13800000000",
        contact_email="citizen@example.cn", may_publish=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        letter, _ = services.submit_letter(data, now=at("2026-11-23 09:00"))
    return {"letter": letter, "water": water, "handler": handler, "dispatcher": dispatcher}


def test_the_unit_is_told_of_a_dispatched_letter_in_plain_text(desk, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(desk["letter"], desk["water"], actor=desk["dispatcher"], now=at("2026-11-23 09:10"))
    assert [m.to for m in mail.outbox] == [["handler@slj.example.cn"]]
    message = mail.outbox[0]
    assert message.subject.startswith("【待签收】河道") and XSS in message.subject
    assert "2026-11-23 10:10 前签收" in message.body and not message.alternatives


def test_the_writer_is_told_of_the_answer(desk, django_capture_on_commit_callbacks):
    letter = desk["letter"]
    services.dispatch(letter, desk["water"], actor=desk["dispatcher"])
    services.accept(letter, actor=desk["handler"])
    services.reply(letter, "已清理完毕。", actor=desk["handler"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(letter, actor=desk["dispatcher"], publish=True)
    assert [m.to for m in mail.outbox] == [["citizen@example.cn"]]
    assert "已清理完毕" in mail.outbox[0].body and "13800000000" not in mail.outbox[0].body


def test_a_reminder_goes_out_once_per_deadline(desk, django_capture_on_commit_callbacks):
    letter = desk["letter"]
    services.dispatch(letter, desk["water"], actor=desk["dispatcher"], now=at("2026-11-23 09:10"))
    services.accept(letter, actor=desk["handler"], now=at("2026-11-23 09:20"))
    services.send_reminders(now=at("2026-11-25 09:00"))  # the demo's letters; this one is at 40 %
    reminders = letter.events.filter(action="remind")
    assert not reminders.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=at("2026-11-27 11:00")) == 1  # past 80 %
        assert services.send_reminders(now=at("2026-11-27 11:30")) == 0  # already reminded
    assert [(m.to, m.subject[:6]) for m in mail.outbox] == [(["handler@slj.example.cn"], "【即将超期】")]
    services.extend(letter, 3, "现场勘查", actor=desk["dispatcher"])  # a new deadline may be reminded again
    services.send_reminders(now=at("2026-12-02 16:00"))
    assert reminders.count() == 2


@override_settings(
    HUIMIN_LETTER_NOTIFIERS=[
        "huimin.letters.tests.test_notifications.Broken",
        "huimin.letters.notify.EmailChannel",
    ]
)
def test_a_broken_channel_does_not_stop_the_others_or_the_letter(
    desk, django_capture_on_commit_callbacks, caplog
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(desk["letter"], desk["water"], actor=desk["dispatcher"])
    assert len(mail.outbox) == 1
    assert "Notification through Broken failed" in caplog.text
    desk["letter"].refresh_from_db()
    assert desk["letter"].state == "dispatched"


def test_the_reminder_command_reports_what_it_did(desk):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("letters-remind", "--json", stdout=out)
    assert isinstance(json.loads(out.getvalue())["reminded"], int)
