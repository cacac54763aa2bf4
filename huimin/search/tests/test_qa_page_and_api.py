"""The Q&A page at /qa/ and `POST /api/v1/qa`: answers with sources, the unanswered state, hostile input
never a 500, markup escaped, the rate limit."""

import json

import pytest

pytestmark = pytest.mark.django_db
HOST = "127.0.0.1:8000"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE = [
    "",
    "问" * 1000,
    "🙂🚀 社保",
    '"留言" OR NEAR(答复 * 时限) AND -投诉 : ( )',
    XSS + "咨询类留言多长时间内答复？",
    "'; DROP TABLE huimin_search_searchdocument; --",
]


def _get(client, query, host=HOST):
    return client.get("/qa/", {"q": query} if query is not None else {}, HTTP_HOST=host)


def _ask(client, payload, **extra):
    return client.post(
        "/api/v1/qa", json.dumps(payload), content_type="application/json", HTTP_HOST=HOST, **extra
    )


def test_the_page_offers_a_labelled_question_form(client, demo):
    html = _get(client, None).content.decode()
    assert '<label for="id_q">您的问题' in html and 'name="q"' in html and "<h1>智能问答</h1>" in html


def test_the_page_answers_with_the_source_linked_and_the_confidence_in_words(client, demo):
    response = _get(client, "咨询类留言多长时间内答复？", host="shuyang.localhost:8000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1个工作日" in html and ("较确定" in html or "可能相关" in html)
    assert 'href="http://127.0.0.1:8000/zcwjk/p-000000001-2022-00155/"' in html


def test_the_page_says_no_exact_answer_and_offers_a_message(client, demo):
    html = _get(client, "火星移民怎么申请？").content.decode()
    assert "未找到确切答案" in html
    assert 'href="/hudong/liuyan/?kind=consult&amp;title=%E7%81%AB%E6%98%9F' in html


def test_the_letter_form_takes_the_question_escaped(client, demo):
    html = client.get("/hudong/liuyan/", {"title": XSS}, HTTP_HOST=HOST).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_questions_never_fail_the_page_and_are_escaped(client, demo, query):
    response = _get(client, query)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html


def test_empty_and_overlong_questions_get_a_chinese_message(client, demo):
    assert "请输入您的问题" in _get(client, "").content.decode()
    long = _get(client, "问" * 1000)
    assert long.status_code == 400 and "问题过长" in long.content.decode()


def test_the_api_answers_in_the_documented_shape(client, demo):
    response = _ask(client, {"question": "投诉类留言多长时间内答复？", "site": "shuyang.localhost"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "confidence", "sources", "closest"}
    assert "5个工作日" in body["answer"] and 0 < body["confidence"] <= 1
    assert body["sources"] and set(body["sources"][0]) == {"title", "url", "excerpt"}


def test_the_api_answers_null_for_what_the_content_cannot_answer(client, demo):
    body = _ask(client, {"question": "宿迁市的市花是什么？"}).json()
    assert body["answer"] is None and body["sources"] == []


@pytest.mark.parametrize("question", HOSTILE[1:])
def test_hostile_api_questions_never_500(client, demo, question):
    response = _ask(client, {"question": question})
    assert response.status_code == 200
    assert response.json()["answer"] is None or "<script>" not in response.json()["answer"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"question": ""}, "请提供问题"),
        ({"question": "社保", "site": "nowhere.example"}, "没有这个站点"),
        ({"question": "问" * 3000}, "question"),
        ({}, "question"),
    ],
)
def test_bad_api_requests_answer_400_in_chinese(client, demo, payload, message):
    response = _ask(client, payload)
    assert response.status_code == 400 and message in response.json()["detail"]


def test_the_api_is_rate_limited(client, demo, settings):
    settings.HUIMIN_OPENDATA_API_PER_IP_HOUR = 2
    assert _ask(client, {"question": "社保"}).status_code == 200
    assert _ask(client, {"question": "社保"}).status_code == 200
    refused = _ask(client, {"question": "社保"})
    assert refused.status_code == 429 and "请求过于频繁" in refused.json()["detail"]


def test_the_api_is_in_the_openapi_schema(client, demo):
    schema = client.get("/api/v1/openapi.json", HTTP_HOST=HOST).json()
    operation = schema["paths"]["/api/v1/qa"]["post"]
    assert operation["summary"] == "智能问答"
