"""Disclosure: published letters with the four items, personal data masked; monthly statistics and their
CSV and XLSX downloads."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from openpyxl import load_workbook
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.enums import Kind
from huimin.letters.services import LetterData
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "jyj.localhost:8000"}


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def answered(demo, django_user_model):
    """Three letters on the education bureau's site in March 2027, answered through the services."""
    site = Site.objects.get(hostname="jyj.localhost")
    unit = OrgUnit.objects.get(name="宿迁市教育局")
    dispatcher = django_user_model.objects.get(username="admin")
    handler = django_user_model.objects.get(username="jyj-handler")
    leader = django_user_model.objects.get(username="jyj-leader")
    made = []
    for number, (title, may_publish, reply_at, rating) in enumerate(
        [
            ("=HYPERLINK(1)入学咨询", True, "2027-03-01 11:00", "satisfied"),
            ("转学手续咨询", True, "2027-03-10 10:00", "unsatisfied"),  # answered late
            ("不愿公开的留言", False, "2027-03-02 10:00", ""),
        ]
    ):
        data = LetterData(
            site=site, kind=Kind.COMPLAINT, title=title, contact_name="赵六六", contact_phone="13512345678",
            content="我是赵六六，电话13512345678，住在学府路18号。", may_publish=may_publish,
            external_id=f"DISCLOSE-{number}",
        )  # fmt: skip
        letter, _ = services.submit_letter(data, now=at("2027-03-01 09:00"))
        services.dispatch(letter, unit, actor=dispatcher, now=at("2027-03-01 09:10"))
        services.accept(letter, actor=handler, now=at("2027-03-01 09:20"))
        services.reply(letter, "已联系赵六六，电话13512345678。", actor=handler, now=at(reply_at))
        services.approve(letter, actor=leader, publish=True, now=at(reply_at))
        if rating:
            services.rate(letter, rating, now=at(reply_at))
        made.append(letter)
    return made


def test_published_letters_show_the_four_items_and_nothing_personal(client, answered):
    document = soup(client.get("/hudong/liuyan/gongkai/", **HOST).content)
    articles = document.select(".published-letters article")
    titles = [a.h2.get_text() for a in articles]
    assert "转学手续咨询" in titles and "不愿公开的留言" not in titles
    text = document.select_one(".published-letters").get_text()
    for item in ("留言时间", "答复时间", "答复单位", "宿迁市教育局", "留言内容", "答复内容"):
        assert item in text
    assert "13512345678" not in text and "赵六六" not in text and "18号" not in text
    assert "135****5678" in text


@time_machine.travel(datetime(2027, 4, 2, 10, 0, tzinfo=SHANGHAI))
def test_monthly_statistics_count_and_download(client, answered):
    page = soup(client.get("/hudong/liuyan/tongji/", **HOST).content)
    march = next(r for r in page.select(".stats tbody tr") if r.th.get_text() == "2027年3月")
    cells = [td.get_text() for td in march.find_all("td")]
    assert cells[:3] == ["3", "3", "2"]  # received, answered, on time
    assert cells[5:] == ["2", "50.0%"]  # rated, satisfied share
    rows = list(
        csv.reader(
            io.StringIO(client.get("/hudong/liuyan/tongji/?format=csv", **HOST).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][0] == "月份" and rows[[r[0] for r in rows].index("2027年3月")][:4] == [
        "2027年3月",
        "3",
        "3",
        "2",
    ]
    response = client.get("/hudong/liuyan/tongji/?format=xlsx", **HOST)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["月份", "收到留言"]
    assert any(row[0].value == "2027年3月" and row[1].value == 3 for row in sheet.iter_rows(min_row=2))


def test_a_formula_in_text_never_reaches_a_spreadsheet_as_a_formula():
    from huimin.core.exports import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("@SUM") == "'@SUM"
    assert safe_cell(3) == 3


def test_the_published_letters_carry_the_column_tags_of_a_consultation_column(client, answered):
    document = soup(client.get("/hudong/liuyan/gongkai/", **HOST).content)
    tags = {meta["name"]: meta["content"] for meta in document.select("head meta[name]")}
    assert tags["ColumnName"] == "留言公开"
    assert tags["ColumnType"] == "咨询投诉"
    assert tags["ColumnKeywords"] and tags["ColumnDescription"]
    assert tags["SiteIDCode"]  # the site's tags stay
