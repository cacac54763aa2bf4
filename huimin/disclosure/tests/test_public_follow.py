"""Following an application at /zfxxgk/ysqgk/chaxun/: opening it with the query code and password (the same
answer for either wrong, throttled), what is shown in each state, the correction, the withdrawal, and the
downloads of the answer (only this browser's answered application, only reply letters and released files)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import Site

from huimin.disclosure import services
from huimin.disclosure.enums import FileRole, State
from huimin.disclosure.models import Application, ApplicationFile
from huimin.disclosure.tests.factories import VALID_ID_CARD, apply
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(demo_clock):
    """Applications are made and followed at the demo's now, not at whatever day the suite runs."""
    return demo_clock


HOST = "slj.localhost:8000"
FOLLOW = "/zfxxgk/ysqgk/chaxun/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = "<script>alert(1)</script>"


def _user(name: str):
    return get_user_model().objects.get(username=name)


def _application(**overrides):
    site = Site.objects.get(hostname="slj.localhost")
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    return apply(site, unit, timezone.now(), **overrides)


def _open(client, application, password):
    response = client.post(
        FOLLOW, {"step": "open", "code": application.query_code, "password": password}, HTTP_HOST=HOST
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"], HTTP_HOST=HOST)


def _answer(application, *, released=True):
    handler, leader = _user("slj-handler"), _user("slj-leader")
    services.register(application, actor=handler)
    files = [SimpleUploadedFile("批复文件.pdf", PDF, content_type="application/pdf")] if released else []
    services.draft_answer(
        application, actor=handler, answer="disclose", text=f"经查，现将所申请的信息提供给您。{XSS}",
        released=files,
    )  # fmt: skip
    services.sign_off(application, actor=leader)
    application.refresh_from_db()
    return application


def test_an_opened_application_shows_its_state_dates_and_nothing_personal(client, demo, demo_clock):
    application, password = _application(name="张三丰")
    response = _open(client, application, password)
    assert response.status_code == 200
    html = response.content.decode()
    assert application.query_code in html and "张**" in html and "张三丰" not in html
    assert VALID_ID_CARD not in html and application.phone not in html and application.email not in html
    assert application.description not in html
    assert (
        "待登记" in html
        and f"{application.received_on:%Y-%m-%d}" in html
        and f"{application.due_on:%Y-%m-%d}" in html
    )
    assert "收到申请" in html
    assert '<meta name="ColumnType" content="依法申请公开">' in html
    # The same address in another browser shows nothing but the query form.
    other = Client().get(f"{FOLLOW}?id={application.pk}", HTTP_HOST=HOST)
    assert (
        application.query_code not in other.content.decode()
        and "输入查询码和查询密码" in other.content.decode()
    )


def test_a_wrong_code_or_password_gets_the_same_answer_and_is_throttled(client, demo):
    application, password = _application()
    wrong_password = client.post(
        FOLLOW, {"step": "open", "code": application.query_code, "password": "000000"}, HTTP_HOST=HOST
    )
    wrong_code = client.post(
        FOLLOW, {"step": "open", "code": "GKNOSUCH1", "password": password}, HTTP_HOST=HOST
    )
    hostile = client.post(FOLLOW, {"step": "open", "code": f"{XSS}'--", "password": "x"}, HTTP_HOST=HOST)
    for response in (wrong_password, wrong_code):
        assert response.status_code == 400 and "查询码或查询密码不正确。" in response.content.decode()
    assert hostile.status_code == 400 and "<script>alert(1)" not in hostile.content.decode()
    with override_settings(HUIMIN_QUERY_FAILURES_PER_IP_HOUR=2):
        blocked = client.post(
            FOLLOW, {"step": "open", "code": application.query_code, "password": password}, HTTP_HOST=HOST
        )
    assert blocked.status_code == 429 and "查询错误次数过多" in blocked.content.decode()


def test_in_correction_the_clock_stops_and_the_correction_restarts_it(client, demo, demo_clock):
    application, password = _application()
    services.ask_correction(application, "请写明所需文件的年份和文号。", actor=_user("slj-handler"))
    page = _open(client, application, password)
    html = page.content.decode()
    assert "暂停计时，等待补正" in html and "请写明所需文件的年份和文号。" in html
    assert page.context["correction_form"] is not None
    upload = SimpleUploadedFile("补正.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"{FOLLOW}?id={application.pk}",
        {"step": "correct", "correction_text": f"2025年 宿水〔2025〕12号 {XSS}", "files": [upload]},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.PROCESSING and application.due_on is not None
    assert application.correction_text.endswith(XSS)  # stored as typed
    assert application.files.filter(role=FileRole.APPLICANT, name="补正.pdf").exists()
    html = client.get(response["Location"], HTTP_HOST=HOST).content.decode()
    assert "已收到您的补正" in html and f"答复期限重新计算至 {application.due_on:%Y-%m-%d}" in html
    assert "<script>alert(1)" not in html


def test_an_empty_or_hostile_correction_is_refused_in_chinese(client, demo, demo_clock):
    application, password = _application()
    services.ask_correction(application, "请补充。", actor=_user("slj-handler"))
    _open(client, application, password)
    empty = client.post(
        f"{FOLLOW}?id={application.pk}", {"step": "correct", "correction_text": ""}, HTTP_HOST=HOST
    )
    assert empty.status_code == 400 and "请填写此项。" in empty.content.decode()
    nul = client.post(
        f"{FOLLOW}?id={application.pk}", {"step": "correct", "correction_text": "补\x00正"}, HTTP_HOST=HOST
    )
    assert nul.status_code == 400 and "控制字符" in nul.content.decode()
    fake = SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")
    bad_file = client.post(
        f"{FOLLOW}?id={application.pk}", {"step": "correct", "correction_text": "补正内容", "files": [fake]},
        HTTP_HOST=HOST,
    )  # fmt: skip
    assert bad_file.status_code == 400 and "内容与其类型不符" in bad_file.content.decode()
    application.refresh_from_db()
    assert application.state == State.CORRECTION


def test_an_open_application_can_be_withdrawn_after_a_confirm_step(client, demo, demo_clock):
    application, password = _application()
    page = _open(client, application, password)
    assert "撤回申请" in page.content.decode()
    ask = client.post(f"{FOLLOW}?id={application.pk}", {"step": "withdraw_ask"}, HTTP_HOST=HOST)
    assert ask.status_code == 200 and "确认撤回申请" in ask.content.decode()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED  # asking is not withdrawing
    done = client.post(
        f"{FOLLOW}?id={application.pk}", {"step": "withdraw", "reason": "已从别处获得"}, HTTP_HOST=HOST
    )
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    html = client.get(done["Location"], HTTP_HOST=HOST).content.decode()
    assert "已撤回" in html and "确认撤回" not in html and "已从别处获得" in html
    again = client.post(f"{FOLLOW}?id={application.pk}", {"step": "withdraw"}, HTTP_HOST=HOST)
    assert again.status_code == 400 and "不能进行此操作" in again.content.decode()


def test_an_answered_application_shows_the_answer_and_its_downloads(client, demo, demo_clock):
    application, password = _application()
    _answer(application)
    html = _open(client, application, password).content.decode()
    assert "已答复" in html and "予以公开" in html and "经查，现将所申请的信息提供给您。" in html
    assert "&lt;script&gt;" in html and "<script>alert(1)" not in html
    downloads = application.files.filter(role__in=(FileRole.REPLY, FileRole.RELEASED))
    assert {f.role for f in downloads} == {FileRole.REPLY, FileRole.RELEASED}
    for item in downloads:
        assert f"/zfxxgk/ysqgk/chaxun/wenjian/{item.pk}/" in html
        response = client.get(f"/zfxxgk/ysqgk/chaxun/wenjian/{item.pk}/", HTTP_HOST=HOST)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert "撤回申请" not in html


def test_downloads_are_refused_for_other_applications_applicant_files_and_before_the_answer(
    client, demo, demo_clock
):
    mine, password = _application()
    upload = SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")
    theirs, _ = _application(attachments=[upload])
    _answer(mine)
    _answer(theirs)
    _open(client, mine, password)
    their_reply = theirs.files.filter(role=FileRole.REPLY).first()
    assert client.get(f"/zfxxgk/ysqgk/chaxun/wenjian/{their_reply.pk}/", HTTP_HOST=HOST).status_code == 404
    # The applicant's own uploads (an ID copy) are never offered for download here.
    their_id_copy = ApplicationFile.objects.get(application=theirs, role=FileRole.APPLICANT)
    assert client.get(f"/zfxxgk/ysqgk/chaxun/wenjian/{their_id_copy.pk}/", HTTP_HOST=HOST).status_code == 404
    # A draft's reply letter is not the applicant's before the reviewer signs it off.
    pending, pending_password = _application()
    handler = _user("slj-handler")
    services.draft_answer(pending, actor=handler, answer="disclose", text="拟办", released=[
        SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    ])  # fmt: skip
    page = _open(client, pending, pending_password)
    assert page.context["downloads"] == []
    for item in ApplicationFile.objects.filter(application=pending):
        assert client.get(f"/zfxxgk/ysqgk/chaxun/wenjian/{item.pk}/", HTTP_HOST=HOST).status_code == 404
    # A stranger's browser gets nothing at all.
    mine_reply = Application.objects.get(pk=mine.pk).files.filter(role=FileRole.REPLY).first()
    assert Client().get(f"/zfxxgk/ysqgk/chaxun/wenjian/{mine_reply.pk}/", HTTP_HOST=HOST).status_code == 404


def test_the_follow_forms_need_the_csrf_token(demo):
    application, password = _application()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        FOLLOW, {"step": "open", "code": application.query_code, "password": password}, HTTP_HOST=HOST
    )
    assert response.status_code == 403
