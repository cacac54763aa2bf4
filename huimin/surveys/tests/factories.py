"""Builders of survey test content, through the real services.

    column = survey_column("slj.localhost")            # a demo site's 征集调查 column (needs `demo`)
    survey = make_survey(column, opens_at=NOW - DAY, closes_at=NOW + WEEK)      # a questionnaire, QUESTIONS
    survey = make_survey(column, kind=SurveyKind.CONSULTATION, ...)            # a consultation with its draft
    data = answer_data(survey, q1="2", q3=["1", "3"])  # what the public form posts (human check solved)

`NOW` is the demo's `now`; tests pin the clock there (`time_machine.travel(NOW, tick=False)`).
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.core import human_check
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.surveys import services
from huimin.surveys.enums import SurveyKind
from huimin.surveys.models import SurveyPage

NOW = DEMO_NOW
DAY, WEEK = timedelta(days=1), timedelta(days=7)
_numbers = itertools.count(1)

# 1 single (required), 2 multiple (required, at most 2), 3 scale (required), 4 single 是/否 (required),
# 5 text shown only when 4 is "是" (required then), 6 text (optional, at most 50 characters).
QUESTIONS = [
    {
        "type": "single_choice",
        "value": {"question": "您的年龄段", "required": True, "choices": ["青年", "中年", "老年"]},
    },
    {
        "type": "multiple_choice",
        "value": {
            "question": "您常用的栏目",
            "required": True,
            "choices": ["政策", "办事", "互动"],
            "max_choices": 2,
        },
    },
    {
        "type": "scale",
        "value": {
            "question": "总体满意度",
            "required": True,
            "scale_max": 5,
            "low_label": "差",
            "high_label": "好",
        },
    },
    {
        "type": "single_choice",
        "value": {"question": "是否遇到困难", "required": True, "choices": ["是", "否"]},
    },
    {
        "type": "text",
        "value": {
            "question": "请说明遇到的困难",
            "required": True,
            "show_if_question": 4,
            "show_if_answer": "是",
            "max_length": 200,
            "multiline": True,
        },
    },
    {
        "type": "text",
        "value": {"question": "其他建议", "required": False, "max_length": 50, "multiline": False},
    },
]
UNITS = {
    "127.0.0.1": "宿迁市人民政府办公室",
    "shuyang.localhost": "沭阳县",
    "sucheng.localhost": "宿城区",
    "slj.localhost": "宿迁市水利局",
    "jyj.localhost": "宿迁市教育局",
}


def user(username):
    return get_user_model().objects.get(username=username)


def survey_column(hostname: str = "slj.localhost") -> ColumnPage:
    return ColumnPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get(slug="zjdc")


def make_survey(
    column: ColumnPage | None = None,
    *,
    kind: str = SurveyKind.QUESTIONNAIRE,
    opens_at=None,
    closes_at=None,
    questions=None,
    unit: OrgUnit | None = None,
    sign_in_required: bool = False,
    title: str = "",
    published_at=None,
) -> SurveyPage:
    column = column or survey_column()
    number = next(_numbers)
    opens_at = opens_at or NOW - WEEK
    closes_at = closes_at or NOW + WEEK
    if unit is None:
        hostname = Site.objects.get(root_page__in=column.get_ancestors()).hostname
        unit = OrgUnit.objects.get(name=UNITS[hostname])
    page = SurveyPage(
        title=title or f"测试调查{number}",
        slug=f"test-survey-{number}",
        kind=kind,
        unit=unit,
        opens_at=opens_at,
        closes_at=closes_at,
        sign_in_required=sign_in_required,
        first_published_at=published_at or opens_at - DAY,
        last_published_at=published_at or opens_at - DAY,
    )
    if kind == SurveyKind.QUESTIONNAIRE:
        page.questions = QUESTIONS if questions is None else questions
    else:
        page.draft_text = "<p>第一条　测试条款。</p>"
    return services.publish_page(column, page)


def solved() -> dict:
    question = human_check.new_question()
    return {human_check.FIELD_TOKEN: question.token, human_check.FIELD_ANSWER: str(question.answer)}


def answer_data(human: bool = True, **fields) -> dict:
    """A complete, valid post of the QUESTIONS form (4 answered "否", so 5 is hidden), with `fields` changed
    (a value None leaves the field out)."""
    data = {"q1": "2", "q2": ["1", "3"], "q3": "4", "q4": "2", "q6": "无"}
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return {**data, **solved()} if human else data


def answer(survey: SurveyPage, *, now=NOW, account=None, client_ip: str = "", **answers_by_number) -> object:
    """An answer sheet through the service, answers given by question number (`a1="青年"`)."""
    from huimin.surveys.questions import questions_of

    keys = {f"a{q.number}": q.key for q in questions_of(survey)}
    answers = {keys[name]: value for name, value in answers_by_number.items()}
    return services.submit_response(survey, answers=answers, account=account, now=now, client_ip=client_ip)
