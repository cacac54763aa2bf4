"""附件1's two missing steps. A letter outside the website's remit is answered with the proper
channel (信访, 诉讼, 仲裁, another authority) in a reply made from data and reviewed like any reply;
improper content is removed from a published letter by a site administrator or the unit's leader, the
removed words kept for staff only, the public page and the search index showing "（部分内容已依规删除）"
instead."""

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.enums import Channel, Kind, Referral, State
from huimin.letters.models import Letter, LetterEvent
from huimin.search.models import SearchDocument
from huimin.search.sources import letter_key
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)
XSS = "<script>alert(1)</script>"
PHONE = "13912345678"
MARK = "（部分内容已依规删除）"


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"


@pytest.fixture
def water(demo):
    return OrgUnit.objects.get(name="宿迁市水利局")


@pytest.fixture
def accepted(water):
    """A complaint on the water bureau's site, dispatched to it and accepted by its handler."""
    site = Site.objects.get(hostname="slj.localhost")
    letter, _password = services.submit_letter(
        services.LetterData(
            site=site,
            kind=Kind.COMPLAINT,
            title="邻居占用楼道",
            content=f"我是张三，电话 {PHONE}，邻居长期占用楼道堆放杂物，请处理。",
            contact_name="张三",
            contact_phone=PHONE,
            may_publish=True,
            channel=Channel.HOTLINE,
        ),
        now=NOW,
    )
    services.dispatch(letter, water, actor=user("admin"), now=NOW)
    return services.accept(letter, actor=user("slj-handler"), now=NOW)


@pytest.fixture
def published(accepted):
    services.reply(
        accepted, "已联系社区处理，楼道已清理。经办人李四 13800001111。", actor=user("slj-handler"), now=NOW
    )
    return services.approve(accepted, actor=user("slj-leader"), publish=True, now=NOW)


# --- referral --------------------------------------------------------------------------------------


def test_every_channel_has_its_paragraph_in_the_data():
    channels = services.referral_texts()["channels"]
    assert set(channels) == set(Referral.values)
    for value, label in Referral.choices:
        assert channels[value]["name"] == label
        assert channels[value]["text"].strip()


def test_a_letter_outside_the_remit_is_answered_with_the_channel_and_reviewed_like_a_reply(accepted, water):
    letter = services.refer_elsewhere(
        accepted, Referral.LITIGATION, "可先向人民调解委员会申请调解。", actor=user("slj-handler"), now=NOW
    )
    data = services.referral_texts()
    assert letter.state == State.REPLIED  # where a normal reply goes: to review
    assert letter.referred_to == Referral.LITIGATION
    assert letter.reply_unit == water and letter.replied_at == NOW
    assert letter.reply.splitlines() == [
        data["opening"],
        data["channels"]["litigation"]["text"],
        data["note_prefix"] + "可先向人民调解委员会申请调解。",
        data["closing"],
    ]
    event = letter.events.get(action="refer")
    assert event.from_state == State.ACCEPTED and event.to_state == State.REPLIED
    assert event.note == "告知通过诉讼反映：可先向人民调解委员会申请调解。"
    approved = services.approve(letter, actor=user("slj-leader"), publish=True, now=NOW)
    assert approved.state == State.PUBLISHED


def test_without_a_note_the_reply_is_the_data_alone(accepted):
    letter = services.refer_elsewhere(accepted, Referral.PETITION, actor=user("slj-handler"), now=NOW)
    assert len(letter.reply.splitlines()) == 3
    assert "信访" in letter.reply and letter.events.get(action="refer").note == "告知通过信访反映"


def test_another_units_handler_and_a_bad_channel_are_refused(accepted):
    with pytest.raises(PermissionDenied, match="承办单位"):
        services.refer_elsewhere(accepted, Referral.PETITION, actor=user("jyj-handler"), now=NOW)
    with pytest.raises(ValidationError) as error:
        services.refer_elsewhere(accepted, "court", actor=user("slj-handler"), now=NOW)
    assert "请选择告知的渠道" in str(error.value)
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED and accepted.reply == "" and accepted.referred_to == ""


def test_only_an_accepted_letter_can_be_referred(published):
    with pytest.raises(services.LetterStateError):
        services.refer_elsewhere(published, Referral.PETITION, actor=user("slj-handler"), now=NOW)


def test_the_letter_page_refers_and_shows_the_note_escaped(client, accepted):
    client.force_login(user("slj-handler"))
    url = f"/admin/letters/{accepted.pk}/"
    page = soup(client.get(url).content)
    assert page.select_one("input[name=referral][value=arbitration]") is not None
    missing = client.post(url, {"action": "refer", "referral": ""})
    assert missing.status_code == 400 and "请选择告知的渠道。" in missing.content.decode()
    done = client.post(url, {"action": "refer", "referral": "arbitration", "note": XSS})
    assert done.status_code == 302
    accepted.refresh_from_db()
    assert accepted.state == State.REPLIED and accepted.referred_to == Referral.ARBITRATION
    html = client.get(url).content.decode()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "告知其他渠道" in html  # the step's label in 办理记录, and the fact


# --- redaction -------------------------------------------------------------------------------------


def test_the_leader_removes_personal_data_from_a_published_letter(client, published):
    letter = services.redact_published(
        published, "content", passage=PHONE, reason="含手机号码", actor=user("slj-leader"), now=NOW
    )
    assert PHONE not in letter.content
    assert letter.content == f"我是张三，电话 {MARK}，邻居长期占用楼道堆放杂物，请处理。"
    assert letter.state == State.PUBLISHED
    event = letter.events.get(action="redact")
    assert PHONE in event.note and "含手机号码" in event.note  # kept for staff
    public = client.get("/hudong/liuyan/gongkai/", HTTP_HOST="slj.localhost").content.decode()
    assert MARK in public and "邻居长期占用楼道" in public and "139****5678" not in public
    document = SearchDocument.objects.get(key=letter_key(letter.pk))
    assert PHONE not in document.body and "139****5678" not in document.body
    assert "依规删除" in document.body
    with pytest.raises(ValidationError, match="这段文字已经删除过了"):  # the mark itself is not removed
        services.redact_published(
            letter, "content", passage="依规", reason="误操作", actor=user("slj-leader")
        )


def test_a_span_of_the_reply_is_removed_by_the_site_administrator(published):
    start = published.reply.index("经办人")
    end = len(published.reply) - 1
    letter = services.redact_published(
        published,
        "reply",
        start=start,
        end=end,
        reason="经办人个人信息",
        actor=user("slj-siteadmin"),
        now=NOW,
    )
    assert letter.reply == f"已联系社区处理，楼道已清理。{MARK}。"
    assert "经办人李四 13800001111" in letter.events.get(action="redact").note


def test_handlers_other_units_and_empty_reasons_are_refused(published):
    for name in ("slj-handler", "jyj-leader", "jyj-handler", "jyj-siteadmin"):
        with pytest.raises(PermissionDenied):
            services.redact_published(
                published, "content", passage=PHONE, reason="含手机号码", actor=user(name), now=NOW
            )
    with pytest.raises(ValidationError) as error:
        services.redact_published(published, "content", passage=PHONE, reason="  ", actor=user("slj-leader"))
    assert "请填写删除理由。" in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.redact_published(
            published, "content", passage="不存在的话", reason="辱骂", actor=user("slj-leader")
        )
    assert "原文中没有找到" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.redact_published(
            published, "content", start=5, end=999, reason="辱骂", actor=user("slj-leader")
        )
    with pytest.raises(ValidationError):
        services.redact_published(
            published, "contact_phone", passage=PHONE, reason="x", actor=user("slj-leader")
        )
    published.refresh_from_db()
    assert PHONE in published.content
    assert not LetterEvent.objects.filter(letter=published, action="redact").exists()


def test_only_a_published_letter_is_redacted(accepted):
    with pytest.raises(services.LetterStateError):
        services.redact_published(
            accepted, "content", passage=PHONE, reason="含手机号码", actor=user("slj-leader"), now=NOW
        )


def test_the_letter_page_redacts_and_escapes_the_reason(client, published):
    url = f"/admin/letters/{published.pk}/"
    client.force_login(user("slj-handler"))
    assert soup(client.get(url).content).select_one("input[name=action][value=redact]") is None
    client.force_login(user("slj-leader"))
    page = soup(client.get(url).content)
    assert page.select_one("input[name=action][value=redact]") is not None
    empty = client.post(url, {"action": "redact", "field": "content", "passage": PHONE, "reason": ""})
    assert empty.status_code == 400 and "请填写删除理由。" in empty.content.decode()
    done = client.post(url, {"action": "redact", "field": "content", "passage": PHONE, "reason": XSS})
    assert done.status_code == 302
    html = client.get(url).content.decode()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "删除不当内容" in html
    assert Letter.objects.get(pk=published.pk).content.count(MARK) == 1
