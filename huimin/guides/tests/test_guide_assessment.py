"""The 办事服务 assessment: seeded sampling, each indicator, the command's JSON, and the demo guides."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.guides import GUIDES, build_service_demo
from huimin.guides import assessment
from huimin.guides.checker import check_guide
from huimin.guides.models import HandlingStatistic, ServiceGuidePage

from .guide_helpers import make_guide

pytestmark = pytest.mark.django_db


def _rows(site, seed=1, now=DEMO_NOW):
    return {row.indicator: row for row in assessment.assess_site(site, now=now, seed=seed)}


def test_demo_guides_are_all_complete_and_clean(demo):
    guides = ServiceGuidePage.objects.live()
    assert guides.count() >= 10
    for guide in guides:
        assert check_guide(guide) == [], guide.title


def test_the_demo_builder_is_idempotent(demo):
    assert build_service_demo(load_spec(), DEMO_NOW, None) == 0
    assert ServiceGuidePage.objects.filter(slug__in=[g["slug"] for g in GUIDES]).count() == len(GUIDES)


def test_the_portal_scores_full_marks_for_clean_guides(demo):
    rows = _rows(Site.objects.get(hostname="127.0.0.1"))
    assert rows["办事指南"].score == 8 and rows["表格样表"].score == 2


def test_sampling_is_reproducible_with_a_seed_and_limited_to_five(demo):
    for n in range(4):
        make_guide(slug=f"sample-{n}", title=f"抽样事项{n}", hours="")
    site = Site.objects.get(hostname="127.0.0.1")
    first = _rows(site, seed=7)["办事指南"].notes
    assert first == _rows(site, seed=7)["办事指南"].notes
    assert len(first) == 5
    seen = {tuple(_rows(site, seed=s)["办事指南"].notes) for s in range(8)}
    assert len(seen) > 1


def test_guide_deductions_are_summed_and_capped(demo):
    site = Site.objects.get(hostname="slj.localhost")
    for n in range(3):
        make_guide(slug=f"bad-{n}", title=f"坏事项{n}")  # portal, not slj
    rng = __import__("random").Random(0)
    assert assessment.assess_guides(site, rng).score == 8
    from huimin.guides.models import GuideIndexPage
    from huimin.guides.services import upsert_guide

    index = GuideIndexPage.objects.child_of(site.root_page).get(slug="bszn")
    for n in range(3):
        upsert_guide({"slug": f"empty-{n}", "title": f"空事项{n}"}, index)
    row = _rows(site, seed=3)["办事指南"]
    assert row.score == 0  # five sampled, three empty guides lose 4.5 each: capped at 0


def test_forms_lose_a_point_per_sampled_guide_lacking_them(demo):
    site = Site.objects.get(hostname="slj.localhost")
    from huimin.guides.models import GuideIndexPage
    from huimin.guides.services import upsert_guide

    from .guide_helpers import good_data

    index = GuideIndexPage.objects.child_of(site.root_page).get(slug="bszn")
    ServiceGuidePage.objects.child_of(index).update(live=False)
    for n in range(2):
        upsert_guide(
            good_data(
                slug=f"noform-{n}",
                materials=[
                    {"name": "申请表", "form": "original", "medium": "paper", "copies": 1, "needs_form": True}
                ],
            ),
            index,
        )
    row = _rows(site)["表格样表"]
    assert row.score == 0 and len(row.notes) == 2


def test_statistics_score_follows_the_newest_update(demo):
    site = Site.objects.get(hostname="127.0.0.1")
    newest = HandlingStatistic.objects.order_by("-updated_at").first()
    assert newest is not None
    assert _rows(site, now=newest.updated_at + timedelta(days=5))["办事统计"].score == 2
    assert _rows(site, now=newest.updated_at + timedelta(days=45))["办事统计"].score == 1
    assert _rows(site, now=newest.updated_at + timedelta(days=100))["办事统计"].score == 0
    HandlingStatistic.objects.all().delete()
    assert _rows(site)["办事统计"].score == 0


def test_integration_counts_live_integrated_topics(demo, monkeypatch):
    site = Site.objects.get(hostname="127.0.0.1")
    for count, score in ((0, 0), (1, 2), (2, 2), (3, 4), (None, 0)):
        monkeypatch.setattr(assessment, "count_integrated_topics", lambda s, now=None, c=count: c)
        assert _rows(site)["服务集成"].score == score


def test_integration_counts_the_demo_topics(demo):
    count = assessment.count_integrated_topics(Site.objects.get(hostname="127.0.0.1"))
    assert count is not None and count >= 3


def test_the_command_prints_json(demo):
    out = StringIO()
    call_command("assess-services", "--site", "jyj.localhost", "--seed", "1", "--json", stdout=out)
    [result] = json.loads(out.getvalue())
    assert result["site"] == "jyj.localhost"
    assert [row["indicator"] for row in result["rows"]] == ["办事指南", "表格样表", "办事统计", "服务集成"]
    assert result["rows"][0]["score"] == 8


def test_the_command_refuses_an_unknown_site(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有主机名"):
        call_command("assess-services", "--site", "nowhere.localhost", stdout=StringIO())
