"""The public forms tell what is wrong and where (an error summary linking each invalid field, errors and
hints tied to their controls), and a letter is reviewed before it is final: shown back with every value,
changed with nothing lost, confirmed once, and refused when confirmed from another browser or too late."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huimin.core import human_check
from huimin.letters import attachments
from huimin.letters.models import Attachment, Letter
from huimin.letters.tests.test_attachments import PDF, png
from huimin.letters.tests.test_public_pages import FOLLOW, VALID, WRITE, solved
from huimin.letters.views import DONE_KEY, PENDING_KEY
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db
CONFIRM = "/hudong/liuyan/queren/"
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"


def write(client, *files, **changes):
    return client.post(WRITE, {**VALID, **solved(), "attachments": list(files), **changes})


def press(client, review, action="confirm"):
    """Press a button of the review page, sending what its form sends."""
    form = soup(review.content).select_one("form.review-actions")
    fields = {i["name"]: i["value"] for i in form.find_all("input", attrs={"type": "hidden"})}
    assert form["action"].startswith(CONFIRM)
    return client.post(CONFIRM, {**fields, "action": action})


def pending_paths(client) -> list[str]:
    return [f["path"] for f in client.session.get(PENDING_KEY, {}).get("files", [])]


def form_values(form) -> dict:
    """What a browser would send for the form as shown (no file chosen)."""
    values = {}
    for control in form.select("input[name], select[name], textarea[name]"):
        name, kind = control["name"], control.get("type", "")
        if control.name == "select":
            chosen = control.find("option", selected=True) or control.find("option")
            values[name] = chosen.get("value", "")
        elif control.name == "textarea":
            values[name] = control.get_text().lstrip("\n")
        elif kind in ("checkbox", "radio"):
            if control.has_attr("checked"):
                values.setdefault(name, []).append(control.get("value", "on"))
        elif kind != "file":
            values[name] = control.get("value", "")
    return values


def values_shown(response) -> dict[str, str]:
    """The review page's list: each term with its value as read."""
    items = soup(response.content).select(".review-list > div")
    return {i.dt.get_text(strip=True): i.dd.get_text(" ", strip=True) for i in items}


def test_the_error_summary_links_each_invalid_field_to_its_control(client):
    response = write(client, title="", contact_phone="12345", **{human_check.FIELD_ANSWER: ""})
    assert response.status_code == 400
    document = soup(response.content)
    form = document.select_one("form.letter-form")
    assert form["action"].endswith("#error-summary")
    summary = form.select_one("#error-summary")
    assert summary is form.find(True, recursive=False)  # the first thing in the form
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert summary.find(re.compile("^h[2-6]$")).get_text() == "提交未成功，请更正以下 3 处问题："
    links = {a["href"]: a.get_text() for a in summary.select("li a")}
    assert set(links) == {"#id_title", "#id_contact_phone", "#id_human_answer"}
    assert links["#id_title"] == "标题：请填写此项。"
    assert links["#id_contact_phone"] == "手机号码：请输入 11 位手机号码。"
    assert "请回答验证问题" in links["#id_human_answer"]
    for href in links:
        control = document.find(id=href[1:])
        assert control.name in ("input", "textarea", "select") and control["aria-invalid"] == "true"
    assert document.title.get_text().startswith("错误：")


def test_invalid_fields_name_their_error_and_hint_which_exist_in_the_page(client):
    document = soup(write(client, content="", contact_phone="abc", contact_email="not-an-email").content)
    invalid = document.select('form.letter-form [aria-invalid="true"]')
    assert {c["name"] for c in invalid} == {"content", "contact_phone", "contact_email"}
    for control in invalid:
        ids = control["aria-describedby"].split()
        error = document.find(id=f"{control['id']}_error")
        assert error is not None and f"{control['id']}_error" in ids
        assert re.search("[\u4e00-\u9fff]", error.get_text())
        for described in ids:
            assert document.find(id=described) is not None, described
    phone = document.find(attrs={"name": "contact_phone"})
    assert "id_contact_phone_helptext" in phone["aria-describedby"].split()
    assert document.find(id="id_contact_phone_helptext").get_text() == "仅用于办理，不会公开。"
    title = document.find(attrs={"name": "title"})  # valid: no error named, still labelled
    assert "aria-invalid" not in title.attrs and title["value"] == VALID["title"]


def test_every_field_has_a_label_and_required_ones_say_so_in_words(client):
    document = soup(client.get(WRITE).content)
    form = document.select_one("form.letter-form")
    controls = form.select("input:not([type=hidden]), select, textarea")
    assert len(controls) >= 10
    for control in controls:
        label = form.find("label", attrs={"for": control["id"]})
        assert label is not None, control["name"]
        if control.has_attr("required") or control.get("aria-required") == "true":
            assert "（必填）" in label.get_text(), label.get_text()
    for name in ("kind", "title", "content", "contact_name", "contact_phone", human_check.FIELD_ANSWER):
        assert "（必填）" in form.find("label", attrs={"for": f"id_{name}"}).get_text(), name
    for name in ("chosen_unit", "contact_email", "attachments", "may_publish"):
        assert "（必填）" not in form.find("label", attrs={"for": f"id_{name}"}).get_text(), name


def test_the_human_check_hint_says_how_long_it_is_valid_and_how_to_answer(client):
    document = soup(client.get(WRITE).content)
    answer = document.find(attrs={"name": human_check.FIELD_ANSWER})
    hint = document.find(id=answer["aria-describedby"]).get_text()
    assert f"{human_check.MAX_AGE // 3600} 小时内有效" in hint
    assert "阿拉伯数字" in hint and "汉字" in hint
    assert human_check._number("八") == 8  # what the hint promises is what is accepted


def test_a_valid_form_is_shown_for_review_escaped_and_nothing_is_stored_yet(client):
    before = Letter.objects.count()
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    response = write(
        client,
        SimpleUploadedFile("现场照片.png", png(), content_type="image/png"),
        title=XSS,
        content=f"第一行{XSS}\n第二行",
        chosen_unit=str(unit.pk),
        contact_email="zhang@example.cn",
    )
    assert response.status_code == 200
    html = response.content.decode()
    document = soup(html)
    assert document.h1.get_text() == "请核对您的留言"
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    shown = values_shown(response)
    assert shown["留言类型"] == "投诉" and shown["留言对象"] == "宿迁市水利局"
    assert shown["标题"] == XSS and shown["内容"] == f"第一行{XSS} 第二行"
    assert shown["姓名"] == "张三" and shown["电子邮箱"] == "zhang@example.cn"
    assert shown["手机号码"].startswith("138****0000") and "13800000000" not in html
    assert shown["是否公开"].startswith("同意在网站公开")
    assert re.fullmatch(r"现场照片\.png（[0-9.]+\s*(字节|KB|bytes)）", shown["附件"])
    buttons = [b.get_text() for b in document.select("form.review-actions button")]
    assert buttons == ["返回修改", "确认提交"]
    assert Letter.objects.count() == before
    [path] = pending_paths(client)
    assert path.startswith("pending/") and attachments.storage().exists(path)


def test_going_back_restores_every_value_and_keeps_the_attachment(client):
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    review = write(
        client,
        SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"),
        chosen_unit=str(unit.pk),
        contact_email="zhang@example.cn",
    )
    back = press(client, review, "back")
    assert back.status_code == 200
    form = soup(back.content).select_one("form.letter-form")
    assert form.find("select", attrs={"name": "kind"}).find("option", selected=True)["value"] == "complaint"
    chosen = form.find("select", attrs={"name": "chosen_unit"}).find("option", selected=True)
    assert chosen["value"] == str(unit.pk)
    for name in ("title", "contact_name", "contact_phone"):
        assert form.find("input", attrs={"name": name})["value"] == VALID[name], name
    assert form.find("input", attrs={"name": "contact_email"})["value"] == "zhang@example.cn"
    assert form.find("textarea", attrs={"name": "content"}).get_text().strip() == VALID["content"]
    assert form.find("input", attrs={"name": "may_publish"}).has_attr("checked")
    remove = form.find("input", attrs={"name": "remove_files"})
    assert "说明.pdf" in form.find("label", attrs={"for": remove["id"]}).get_text()
    assert form.find(attrs={"name": human_check.FIELD_ANSWER}) is None  # answered once, not again
    # Change the title only, as a browser sends the form shown; the file stays and goes with the letter.
    changed = client.post(WRITE, {**form_values(form), "title": "改过的标题"})
    assert changed.status_code == 200 and values_shown(changed)["标题"] == "改过的标题"
    assert values_shown(changed)["附件"].startswith("说明.pdf")
    done = press(client, changed)
    letter = Letter.objects.get(query_code=soup(done.content).select(".code")[0].get_text())
    assert letter.title == "改过的标题" and letter.chosen_unit == unit
    assert (letter.kind, letter.content, letter.contact_name) == ("complaint", VALID["content"], "张三")
    assert (letter.contact_phone, letter.contact_email) == ("13800000000", "zhang@example.cn")
    assert letter.may_publish
    assert [(a.name, a.kind) for a in letter.attachments.all()] == [("说明.pdf", "pdf")]


def test_a_kept_file_ticked_for_removal_is_deleted(client):
    review = write(client, SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"))
    [path] = pending_paths(client)
    form = soup(press(client, review, "back").content).select_one("form.letter-form")
    again = client.post(WRITE, {**form_values(form), "remove_files": ["0"]})
    assert again.status_code == 200 and values_shown(again)["附件"] == "无"
    assert not attachments.storage().exists(path)
    letter = Letter.objects.get(query_code=soup(press(client, again).content).select(".code")[0].get_text())
    assert not letter.attachments.exists()


def test_kept_and_new_files_together_stay_within_the_limit(client):
    def pdf(*names):
        return [SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf") for n in names]

    review = write(client, *pdf("一", "二"))
    form = soup(press(client, review, "back").content).select_one("form.letter-form")
    too_many = client.post(WRITE, {**form_values(form), "attachments": pdf("三", "四")})
    assert too_many.status_code == 400
    summary = soup(too_many.content).select_one("#error-summary")
    assert "附件最多 3 个（含已上传的附件）" in summary.get_text()
    assert len(pending_paths(client)) == 2  # the kept files are still kept
    assert soup(too_many.content).find("input", attrs={"name": "remove_files"}) is not None
    ticked = client.post(WRITE, {**form_values(form), "remove_files": ["0"], "attachments": pdf("三", "四")})
    assert ticked.status_code == 200 and len(pending_paths(client)) == 3
    assert values_shown(ticked)["附件"].split("）")[0].startswith("二.pdf")


def test_confirming_stores_exactly_one_letter_even_when_the_confirm_is_sent_again(client):
    before, files_before = Letter.objects.count(), Attachment.objects.count()
    review = write(client, SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"))
    [path] = pending_paths(client)
    first = press(client, review)
    assert first.status_code == 200
    code, password = [c.get_text() for c in soup(first.content).select(".code")]
    assert Letter.objects.count() == before + 1 and Attachment.objects.count() == files_before + 1
    assert not attachments.storage().exists(path) and PENDING_KEY not in client.session
    replay = press(client, review)  # double click, back button and resend, or a replayed request
    assert replay.status_code == 200 and "已经提交过，没有重复提交" in replay.content.decode()
    assert [c.get_text() for c in soup(replay.content).select(".code")] == [code, password]
    assert Letter.objects.count() == before + 1 and Attachment.objects.count() == files_before + 1
    letter = Letter.objects.get(query_code=code)
    assert client.get(FOLLOW + f"?id={letter.pk}").status_code == 200


def test_a_second_confirm_that_lost_the_session_record_still_stores_nothing(client):
    review = write(client)
    press(client, review)
    session = client.session
    del session[DONE_KEY]  # as if the first answer's session was overwritten by a racing request
    session.save()
    before = Letter.objects.count()
    again = press(client, review)
    assert again.status_code == 200 and "没有重复提交" in again.content.decode()
    assert Letter.objects.count() == before


def test_a_confirm_from_another_browser_is_refused(client):
    review = write(client, title="只属于本浏览器的留言")
    before = Letter.objects.count()
    stranger = client.__class__(HTTP_HOST="127.0.0.1:8000")
    refused = press(stranger, review)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "不是在本浏览器中填写的" in html and "留言没有提交" in html
    assert soup(html).select_one("#error-summary") is not None
    assert "只属于本浏览器的留言" not in html  # nothing of the other browser's letter is shown
    assert Letter.objects.count() == before
    assert press(client, review).status_code == 200  # its own browser still can
    assert Letter.objects.count() == before + 1


def test_a_confirm_after_60_minutes_is_refused_and_the_text_is_kept(client):
    review = write(client, SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"))
    [path] = pending_paths(client)
    before = Letter.objects.count()
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        refused = press(client, review)
    assert refused.status_code == 400
    document = soup(refused.content)
    assert "超过 60 分钟没有确认提交" in document.select_one("#error-summary").get_text()
    assert document.find("input", attrs={"name": "title"})["value"] == VALID["title"]
    assert document.find("input", attrs={"name": "contact_phone"})["value"] == VALID["contact_phone"]
    assert document.find(attrs={"name": human_check.FIELD_ANSWER}) is not None  # asked again
    assert not attachments.storage().exists(path)
    assert Letter.objects.count() == before and PENDING_KEY not in client.session


def test_a_confirm_within_60_minutes_is_accepted(client):
    review = write(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=59), tick=False):
        assert soup(press(client, review).content).select(".code")


def test_files_left_unconfirmed_are_removed_at_the_next_review_by_anyone(client):
    write(client, SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"))
    [path] = pending_paths(client)
    someone_else = client.__class__(HTTP_HOST="127.0.0.1:8000")
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        write(someone_else)
    assert attachments.storage().exists(path)
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        write(someone_else)
    assert not attachments.storage().exists(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("情况说明.txt", "河道里有垃圾，请清理。".encode("gbk"), "不支持“.txt”类型的附件"),
        ("大.pdf", PDF + b"0" * (1024 * 1024), "超过 1 MB"),
    ],
)
def test_a_refused_file_keeps_its_message_and_nothing_is_kept_for_review(
    client, settings, name, content, message
):
    settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB = 1
    response = write(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    summary = soup(response.content).select_one("#error-summary")
    assert summary.select_one('a[href="#id_attachments"]') is not None
    assert message in summary.get_text() and "附件需要重新选择" in summary.get_text()
    assert PENDING_KEY not in client.session


def test_a_robot_filling_the_hidden_field_gets_nothing_stored_or_kept(client):
    before = Letter.objects.count()
    response = write(client, SimpleUploadedFile("说明.pdf", PDF), website="http://spam.example")
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert PENDING_KEY not in client.session
    assert soup(response.content).select_one("form.review-actions") is None
    assert client.post(CONFIRM, {"pending": "", "action": "confirm"}).status_code == 400
    assert Letter.objects.count() == before


def test_the_follow_and_calculator_forms_share_the_error_summary(client):
    query = soup(client.post(FOLLOW, {"step": "open", "code": "", "password": ""}).content)
    form = query.select_one("#error-summary").find_parent("form")
    assert form["action"] == "#error-summary"
    assert {a["href"] for a in query.select("#error-summary li a")} == {"#id_code", "#id_password"}
    tool = soup(client.get("/gongju/deadline/?start=2022-09-30+16:00&amount=abc&unit=days").content)
    summary = tool.select_one("#error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert summary.find_parent("form")["action"] == "#error-summary"
    assert [a["href"] for a in summary.select("li a")] == ["#id_amount"]
    assert tool.find(id="id_amount")["aria-invalid"] == "true"
