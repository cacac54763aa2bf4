"""运维责任清单: every column of a site with its responsibility, last update, next due date and state in
words, on a small site built with the real services and checked against dates worked out by hand;
the filter, the XLSX export (formula injection neutralised, recorded in the audit log), hostile
titles shown escaped, the query count, and another site's staff answered 404."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from huimin.core.pages import add_and_publish
from huimin.disclosure.models import AnnualReportPage
from huimin.operations import queries
from huimin.operations.enums import ColumnState
from huimin.sites.enums import Role
from huimin.sites.models import ColumnPage
from huimin.sites.queries import newest_item_date

from .helpers import NOW, article, column, make_site, person, platform_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_with_columns():
    """Columns of a 工作动态 type (14-day cycle; warned 3 days ahead) and one 通知公告 (183 days)."""
    unit, site = make_site("责任")
    home = site.root_page
    stale = column(home, "工作动态", unit, responsible_phone="0527-84300001")
    article(stale, NOW - timedelta(days=24))  # 2030-02-10: due 02-24, 10 days over
    fresh = column(
        home,
        "部门动态",
        unit,
        responsible_phone="0527-84300002",
        quality_requirement="信息准确、及时，不发布与栏目无关的内容",
    )
    article(fresh, NOW - timedelta(days=2))  # 2030-03-04: due 03-18, 12 days left
    soon = column(home, "乡镇动态", unit, responsible_phone="0527-84300003")
    article(soon, NOW - timedelta(days=13))  # 2030-02-21: due 03-07, 1 day left
    empty = column(home, "通知公告", unit, type_name="通知公告", responsible_phone="0527-84300004")
    nobody = column(home, "专题专栏", unit, type_name="其他")
    article(nobody, NOW - timedelta(days=30))
    ColumnPage.objects.filter(pk=nobody.pk).update(responsible_person="")  # an imported column, say
    child = column(fresh, "图片新闻", unit, responsible_phone="0527-84300005")
    article(child, NOW - timedelta(days=1))
    return (
        unit,
        site,
        {"stale": stale, "fresh": fresh, "soon": soon, "empty": empty, "nobody": nobody, "child": child},
    )


def _by_title(rows):
    return {row.column.title: row for row in rows}


def test_the_list_gives_each_columns_last_update_next_due_date_and_state(site_with_columns):
    _unit, site, _columns = site_with_columns
    rows = _by_title(queries.responsibility_rows(site, NOW))
    assert list(rows) == [
        "工作动态",
        "部门动态",
        "图片新闻",
        "乡镇动态",
        "通知公告",
        "专题专栏",
    ]  # tree order
    stale = rows["工作动态"]
    assert (stale.state, stale.due, stale.days_left, stale.days_over) == (
        ColumnState.OVERDUE,
        date(2030, 2, 24),
        -10,
        10,
    )
    # The child's article is newer than the column's own: a column's newest item counts its subtree.
    fresh = rows["部门动态"]
    assert (fresh.state, fresh.due) == (ColumnState.NORMAL, date(2030, 3, 19))
    assert fresh.missing == []
    assert (rows["乡镇动态"].state, rows["乡镇动态"].days_left) == (ColumnState.DUE_SOON, 1)
    assert (rows["通知公告"].state, rows["通知公告"].due, rows["通知公告"].newest) == (
        ColumnState.EMPTY,
        None,
        None,
    )
    assert rows["图片新闻"].trail == "部门动态 › 图片新闻" and rows["图片新闻"].depth == 1
    assert rows["专题专栏"].missing == ["无责任人", "无电话", "未填内容质量要求"]
    assert rows["工作动态"].missing == ["未填内容质量要求"]
    counts = queries.state_counts(list(rows.values()))
    assert counts == {"normal": 3, "due_soon": 1, "overdue": 1, "empty": 1, "missing": 5}


def test_the_state_is_worked_out_in_local_dates_and_moves_with_now(site_with_columns):
    _unit, site, _columns = site_with_columns
    # One day before the due date of 乡镇动态 (03-07) it warns; the day after it is overdue.
    later = NOW + timedelta(days=2)
    assert _by_title(queries.responsibility_rows(site, later))["乡镇动态"].state == ColumnState.OVERDUE
    on_due_day = NOW + timedelta(days=1)
    row = _by_title(queries.responsibility_rows(site, on_due_day))["乡镇动态"]
    assert (row.state, row.days_left) == (ColumnState.DUE_SOON, 0)
    # Before the first article existed the column was empty.
    earlier = NOW - timedelta(days=40)
    assert _by_title(queries.responsibility_rows(site, earlier))["工作动态"].state == ColumnState.EMPTY


def test_filters_pick_the_states_asked_for(site_with_columns):
    _unit, site, _columns = site_with_columns
    titles = lambda state: [row.column.title for row in queries.responsibility_rows(site, NOW, state)]  # noqa: E731
    assert titles("overdue") == ["工作动态"]
    assert titles("attention") == ["工作动态", "乡镇动态", "通知公告"]
    assert titles("missing") == ["工作动态", "图片新闻", "乡镇动态", "通知公告", "专题专栏"]
    assert len(titles("no-such-state")) == 6  # an unknown filter shows everything


def test_the_newest_dates_are_those_of_newest_item_date_in_a_constant_few_queries(site_with_columns):
    unit, site, columns = site_with_columns
    # A dated page that is neither an article nor a column (an annual report) counts for its own column only.
    report = AnnualReportPage(title="2029年政府信息公开工作年度报告", slug="ops-report", year=2029)
    report.pub_date = NOW - timedelta(days=3)
    add_and_publish(columns["empty"], report)
    deep = column(columns["child"], "三级栏目", unit)
    article(deep, NOW - timedelta(hours=1))
    found = list(queries.site_columns(site))
    queries.newest_item_dates(site, found, NOW)  # the process's chrome (sites/chrome.py) built once
    with CaptureQueriesContext(connection) as bulk:
        dates = queries.newest_item_dates(site, found, NOW)
    assert dates == {c.pk: newest_item_date(c, NOW) for c in found}
    assert dates[columns["empty"].pk] == NOW - timedelta(days=3)
    assert dates[columns["fresh"].pk] == dates[deep.pk] == NOW - timedelta(hours=1)
    # Earlier, the later items are left out, as newest_item_date leaves them out.
    earlier = NOW - timedelta(days=20)
    assert queries.newest_item_dates(site, found, earlier) == {
        c.pk: newest_item_date(c, earlier) for c in found
    }
    # Two grouped queries and the view restrictions, plus newest_item_date for the one column with a report.
    with CaptureQueriesContext(connection) as one:
        newest_item_date(columns["empty"], NOW)
    assert len(bulk) <= 3 + len(one)
    more = [column(site.root_page, f"新栏目{n}", unit) for n in range(10)]
    with CaptureQueriesContext(connection) as after:
        queries.responsibility_rows(site, NOW)
    assert len(after) <= len(bulk) + 3 and len(more) == 10


@time_machine.travel(NOW, tick=False)
def test_the_screen_shows_the_columns_in_words_with_flags_and_filter(client, site_with_columns):
    unit, site, _columns = site_with_columns
    editor = person(site, unit, Role.EDITOR)
    client.force_login(editor)
    url = reverse("operations_responsibility_site", args=[site.pk])
    page = client.get(url).content.decode()
    for text in (
        "已超期",
        "即将到期",
        "无内容",
        "正常",
        "无责任人",
        "未填写",
        "2030-02-24",
        "已超过 10 天",
        "还有 1 天",
    ):
        assert text in page, text
    filtered = client.get(url, {"state": "empty"}).content.decode()
    assert "通知公告" in filtered and "乡镇动态" not in filtered
    # One site: the menu entry opens it straight away.
    response = client.get(reverse("operations_responsibility"))
    assert response.status_code == 302 and response["Location"] == url


@time_machine.travel(NOW, tick=False)
def test_a_hostile_title_is_shown_escaped_and_exported_without_becoming_a_formula(client, site_with_columns):
    unit, site, _columns = site_with_columns
    hostile = column(
        site.root_page,
        "<script>alert('栏目')</script>",
        unit,
        responsible_person='=HYPERLINK("http://evil.example","点我")',
        responsible_phone="0527-84300009",
        quality_requirement="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    article(hostile, NOW - timedelta(days=1))
    admin = platform_admin()
    client.force_login(admin)
    url = reverse("operations_responsibility_site", args=[site.pk])
    page = client.get(url).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page
    response = client.get(url, {"export": "xlsx", "state": "normal"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["栏目", "栏目类型", "责任单位", "责任人"]
    found = next(row for row in rows if row[0] == "<script>alert('栏目')</script>")
    assert found[3] == '\'=HYPERLINK("http://evil.example","点我")'
    assert found[6] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert found[9] == "正常"
    assert {row[9] for row in rows} == {"正常"}  # the filter applies to the export
    entry = ModelLogEntry.objects.filter(action="huimin.personal_data.export").order_by("-pk").first()
    assert entry is not None and entry.data["what"] == "运维责任清单" and entry.data["count"] == len(rows)


def test_another_sites_staff_get_404_on_the_list_and_the_export(client, site_with_columns):
    _unit, site, _columns = site_with_columns
    other_unit, other_site = make_site("别处")
    stranger = person(other_site, other_unit, Role.SITE_ADMIN)
    client.force_login(stranger)
    url = reverse("operations_responsibility_site", args=[site.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"export": "xlsx"}).status_code == 404
    assert client.get(reverse("operations_responsibility_site", args=[other_site.pk])).status_code == 200
    # A message handler of the site itself does not see the list either (editors and administrators do).
    handler = person(site, _unit, Role.MESSAGE_HANDLER)
    client.force_login(handler)
    assert client.get(url).status_code == 404


def test_the_platform_administrator_chooses_among_every_site(client, site_with_columns):
    _unit, site, _columns = site_with_columns
    make_site("另一")
    client.force_login(platform_admin())
    page = client.get(reverse("operations_responsibility")).content.decode()
    assert "责任测试网站" in page and reverse("operations_responsibility_site", args=[site.pk]) in page
