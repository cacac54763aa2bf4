"""The deadline three ways: `huimin deadline`, GET /api/v1/calendar/deadline and the 办理时限计算器 page."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db
API = "/api/v1/calendar/deadline"
PAGE = "/gongju/deadline/"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
EXPECTED_SKIPPED = [f"2022-10-0{i}" for i in range(1, 8)]


def deadline(*args) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_the_command_gives_the_national_day_example_as_json():
    data = json.loads(deadline("--from", "2022-09-30 16:00", "--working-days", "1", "--json"))
    assert data["from"] == "2022-09-30T16:00:00+08:00"
    assert data["due"] == "2022-10-08T16:00:00+08:00"
    assert [d["date"] for d in data["skipped"]] == EXPECTED_SKIPPED
    assert data["skipped"][0] == {"date": "2022-10-01", "kind": "holiday", "name": "国庆节"}
    assert data["makeup_days"] == [{"date": "2022-10-08", "name": "国庆节调休"}]
    assert data["calendar"] == {"slug": "suqian", "name": "宿迁市工作日历"}


def test_the_command_explains_itself_in_chinese():
    text = deadline("--from", "2022-09-30 16:00", "--working-hours", "7")
    assert "截止：2022-10-08 16:00" in text
    assert "跳过 2022-10-01（节假日：国庆节）" in text
    assert "计入 2022-10-08（调休上班：国庆节调休）" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--from", "明天", "--working-days", "1"], "起始时间格式不正确"),
        (["--from", "2022-09-30 16:00", "--working-days", "-1"], "大于 0"),
        (["--from", "2022-09-30 16:00", "--working-days", "abc"], "不是有效的数字"),
        (
            ["--from", "2022-09-30 16:00", "--working-days", "1", "--calendar", "nowhere"],
            "可用的日历：suqian",
        ),
        (["--from", "1900-01-01 09:00", "--working-hours", "1"], "2000 年至 2100 年"),
    ],
)
def test_the_command_refuses_bad_input_with_a_reason(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        deadline(*args)


def test_the_api_answers_the_same_contract(client):
    response = client.get(API, {"from": "2022-09-30 16:00", "working_days": "1"}, **HOST)
    assert response.status_code == 200
    data = response.json()
    assert data["due"] == "2022-10-08T16:00:00+08:00"
    assert data["from"] == "2022-09-30T16:00:00+08:00"
    assert [d["date"] for d in data["skipped"]] == EXPECTED_SKIPPED
    assert data["makeup_days"] == [{"date": "2022-10-08", "name": "国庆节调休"}]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "' OR 1=1 --", "working_days": "1"},
        {"from": "<script>alert(1)</script>", "working_hours": "2"},
        {"from": "2022-09-30 16:00"},
        {"from": "2022-09-30 16:00", "working_days": "1", "working_hours": "2"},
        {"from": "2022-09-30 16:00", "working_days": "9" * 40},
        {"from": "2022-09-30 16:00", "working_days": "1", "calendar": "x" * 500},
        {"working_days": "1"},
    ],
)
def test_the_api_refuses_bad_input_with_a_chinese_400(client, params):
    response = client.get(API, params, **HOST)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail and "<script>" not in detail and "x" * 100 not in detail


def test_the_page_computes_and_explains(client, demo):
    response = client.get(PAGE, {"start": "2022-09-30 16:00", "amount": "1", "unit": "days"}, **HOST)
    assert response.status_code == 200
    document = soup(response.content)
    assert "2022年10月8日 16:00" in document.select_one(".due").get_text()
    skipped = [li.get_text() for li in document.select(".day-list")[0].find_all("li")]
    assert len(skipped) == 7 and "国庆节" in skipped[0]
    assert "国庆节调休" in document.select(".day-list")[1].get_text()
    assert document.find("meta", attrs={"name": "SiteIDCode"})["content"] == "3213000001"


def test_the_page_marks_a_bad_field_and_keeps_what_was_typed(client, demo):
    response = client.get(PAGE, {"start": "<script>alert(1)</script>", "amount": "x", "unit": "days"}, **HOST)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    document = soup(response.content)
    start = document.find("input", attrs={"name": "start"})
    assert start["aria-invalid"] == "true" and "start-error" in start["aria-describedby"]
    assert document.find(id="amount-error").get_text()


def test_an_empty_page_invites_input(client, demo):
    response = client.get(PAGE, **HOST)
    assert response.status_code == 200
    assert "填写起始时间和时限后" in response.content.decode()
