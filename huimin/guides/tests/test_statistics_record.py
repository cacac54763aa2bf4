"""Recording one unit's month of handling figures: who may, what is refused, and the audit trail.

Personas: the 水利局 site's editor and site administrator, the 沭阳县 site administrator (whose county
office sits below the county), and the platform administrator.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from huimin.conftest import DEMO_NOW
from huimin.guides.models import HandlingStatistic
from huimin.guides.statistics import RECORD_ACTION, record_month, recordable_units
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
FIGURES = {"received": 100, "completed": 90, "online": 70, "on_time": 88}
OLD_MONTH = date(2024, 3, 1)


def _user(name):
    return get_user_model().objects.get(username=name)


def _unit(name):
    return OrgUnit.objects.get(name=name)


def test_an_editor_records_their_own_units_month_and_the_change_is_logged(demo):
    editor = _user("slj-editor")
    statistic, created = record_month(
        _unit("宿迁市水利局"), OLD_MONTH, FIGURES, actor=editor, source="手工录入", now=DEMO_NOW
    )
    assert created and statistic.updated_at == DEMO_NOW and statistic.updated_by == editor
    entry = ModelLogEntry.objects.filter(action=RECORD_ACTION, object_id=str(statistic.pk)).get()
    assert entry.user_id == editor.pk and entry.data["received"] == 100 and entry.data["created"] is True


def test_recording_the_same_month_again_replaces_the_figures_instead_of_adding_a_row(demo):
    unit, editor = _unit("宿迁市水利局"), _user("slj-editor")
    record_month(unit, OLD_MONTH, FIGURES, actor=editor, now=DEMO_NOW)
    later = DEMO_NOW + timedelta(hours=1)
    statistic, created = record_month(unit, OLD_MONTH, {**FIGURES, "received": 120}, actor=editor, now=later)
    assert not created and statistic.received == 120 and statistic.updated_at == later
    assert HandlingStatistic.objects.filter(unit=unit, month=OLD_MONTH).count() == 1


def test_an_editor_of_the_water_bureau_cannot_record_the_education_bureaus_figures(demo):
    with pytest.raises(PermissionDenied, match="宿迁市教育局"):
        record_month(_unit("宿迁市教育局"), OLD_MONTH, FIGURES, actor=_user("slj-editor"), now=DEMO_NOW)
    assert not HandlingStatistic.objects.filter(unit__name="宿迁市教育局", month=OLD_MONTH).exists()


def test_a_message_handler_may_not_record_figures_at_all(demo):
    assert not recordable_units(_user("slj-handler")).exists()
    with pytest.raises(PermissionDenied):
        record_month(_unit("宿迁市水利局"), OLD_MONTH, FIGURES, actor=_user("slj-handler"), now=DEMO_NOW)


def test_a_site_administrator_covers_the_units_below_their_own_and_nothing_else(demo):
    units = set(recordable_units(_user("shuyang-siteadmin")).values_list("name", flat=True))
    assert units == {"沭阳县", "沭阳县人民政府办公室"}


def test_the_platform_administrator_may_record_any_unit(demo):
    admin = get_user_model().objects.filter(is_superuser=True).first()
    _, created = record_month(_unit("宿迁市档案馆"), OLD_MONTH, FIGURES, actor=admin, now=DEMO_NOW)
    assert created


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({**FIGURES, "completed": 101}, "completed"),
        ({**FIGURES, "online": 101}, "online"),
        ({**FIGURES, "on_time": 91}, "on_time"),
    ],
)
def test_it_refuses_figures_that_contradict_each_other(demo, figures, field):
    with pytest.raises(ValidationError) as caught:
        record_month(_unit("宿迁市水利局"), OLD_MONTH, figures, actor=_user("slj-editor"), now=DEMO_NOW)
    assert field in caught.value.message_dict
    assert not HandlingStatistic.objects.filter(unit__name="宿迁市水利局", month=OLD_MONTH).exists()


def test_it_refuses_a_month_after_the_current_one_and_a_missing_figure(demo):
    unit, editor = _unit("宿迁市水利局"), _user("slj-editor")
    with pytest.raises(ValidationError, match="晚于当前月份"):
        record_month(unit, date(2026, 12, 1), FIGURES, actor=editor, now=DEMO_NOW)
    with pytest.raises(ValidationError, match="按时办结件数"):
        record_month(unit, OLD_MONTH, {**FIGURES, "on_time": None}, actor=editor, now=DEMO_NOW)
    with pytest.raises(ValidationError, match="第一天"):
        record_month(unit, date(2024, 3, 5), FIGURES, actor=editor, now=DEMO_NOW)
