"""The reply letter (政府信息公开申请答复告知书): made as DOCX and PDF when the answer is drafted, marked
（待审签） until the reviewer signs it off, then dated and made again (the old files removed from storage).
Read back with python-docx; what an applicant or a clerk typed stays plain text."""

import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from huimin.disclosure import reply_letters, services
from huimin.disclosure.enums import Delivery, FileRole, State
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import apply, at, unit_people

pytestmark = pytest.mark.django_db

REMEDY = "如对本答复不服，可以自收到本答复之日起60日内依法申请行政复议"


@pytest.fixture
def people(demo, django_user_model):
    return unit_people(django_user_model)


def new(people, **overrides) -> Application:
    overrides.setdefault("delivery", Delivery.PAPER)  # no released files needed
    application, _ = apply(people["site"], people["unit"], at("2026-11-02 09:00"), **overrides)
    return application


def draft(people, application, when="2026-11-09 10:00", **values) -> Application:
    values = {
        "answer": "withhold",
        "ground": "state_secret",
        "text": "经审查，该信息已被定为国家秘密。",
    } | values
    return services.draft_answer(application, actor=people["handler"], now=at(when), **values)


def letters(application) -> dict:
    return {item.kind: item for item in application.files.filter(role=FileRole.REPLY)}


def read(item) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


def docx_text(application) -> str:
    document = Document(io.BytesIO(read(letters(application)["docx"])))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_the_drafted_letter_says_who_answers_what_on_which_ground_and_awaits_sign_off(people):
    application = draft(people, new(people))
    assert set(letters(application)) == {"docx", "pdf"}
    text = docx_text(application)
    assert text.startswith("政府信息公开申请答复告知书")
    assert "张三：" in text
    assert "本机关于2026年11月2日收到您（单位）提交的政府信息公开申请" in text
    assert f"查询码 {application.query_code}" in text
    assert "您申请获取的政府信息属于国家秘密，根据《中华人民共和国政府信息公开条例》第十四条的规定" in text
    assert "经审查，该信息已被定为国家秘密。" in text
    assert REMEDY in text
    assert text.rstrip().endswith("宿迁市水利局\n（待审签）")
    assert "年11月" not in text.split("宿迁市水利局")[-1]  # no date before sign-off
    reply = letters(application)["docx"]
    assert reply.name == f"政府信息公开申请答复告知书（{application.query_code}）.docx"


def test_not_held_names_where_to_ask(people):
    application = draft(
        people, new(people), answer="unavailable", ground="not_held",
        referral="宿迁市生态环境局（电话 0527-84350000）", text="经查，本机关未制作或获取该信息。",
    )  # fmt: skip
    text = docx_text(application)
    assert "经查，本机关不掌握相关政府信息。" in text
    assert "第三十六条第（四）项、第（五）项" in text
    assert "该政府信息由宿迁市生态环境局（电话 0527-84350000）负责公开，请您向其申请获取。" in text
    assert REMEDY in text


def test_a_disclosure_tells_where_the_records_are(people):
    application = draft(people, new(people), answer="disclose", ground="", text="现予以公开。")
    text = docx_text(application)
    assert "您申请获取的政府信息属于公开范围，本机关予以公开。公开的政府信息已随本告知书一并提供" in text
    assert "第十四条" not in text


def test_the_pdf_is_a_pdf_in_the_chinese_font_readers_carry(people):
    application = draft(people, new(people))
    content = read(letters(application)["pdf"])
    assert content.startswith(b"%PDF-")
    assert b"STSong-Light" in content
    assert content.rstrip().endswith(b"%%EOF")


def test_sign_off_dates_the_letter_and_makes_it_again(people, django_capture_on_commit_callbacks):
    application = draft(people, new(people))
    before = {kind: item.file.name for kind, item in letters(application).items()}
    storage = letters(application)["docx"].file.storage
    assert all(storage.exists(name) for name in before.values())
    with django_capture_on_commit_callbacks(execute=True):  # the old files go once the step is committed
        application = services.sign_off(application, actor=people["leader"], now=at("2026-11-11 15:00"))
    after = letters(application)
    assert set(after) == {"docx", "pdf"}
    assert application.files.filter(role=FileRole.REPLY).count() == 2
    assert not any(storage.exists(name) for name in before.values())
    assert all(storage.exists(item.file.name) for item in after.values())
    text = docx_text(application)
    assert "（待审签）" not in text
    assert text.rstrip().endswith("宿迁市水利局\n2026年11月11日")
    assert read(after["pdf"]).startswith(b"%PDF-")


def test_a_redrafted_answer_replaces_the_letter(people, django_capture_on_commit_callbacks):
    application = draft(people, new(people))
    first = {item.file.name for item in letters(application).values()}
    application = services.send_back(
        application, "请改为部分公开。", actor=people["leader"], now=at("2026-11-10 09:00")
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = draft(
            people, application, "2026-11-10 15:00", answer="partial", ground="", text="部分公开。"
        )
    storage = letters(application)["docx"].file.storage
    assert application.files.filter(role=FileRole.REPLY).count() == 2
    assert not any(storage.exists(name) for name in first)
    assert "本机关对可以公开的部分予以提供" in docx_text(application)
    assert "属于国家秘密" not in docx_text(application)


def test_the_correction_day_is_the_day_the_letter_counts_from(people):
    application = services.ask_correction(
        new(people), "请写明年份。", actor=people["handler"], now=at("2026-11-03 09:00")
    )
    application = services.submit_correction(application, "2025年。", now=at("2026-11-05 20:00"))
    application = draft(people, application)
    assert "本机关于2026年11月6日收到您（单位）提交的政府信息公开申请" in docx_text(application)


def test_the_number_carries_the_unit_year_and_code(people):
    application = draft(people, new(people))
    letter = reply_letters.compose(application)
    short = application.unit.short_name or application.unit.name[:4]
    assert letter.number == f"{short}依复〔2026〕{application.query_code}号"
    assert letter.date == "（待审签）" and letter.signature == "宿迁市水利局"


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


def test_markup_typed_by_people_stays_plain_text_in_both_documents(people):
    application = new(people, name=HOSTILE[:100], description=f"关于{HOSTILE}的文件")
    application = draft(people, application, text=f"答复：{HOSTILE}")
    text = docx_text(application)
    assert f"答复：{HOSTILE}" in text  # the words as typed: a Word document runs no script
    assert text.count("<script>") == 3  # salutation, description, answer
    assert read(letters(application)["pdf"]).startswith(b"%PDF-")  # reportlab's markup is escaped


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ufffe", "\uffff"])
def test_characters_a_document_cannot_hold_are_refused_before_a_letter_is_made(people, bad):
    application = new(people)
    with pytest.raises(ValidationError) as error:
        draft(people, application, text=f"答复{bad}内容")
    assert "控制字符" in error.value.message_dict["answer_text"][0]
    with pytest.raises(ValidationError) as error:
        draft(people, application, answer="unavailable", ground="not_held", referral=f"宿迁市生态环境局{bad}")
    assert "控制字符" in error.value.message_dict["referral"][0]
    with pytest.raises(ValidationError) as error:
        apply(people["site"], people["unit"], at("2026-11-02 09:00"), description=f"需要的文件{bad}名称")
    assert "控制字符" in error.value.message_dict["description"][0]
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and not application.files.exists()
