"""考核指标表 in the admin: only assessors see it; the 2022 method imported when no table exists; a table
copied to a new year; edits checked as a whole (weights, rows adding up, rows in use) with Chinese messages
and nothing saved."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from huimin.assessment.admin_views.tables import viewset
from huimin.assessment.enums import Basis, RowKind
from huimin.assessment.models import IndicatorTable, ManualFinding, OutsideResult, ScoreSheet
from huimin.assessment.services import tables as table_services
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
INDEX = "/admin/assessment/tables/"


@pytest.fixture(autouse=True)
def _no_tables():
    """Each test starts with no table, whatever the demo (built in this database by another module of the
    same test process) put there; the test's transaction puts it back."""
    ScoreSheet.objects.all().delete()
    ManualFinding.objects.all().delete()
    OutsideResult.objects.all().delete()
    IndicatorTable.objects.all().delete()


@pytest.fixture(autouse=True)
def _clock():
    import time_machine

    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def assessor():
    return get_user_model().objects.create_superuser("assessor", "a@example.com", "Assessor-pass-2026")


@pytest.fixture
def staff():
    """Someone with admin access but not an assessor."""
    user = get_user_model().objects.create_user("clerk", "c@example.com", "Clerk-pass-2026")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def _as(client, user):
    client.defaults.update(HOST)
    client.force_login(user)
    return client


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _form_data(table: IndicatorTable) -> dict:
    """What the edit form posts unchanged: every field of the table and of each row, as the browser sends."""
    form = viewset.get_form_class()(instance=table)
    data = {}

    def put(bound):
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            return
        data[bound.html_name] = "" if value is None else str(value)

    for bound in form:
        put(bound)
    for formset in form.formsets.values():
        for bound in formset.management_form:
            put(bound)
        for child in formset.forms:
            for bound in child:
                put(bound)
    return data


def _row_index(table: IndicatorTable, name: str) -> int:
    return [row.name for row in table.indicators.all()].index(name)


def test_only_assessors_see_or_use_the_table(client, assessor, staff):
    table = table_services.seed_table(2026)
    _as(client, staff)
    for url in (
        INDEX,
        reverse("assessment_tables:edit", args=[table.pk]),
        reverse("assessment_table_copy", args=[table.pk]),
        reverse("assessment_table_seed"),
    ):
        assert _refused(client.get(url)), url
    assert _refused(client.post(reverse("assessment_table_copy", args=[table.pk]), {"year": 2027}))
    assert not IndicatorTable.objects.filter(year=2027).exists()
    listing = _as(client, assessor).get(INDEX)
    html = listing.content.decode()
    assert listing.status_code == 200 and "政府网站年度综合考评" in html and "指标数" in html
    assert "复制到新年度" in html and reverse("assessment_table_copy", args=[table.pk]) in html


def test_an_assessor_by_permission_may_use_it(client, staff):
    staff.user_permissions.add(Permission.objects.get(codename="assess"))
    staff = get_user_model().objects.get(pk=staff.pk)
    assert _as(client, staff).get(INDEX).status_code == 200


def test_the_2022_method_is_imported_when_no_table_exists(client, assessor):
    _as(client, assessor)
    assert "从 2022 年办法导入" in client.get(INDEX).content.decode()
    form = client.get(reverse("assessment_table_seed"))
    assert 'value="2026"' in form.content.decode()
    response = client.post(reverse("assessment_table_seed"), {"year": "2026"})
    table = IndicatorTable.objects.get(year=2026)
    assert response["Location"] == reverse("assessment_tables:edit", args=[table.pk])
    assert table.indicators.count() == len(table_services.seed_data()["indicators"])
    assert "从 2022 年办法导入" not in client.get(INDEX).content.decode()
    again = client.post(reverse("assessment_table_seed"), {"year": "2026"})
    assert again.status_code == 200 and "2026 年已有考核指标表" in again.content.decode()
    bad = client.post(reverse("assessment_table_seed"), {"year": "二〇二六"})
    assert "请填写四位数字的年份" in bad.content.decode()


def test_a_table_is_copied_to_a_new_year_and_not_over_an_existing_one(client, assessor):
    source = table_services.seed_table(2026)
    source.title = "2026年政府网站考评"
    source.save()
    _as(client, assessor)
    url = reverse("assessment_table_copy", args=[source.pk])
    assert 'value="2027"' in client.get(url).content.decode()
    response = client.post(url, {"year": "2027"})
    copy = IndicatorTable.objects.get(year=2027)
    assert response["Location"] == reverse("assessment_tables:edit", args=[copy.pk])
    assert copy.title == "2026年政府网站考评" and copy.weights == source.weights
    assert [(r.name, r.points, r.basis, r.source) for r in copy.indicators.all()] == [
        (r.name, r.points, r.basis, r.source) for r in source.indicators.all()
    ]
    again = client.post(url, {"year": "2027"})
    assert again.status_code == 200 and "2027 年已有考核指标表" in again.content.decode()
    assert IndicatorTable.objects.filter(year=2027).count() == 1


def test_an_unchanged_edit_saves(client, assessor):
    table = table_services.seed_table(2026)
    data = _form_data(table)
    data["title"] = "改过的名称"
    response = _as(client, assessor).post(reverse("assessment_tables:edit", args=[table.pk]), data)
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.title == "改过的名称"
    assert table.indicators.count() == len(table_services.seed_data()["indicators"])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("weights", "两部分权重之和应为 1"),
        ("points", "的二级指标分值合计"),
        ("source", "自动计分来源“no_such_source”不存在"),
    ],
)
def test_a_bad_edit_is_refused_in_chinese_and_nothing_is_saved(client, assessor, change, words):
    table = table_services.seed_table(2026)
    data = _form_data(table)
    data["title"] = "不应保存"
    if change == "weights":
        weights = {**table.weights, "county": {"evaluation": 0.9, "assurance": 0.2}}
        data["weights"] = json.dumps(weights)
    elif change == "points":
        data[f"indicators-{_row_index(table, '内容更新')}-points"] = "16"
    else:
        auto = table.indicators.filter(basis=Basis.AUTO).first()
        data[f"indicators-{_row_index(table, auto.name)}-source"] = "no_such_source"
    response = _as(client, assessor).post(
        reverse("assessment_tables:edit", args=[table.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    table.refresh_from_db()
    assert table.title != "不应保存"
    assert table.indicators.get(name="内容更新").points == Decimal(15)


def test_a_row_with_results_cannot_be_deleted(client, assessor):
    table = table_services.seed_table(2026)
    unit = OrgUnit.objects.create(name="甲县", kind="county")
    bonus = table.indicators.filter(kind=RowKind.BONUS).first()
    OutsideResult.objects.create(
        indicator=bonus, unit=unit, year=2026, amount=Decimal(1), happened_on=date(2026, 3, 1),
        note="省级排名", entered_by=assessor, entered_at=NOW,
    )  # fmt: skip
    data = _form_data(table)
    data[f"indicators-{_row_index(table, bonus.name)}-DELETE"] = "on"
    response = _as(client, assessor).post(
        reverse("assessment_tables:edit", args=[table.pk]), data, follow=True
    )
    assert f"指标“{bonus.name}”已有抽查记录或外部结果，不能删除" in response.content.decode()
    assert table.indicators.filter(pk=bonus.pk).exists()
    deleted = client.post(reverse("assessment_tables:delete", args=[table.pk]), follow=True)
    assert "不能删除" in deleted.content.decode()
    assert IndicatorTable.objects.filter(pk=table.pk).exists()
