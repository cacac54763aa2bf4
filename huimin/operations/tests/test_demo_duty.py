"""The demo's 运维责任: a content-quality requirement on the demo's columns but one, a roster on every demo
site from the first of last month to the end of this one, readings on most working days before the demo's
`now` with a few missed, today's reading still to do; building again adds nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.duty import MISSED, build_duty_demo
from huimin.operations import queries
from huimin.operations.models import DutyReading, DutyRoster
from huimin.sites.models import ColumnPage

# Without the mark no test database is set up at all, and `demo` would build in the real one.
pytestmark = pytest.mark.django_db


def test_every_demo_site_has_a_roster_readings_and_a_few_missed_days(demo):
    spec = load_spec()
    today = queries.today(DEMO_NOW)
    for site_spec in spec["sites"]:
        site = Site.objects.get(hostname=site_spec["hostname"])
        roster = DutyRoster.objects.filter(site=site)
        assert roster.filter(day__lt=today).count() > 10, site.hostname
        assert roster.filter(day=today).exists(), site.hostname  # someone is on duty today …
        assert not DutyReading.objects.filter(site=site, day=today).exists()  # … and has not recorded yet
        missed = queries.missed_days([site.pk], date_of_first(roster), today, DEMO_NOW)[site.pk]
        assert len(missed) == len(MISSED[site_spec["key"]]), site.hostname
        assert queries.unrecorded_duty_today(roster.get(day=today).person, DEMO_NOW)


def date_of_first(roster):
    return roster.order_by("day").first().day


def test_demo_columns_and_rebuilding(demo):
    without = ColumnPage.objects.filter(quality_requirement="", slug="zjdc")
    assert without.count() >= 1
    assert ColumnPage.objects.exclude(quality_requirement="").count() >= 40
    # The live revision carries it too: the editor shows what the list shows.
    column = ColumnPage.objects.exclude(quality_requirement="").first()
    assert column.live_revision.as_object().quality_requirement == column.quality_requirement
    admin = get_user_model().objects.get(username="admin")
    counts = (DutyRoster.objects.count(), DutyReading.objects.count())
    assert build_duty_demo(load_spec(), DEMO_NOW, admin) == 0
    assert (DutyRoster.objects.count(), DutyReading.objects.count()) == counts
