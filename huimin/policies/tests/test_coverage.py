"""Interpretation coverage per site and per unit, in queries and in the admin report."""

import pytest

from huimin.policies.models import InterpretationPage, PolicyPage
from huimin.policies.queries import (
    coverage_by_site,
    coverage_by_unit,
    interpretations_without_policy,
    policies_without_interpretation,
)
from huimin.policies.services import link_interpretation

pytestmark = pytest.mark.django_db


def test_coverage_counts_policies_with_at_least_one_live_interpretation(demo):
    by_unit = {row.label: row for row in coverage_by_unit()}
    water = by_unit["宿迁市水利局"]
    policies = PolicyPage.objects.live().filter(issuer__name="宿迁市水利局")
    interpreted = policies.filter(interpretations__live=True).distinct().count()
    assert (water.total, water.interpreted) == (policies.count(), interpreted)
    assert 0 < water.share < 1
    assert sum(row.total for row in coverage_by_site()) == PolicyPage.objects.live().count()
    missing = set(policies_without_interpretation().values_list("pk", flat=True))
    assert missing == set(
        PolicyPage.objects.live().exclude(interpretations__live=True).values_list("pk", flat=True)
    )


def test_an_interpretation_without_a_policy_is_listed(demo):
    orphan = InterpretationPage.objects.live().first()
    link_interpretation(orphan, [])
    assert orphan in list(interpretations_without_policy())


def test_the_admin_report_shows_coverage_to_staff_and_nothing_to_strangers(client, demo):
    client.login(username="admin", password=demo.password)
    response = client.get("/admin/reports/policy-coverage/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    text = response.content.decode()
    assert "按发布机构" in text and "宿迁市水利局" in text
    client.logout()
    anonymous = client.get("/admin/reports/policy-coverage/", HTTP_HOST="127.0.0.1:8000")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
