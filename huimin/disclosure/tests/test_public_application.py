"""The public application form at /zfxxgk/ysqgk/: form, review, confirm, result; the service's rules shown per
field in Chinese; uploads kept across 返回修改; hostile input stored inert and shown escaped."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image
from wagtail.models import Site

from huimin.core import human_check
from huimin.disclosure import services
from huimin.disclosure.enums import State
from huimin.disclosure.models import Application, ApplicationFile
from huimin.disclosure.tests.factories import VALID_CREDIT_CODE, VALID_ID_CARD
from huimin.sites.models import OrgUnit, SiteIdentity

pytestmark = pytest.mark.django_db

HOST = "slj.localhost:8000"
FORM = "/zfxxgk/ysqgk/"
CONFIRM = "/zfxxgk/ysqgk/queren/"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE huimin_disclosure_application; --"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _values(**overrides) -> dict:
    question = human_check.new_question()
    unit = SiteIdentity.objects.get(site__hostname="slj.localhost").org_unit
    values = {
        "applicant_type": "citizen",
        "name": "张三",
        "org_kind": "",
        "contact_person": "",
        "id_type": "id_card",
        "id_number": VALID_ID_CARD,
        "phone": "13912345678",
        "email": "zhang@example.com",
        "address": "宿迁市宿城区幸福路1号",
        "postcode": "223800",
        "description": "2025年度古黄河堤防加固工程的环境影响评价批复文件",
        "purpose": "",
        "delivery": "email",
        "unit": str(unit.pk),
        "website": "",
        human_check.FIELD_TOKEN: question.token,
        human_check.FIELD_ANSWER: str(question.answer),
    }
    values.update(overrides)
    return values


def _review(client, **overrides):
    return client.post(FORM, _values(**overrides), HTTP_HOST=HOST)


def _count() -> int:
    return Application.objects.count()


def _token(response) -> str:
    return response.context["pending"]["token"]


def _submit(client, **overrides):
    review = _review(client, **overrides)
    assert review.status_code == 200, review.context["form"].errors if "form" in review.context else review
    return client.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)


def test_the_form_offers_the_sites_units_with_its_own_unit_first(client, demo):
    response = client.get(FORM, HTTP_HOST=HOST)
    assert response.status_code == 200
    form = response.context["form"]
    unit = SiteIdentity.objects.get(site__hostname="slj.localhost").org_unit
    assert form.initial["unit"] == unit.pk
    assert next(pk for pk, _ in form.fields["unit"].choices) == unit.pk
    assert "宿迁市教育局" not in [name for _, name in form.fields["unit"].choices]
    html = response.content.decode()
    assert '<meta name="ColumnType" content="依法申请公开">' in html
    assert "验证问题" in html and 'enctype="multipart/form-data"' in html
    for label in ("申请人类型", "证件号码", "所需信息的内容描述", "获取信息的方式", "申请的行政机关"):
        assert label in html
    # On the portal every unit of the group may be chosen.
    portal = client.get(FORM, HTTP_HOST="127.0.0.1:8000").context["form"]
    assert len(portal.fields["unit"].choices) == OrgUnit.objects.count()


def test_an_application_is_reviewed_then_submitted_and_the_password_shown_once(client, demo):
    before = _count()
    review = _review(client)
    assert review.status_code == 200
    html = review.content.decode()
    assert "请核对您的申请" in html
    assert VALID_ID_CARD not in html and "3213**********1234" in html  # the ID number masked
    assert _count() == before  # nothing submitted yet
    result = client.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)
    assert result.status_code == 200
    application = result.context["application"]
    assert _count() == before + 1
    password = result.context["password"]
    assert len(password) == 6 and password.isdigit()
    assert check_password(password, application.query_password)
    html = result.content.decode()
    assert application.query_code in html and password in html
    assert "不会再次显示" in html
    assert (
        f"{application.received_on:%Y年}{application.received_on.month}月{application.received_on.day}日"
        in html
    )
    assert f"{application.due_on.month}月{application.due_on.day}日前" in html
    assert application.site == Site.objects.get(hostname="slj.localhost")
    assert application.state == State.SUBMITTED and application.id_number == VALID_ID_CARD
    assert services.check_query(application.query_code, password) == application
    # Confirming again (a double click): the same application, once, no second one.
    again = client.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)
    assert "已经提交过" in again.content.decode() and _count() == before + 1


def test_an_organisation_must_give_its_kind_and_contact_person(client, demo):
    response = _review(
        client, applicant_type="organisation", id_type="credit_code", id_number=VALID_CREDIT_CODE
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["org_kind"] == ["请选择组织类别。"]
    assert errors["contact_person"] == ["法人或其他组织请填写联系人。"]
    result = _submit(
        client, applicant_type="organisation", id_type="credit_code", id_number=VALID_CREDIT_CODE,
        org_kind="business", contact_person="王五", name="宿迁市示例建设有限公司",
    )  # fmt: skip
    assert result.status_code == 200
    assert result.context["application"].org_kind == "business"


def test_missing_fields_give_chinese_errors_with_a_summary_and_keep_what_was_typed(client, demo):
    response = _review(client, name="", phone="", description="短", delivery="paper", address="", unit="")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "请填写此项。" in errors["name"]
    assert "请填写此项。" in errors["phone"]
    assert "至少5个字" in errors["description"][0]
    assert errors["address"] == ["选择纸质获取的，请填写通信地址。"]
    assert "unit" in errors
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_name"' in html
    assert (
        'aria-describedby="id_address_helptext id_address_error"' in html or 'id="id_address_error"' in html
    )
    assert "zhang@example.com" in html  # what was typed is kept
    assert html.lstrip().find("<title>错误：") != -1


def test_a_wrong_id_checksum_and_an_id_type_not_for_the_applicant_are_refused(client, demo):
    before = _count()
    response = _review(client, id_number="321302199001011235")
    assert "校验码" in response.context["form"].errors["id_number"][0]
    response = _review(client, id_type="credit_code", id_number=VALID_CREDIT_CODE)
    assert response.context["form"].errors["id_type"] == ["请选择与申请人类型相符的证件类型。"]
    response = _review(client, id_type="no-such-type")
    assert response.context["form"].errors["id_type"] == ["请从列表中选择。"]
    response = _review(client, unit="999999")
    assert response.context["form"].errors["unit"] == ["请从列表中选择。"]
    assert _count() == before


def test_nul_and_control_characters_are_refused(client, demo):
    response = _review(client, description="需要某某文件\x00的全文", purpose="用途\x07")
    errors = response.context["form"].errors
    assert "控制字符" in " ".join(errors.get("description", []) + errors.get("purpose", []))
    assert response.status_code == 400


def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, demo):
    review = _review(client, name=XSS[:60], description=f"{XSS} {SQL}", purpose=SQL, address=XSS)
    assert review.status_code == 200
    html = review.content.decode()
    assert "<script>alert" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html
    result = client.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)
    application = result.context["application"]
    assert application.description == f"{XSS} {SQL}" and application.purpose == SQL
    assert Application.objects.filter(purpose=SQL).count() == 1  # the table is still there


def test_the_human_check_and_the_hidden_field_stop_robots(client, demo):
    before = _count()
    response = _review(client, **{human_check.FIELD_ANSWER: "99"})
    assert response.status_code == 400 and "验证问题回答不正确" in response.content.decode()
    response = _review(client, website="http://spam.example")
    assert response.status_code == 400 and "huimin_disclosure_pending" not in client.session
    assert _count() == before


def test_a_post_without_the_csrf_token_is_refused(demo):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, _values(), HTTP_HOST=HOST).status_code == 403
    assert strict.post(CONFIRM, {"pending": "x", "action": "confirm"}, HTTP_HOST=HOST).status_code == 403


def test_an_id_copy_is_kept_across_going_back_and_submitted_with_the_application(client, demo):
    upload = SimpleUploadedFile("身份证复印件.png", _png(), content_type="image/png")
    review = _review(client, attachments=[upload])
    assert review.status_code == 200 and "身份证复印件.png" in review.content.decode()
    back = client.post(CONFIRM, {"pending": _token(review), "action": "back"}, HTTP_HOST=HOST)
    assert back.status_code == 200
    form = back.context["form"]
    assert "remove_files" in form.fields and "human_answer" not in form.fields  # not asked again
    assert "删除“身份证复印件.png”" in back.content.decode()
    values = _values(pending=_token(review), description="修改后的描述：2025年防汛抗旱应急预案全文")
    del values[human_check.FIELD_TOKEN], values[human_check.FIELD_ANSWER]
    second = client.post(FORM, values, HTTP_HOST=HOST)
    assert second.status_code == 200 and "身份证复印件.png" in second.content.decode()
    result = client.post(CONFIRM, {"pending": _token(second), "action": "confirm"}, HTTP_HOST=HOST)
    application = result.context["application"]
    assert application.description.startswith("修改后的描述")
    (stored,) = ApplicationFile.objects.filter(application=application)
    assert stored.name == "身份证复印件.png" and stored.role == "applicant" and stored.kind == "png"


def test_a_kept_file_can_be_removed_before_submitting(client, demo):
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    review = _review(client, attachments=[upload])
    values = _values(pending=_token(review), remove_files=["0"])
    del values[human_check.FIELD_TOKEN], values[human_check.FIELD_ANSWER]
    second = client.post(FORM, values, HTTP_HOST=HOST)
    assert second.context["pending"]["files"] == []
    result = client.post(CONFIRM, {"pending": _token(second), "action": "confirm"}, HTTP_HOST=HOST)
    assert not ApplicationFile.objects.filter(application=result.context["application"]).exists()


def test_a_file_whose_content_does_not_match_its_name_is_refused(client, demo):
    fake = SimpleUploadedFile("身份证.pdf", _png(), content_type="application/pdf")
    response = _review(client, attachments=[fake])
    assert response.status_code == 400
    assert "内容与其类型不符" in " ".join(response.context["form"].errors["attachments"])
    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    response = _review(client, attachments=[script])
    assert "不支持" in " ".join(response.context["form"].errors["attachments"])


@override_settings(HUIMIN_LETTER_ATTACHMENT_MAX_MB=1)
def test_an_oversized_file_is_refused(client, demo):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    response = _review(client, attachments=[big])
    assert response.status_code == 400
    assert "超过 1 MB" in " ".join(response.context["form"].errors["attachments"])


def test_a_file_named_in_gbk_is_accepted_with_a_clean_name(client, demo):
    # The name as a browser sending GBK bytes would have it read: mojibake, never a crash.
    garbled = "身份证复印件".encode("gbk").decode("latin-1") + ".pdf"
    review = _review(client, attachments=[SimpleUploadedFile(garbled, PDF, content_type="application/pdf")])
    assert review.status_code == 200
    result = client.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)
    stored = ApplicationFile.objects.get(application=result.context["application"])
    assert stored.name.endswith(".pdf") and all(c.isprintable() for c in stored.name)


def test_a_confirm_from_another_browser_or_with_a_wrong_token_submits_nothing(client, demo):
    before = _count()
    review = _review(client)
    other = Client()
    response = other.post(CONFIRM, {"pending": _token(review), "action": "confirm"}, HTTP_HOST=HOST)
    assert "核对信息已失效" in response.content.decode()
    response = client.post(CONFIRM, {"pending": "forged", "action": "confirm"}, HTTP_HOST=HOST)
    assert "核对信息已失效" in response.content.decode()
    assert _count() == before
    assert client.get(CONFIRM, HTTP_HOST=HOST).status_code == 302
