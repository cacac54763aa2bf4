"""Editors build a questionnaire in Wagtail's page editor from the question blocks, below their site's
征集调查 column; the editor refuses a condition naming a later question, a question that is not a choice
question or an option that does not exist, repeated options, a questionnaire without questions and a
consultation without its draft, each with a Chinese message."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text

from huimin.sites.models import ColumnPage, OrgUnit
from huimin.surveys.blocks import QuestionStreamBlock
from huimin.surveys.models import SurveyPage

from .factories import NOW, survey_column, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def columns_take_surveys(monkeypatch):
    """Surveys below 征集调查 columns, as ColumnPage.subpage_types lists them (see docs/surveys.md)."""
    if SurveyPage not in ColumnPage.allowed_subpage_models():
        monkeypatch.setattr(
            ColumnPage, "subpage_types", [*ColumnPage.subpage_types, "huimin_surveys.SurveyPage"]
        )
        monkeypatch.setattr(ColumnPage, "_clean_subpage_models", None)


def choices(*texts) -> dict:
    return {
        "count": len(texts),
        **{str(i): {"value": t, "deleted": "", "order": i, "id": ""} for i, t in enumerate(texts)},
    }


def block(kind: str, index: int, **value) -> dict:
    return {"type": kind, "deleted": "", "order": index, "id": "", "value": value}


def single(index, question, options, **extra):
    base = {
        "question": question,
        "help_text": "",
        "required": "on",
        "show_if_question": "",
        "show_if_answer": "",
    }
    return block("single_choice", index, **base, choices=choices(*options), **extra)


def text(index, question, **extra):
    base = {
        "question": question,
        "help_text": "",
        "required": "",
        "show_if_question": "",
        "show_if_answer": "",
    }
    return block("text", index, **{**base, "max_length": "200", "multiline": "on", **extra})


def page_data(questions: list[dict], **fields) -> dict:
    data = {
        "title": "编辑器里建的问卷",
        "slug": "editor-built",
        "kind": "questionnaire",
        "unit": OrgUnit.objects.get(name="宿迁市水利局").pk,
        "opens_at": "2026-11-03 09:00",
        "closes_at": "2026-11-30 17:00",
        "summary": "",
        "keywords": "",
        "intro": rich_text(""),
        "draft_text": rich_text(""),
        "draft_document": "",
        "questions": {"count": len(questions), **{str(i): q for i, q in enumerate(questions)}},
        "action-publish": "action-publish",
        **fields,
    }
    return nested_form_data(data)


def _flatten(error) -> list[str]:
    found = []
    for attr in ("block_errors", "non_block_errors"):
        children = getattr(error, attr, None)
        if children:
            values = children.values() if isinstance(children, dict) else children.as_data()
            for child in values:
                found += _flatten(child)
    if not found and hasattr(error, "messages"):
        found += list(error.messages)
    return found


def messages(response) -> str:
    """Every message of the page form's errors, StreamField block errors included."""
    form = response.context["form"]
    found = list(form.non_field_errors())
    for errors in form.errors.values():
        for error in errors.as_data():
            found += _flatten(error)
    return " ".join(found)


def add(client, data):
    column = survey_column("slj.localhost")
    return client.post(f"/admin/pages/add/huimin_surveys/surveypage/{column.pk}/", data)


@pytest.fixture
def editor():
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.force_login(user("slj-editor"))
    return client


def test_an_editor_builds_a_questionnaire_with_a_conditional_question(editor, columns_take_surveys):
    response = add(
        editor,
        page_data(
            [
                single(0, "是否满意", ["是", "否"]),
                text(1, "请说明", show_if_question="1", show_if_answer="否"),
            ]
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = SurveyPage.objects.get(slug="editor-built")
    assert [b.block_type for b in page.questions] == ["single_choice", "text"]
    assert page.questions[1].value["show_if_question"] == 1  # saved (published, or sent for review)


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (text(1, "请说明", show_if_question="2", show_if_answer="否"), "显示条件只能是本题之前的题目"),
        (text(1, "请说明", show_if_question="1", show_if_answer="也许"), "第 1 题没有“也许”这个选项"),
        (text(1, "请说明", show_if_question="1", show_if_answer=""), "请填写第 1 题的哪个选项使本题显示"),
        (text(1, "请说明", show_if_question="", show_if_answer="否"), "请同时填写第几题"),
    ],
)
def test_a_wrong_condition_is_refused_in_chinese(editor, columns_take_surveys, second, message):
    response = add(editor, page_data([single(0, "是否满意", ["是", "否"]), second]))
    assert response.status_code == 200 and not SurveyPage.objects.filter(slug="editor-built").exists()
    assert message in messages(response)


def test_a_condition_on_a_text_question_and_repeated_options_are_refused_by_the_blocks():
    stream = QuestionStreamBlock()
    value = stream.to_python(
        [
            {"type": "text", "value": {"question": "姓名", "required": False}},
            {"type": "text", "value": {"question": "说明", "show_if_question": 1, "show_if_answer": "张三"}},
        ]
    )
    with pytest.raises(StreamBlockValidationError) as refused:
        stream.clean(value)
    assert "不是选择题" in str(refused.value.block_errors[1].block_errors["show_if_question"])
    repeated = stream.to_python(
        [{"type": "single_choice", "value": {"question": "Q", "choices": ["是", "是"]}}]
    )
    with pytest.raises(StreamBlockValidationError) as refused:
        stream.clean(repeated)
    assert "重复" in str(refused.value.block_errors[0].block_errors["choices"])


def test_a_questionnaire_without_questions_and_a_consultation_without_draft_are_refused(
    editor, columns_take_surveys
):
    response = add(editor, page_data([]))
    assert response.status_code == 200 and "问卷调查至少需要一道题目" in messages(response)
    response = add(editor, page_data([], kind="consultation"))
    assert response.status_code == 200 and "意见征集须提供征求意见稿的全文或附件" in messages(response)
    assert not SurveyPage.objects.filter(slug="editor-built").exists()


def test_the_closing_time_must_follow_the_opening_time(editor, columns_take_surveys):
    response = add(editor, page_data([single(0, "Q", ["是", "否"])], closes_at="2026-11-01 09:00"))
    assert response.status_code == 200 and "截止时间须晚于开始时间" in messages(response)


def test_an_editor_of_another_site_cannot_add_below_this_column(columns_take_surveys):
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.force_login(user("jyj-editor"))
    response = add(client, page_data([single(0, "Q", ["是", "否"])]))
    assert response.status_code in (302, 403) and not SurveyPage.objects.filter(slug="editor-built").exists()
