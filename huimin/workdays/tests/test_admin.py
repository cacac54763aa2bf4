"""The calendar admin: a year's notice in one form, edits through the services, the dashboard warning."""

from datetime import date, datetime

import pytest
import time_machine
from wagtail.models import ModelLogEntry

from huimin.workdays.models import CalendarDay
from huimin.workdays.queries import default_calendar
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
NOTICE = "/admin/workdays/notice/"
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def on_a_site_of_the_group(demo, client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"


@pytest.fixture(autouse=True)
def clock():
    """Late November 2026, before next year's notice is out; logins happen under the same clock."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def platform_admin(django_user_model, client):
    user = django_user_model.objects.create_superuser("calendar-keeper", password="not-used-here")
    client.force_login(user)
    return user


def test_the_dashboard_warns_until_next_years_notice_is_entered(client, platform_admin):
    html = client.get("/admin/").content.decode()
    assert "工作日历缺少 2027 年的放假安排" in html
    response = client.post(
        NOTICE,
        {
            "calendar": default_calendar().pk,
            "year": 2027,
            "text": "元旦 2027-01-01~2027-01-03\n春节 2027-02-06~2027-02-13 调休 2027-02-14",
        },
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(calendar=default_calendar(), date=date(2027, 2, 14)).exists()
    assert "工作日历缺少" not in client.get("/admin/").content.decode()


def test_a_broken_notice_comes_back_with_every_problem_named(client, platform_admin):
    response = client.post(
        NOTICE,
        {
            "calendar": default_calendar().pk,
            "year": 2027,
            "text": "元旦 2027-13-01\n<script>alert(1)</script>",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "第 1 行" in html and "第 2 行" in html
    assert "<script>alert(1)</script>" not in html
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_people_other_than_platform_administrators_cannot_touch_calendars(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("site-editor", password="not-used-here")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get(NOTICE).status_code in (302, 403)
    assert client.post(
        NOTICE, {"calendar": default_calendar().pk, "year": 2027, "text": "元旦 2027-01-01"}
    ).status_code in (302, 403)
    assert client.get("/admin/calendar-days/").status_code in (302, 403)
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_editing_a_day_in_the_admin_goes_through_the_service(client, platform_admin):
    city = default_calendar()
    response = client.post(
        "/admin/calendar-days/new/",
        {"calendar": city.pk, "date": "2026-12-28", "kind": "holiday", "name": "测试假日"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(calendar=city, date=date(2026, 12, 28)).name == "测试假日"
    assert ModelLogEntry.objects.filter(action="huimin.calendar.day", object_id=str(city.pk)).exists()
    refused = client.post(
        "/admin/calendar-days/new/",
        {"calendar": city.pk, "date": "2026-12-30", "kind": "workday", "name": "周三调休"},
    )
    assert refused.status_code == 200 and "周六或周日" in refused.content.decode()


def test_the_default_calendar_cannot_be_deleted(client, platform_admin):
    city = default_calendar()
    client.post(f"/admin/calendars/delete/{city.pk}/")
    assert default_calendar().pk == city.pk
