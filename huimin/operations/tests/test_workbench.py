"""值班读网 on the 工作台: the person on duty today sees “今日值班读网未记录” until a reading is recorded; the
site's administrator (and the platform administrator) sees this month's missed working days per site, and
the sites that have no roster yet; nobody sees another site's."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from huimin.operations import services
from huimin.operations.enums import Rotation
from huimin.operations.wagtail_hooks import duty_panel, duty_today_panel
from huimin.sites.enums import Role

from .helpers import SH, make_site, person, platform_admin

pytestmark = pytest.mark.django_db
NOW = datetime(2030, 3, 13, 9, 30, tzinfo=SH)  # a Wednesday


@pytest.fixture
def team():
    unit, site = make_site("工作台")
    admin = person(site, unit, Role.SITE_ADMIN, name="站长")
    reader = person(site, unit, Role.EDITOR, name="读网员")
    services.arrange_roster(
        site,
        people=[reader],
        start=date(2030, 3, 4),
        end=date(2030, 3, 29),
        rotation=Rotation.DAILY,
        actor=admin,
        now=datetime(2030, 3, 4, 9, 0, tzinfo=SH),
    )
    for day in (date(2030, 3, 4), date(2030, 3, 5), date(2030, 3, 7), date(2030, 3, 11)):
        at = datetime(day.year, day.month, day.day, 16, 0, tzinfo=SH)
        services.record_reading(site, day=day, pages_read=5, actor=reader, now=at)
    return {"unit": unit, "site": site, "admin": admin, "reader": reader}


def test_the_person_on_duty_is_told_until_the_reading_is_recorded(team):
    panel = duty_today_panel(team["reader"], NOW)
    context = panel.get_context_data()
    assert context["heading"] == "今日值班读网"
    [row] = context["rows"]
    assert row.label == "工作台测试网站：今日值班读网未记录" and row.alert
    assert row.url == reverse("operations_duty_record", args=[team["site"].pk]) + "?day=2030-03-13"
    assert duty_today_panel(team["admin"], NOW) is None  # not on duty
    services.record_reading(team["site"], day=date(2030, 3, 13), pages_read=3, actor=team["reader"], now=NOW)
    assert duty_today_panel(team["reader"], NOW) is None


def test_the_site_administrator_sees_this_months_missed_days(team):
    context = duty_panel(team["admin"], NOW).get_context_data()
    assert context["heading"] == "值班读网"
    # Working days from the first on the roster (03-04) to yesterday; 03-09 and 03-10 are a weekend.
    assert [(row.label, row.count) for row in context["counts"]] == [("本月漏记（工作日）", 3)]
    [row] = context["rows"]
    assert (row.label, row.note) == ("工作台测试网站", "本月漏记 3 个工作日：3月6日、3月8日、3月12日")
    assert row.url == reverse("operations_duty_site", args=[team["site"].pk])
    # Editors and handlers get no overview panel.
    assert duty_panel(team["reader"], NOW) is None


@time_machine.travel(NOW, tick=False)
def test_the_home_page_shows_both_panels_in_words(client, team):
    client.force_login(team["reader"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "今日值班读网" in page and "今日值班读网未记录" in page
    client.force_login(team["admin"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "本月漏记（工作日）" in page and "本月漏记 3 个工作日" in page and "查看值班记录" in page


def test_the_platform_administrator_sees_every_site_and_those_without_a_roster(team, monkeypatch):
    # Room for every site in the database (the demo's late sites, when it was built here, come first).
    monkeypatch.setattr("huimin.operations.wagtail_hooks.SITE_ROWS", 100)
    make_site("未排班")
    context = duty_panel(platform_admin(), NOW).get_context_data()
    labels = {row.label: row.note for row in context["rows"]}
    assert labels["工作台测试网站"].startswith("本月漏记 3 个工作日")
    assert labels["未排班测试网站"] == "尚未安排值班读网"
    counts = {row.label: row.count for row in context["counts"]}
    assert counts["尚未安排值班的网站"] >= 1 and counts["本月漏记（工作日）"] >= 3


def test_another_sites_administrator_sees_nothing_of_this_site(team):
    other_unit, other_site = make_site("他站")
    stranger = person(other_site, other_unit, Role.SITE_ADMIN)
    context = duty_panel(stranger, NOW).get_context_data()
    assert [row.label for row in context["rows"]] == ["他站测试网站"]
    assert context["rows"][0].note == "尚未安排值班读网"
