"""The demo builds the whole site group once, and a second run changes nothing."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Page, Site

from huimin.articles.models import ArticlePage
from huimin.conftest import DEMO_NOW
from huimin.demo.builder import build_demo
from huimin.sites.enums import OrgUnitKind
from huimin.sites.models import ColumnPage, OrgUnit, SiteIdentity
from huimin.sites.queries import newest_item_date

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Site.objects.count(),
        Page.objects.count(),
        get_user_model().objects.count(),
        OrgUnit.objects.count(),
    )


def test_a_second_run_creates_nothing(demo):
    before = _counts()
    again = build_demo(port=8000, now=DEMO_NOW + timedelta(days=3))
    assert again.articles_created == 0 and again.letters_created == 0
    assert _counts() == before


def test_the_group_has_the_portal_two_counties_and_two_departments(demo):
    kinds = {
        i.site.hostname: i.org_unit.kind for i in SiteIdentity.objects.select_related("site", "org_unit")
    }
    assert kinds == {
        "127.0.0.1": OrgUnitKind.CITY_OFFICE,
        "shuyang.localhost": OrgUnitKind.COUNTY,
        "sucheng.localhost": OrgUnitKind.COUNTY,
        "slj.localhost": OrgUnitKind.DEPARTMENT_TIER1,
        "jyj.localhost": OrgUnitKind.DEPARTMENT_TIER1,
    }
    assert not Site.objects.filter(is_default_site=True).exists()
    assert {c.username for c in demo.credentials} >= {
        "admin",
        "portal-editor",
        "jyj-handler",
        "slj-siteadmin",
    }


def test_the_seed_documents_are_published_as_real_content(demo):
    seed_2022 = ArticlePage.objects.get(slug="seed-2022-website-work-points")
    # Shown in simplified characters; the original (traditional) file is attached (test_content.py).
    assert "2022年宿迁市政府网站工作要点" in seed_2022.body and "网民留言办理规范" in seed_2022.body
    assert "名稱 |" not in seed_2022.body and not seed_2022.is_demo
    seed_2023 = ArticlePage.objects.get(slug="seed-2023-website-work-points")
    assert "2023年政府网站工作要点" in seed_2023.body
    assert "配套讲稿" not in seed_2023.body and "第壹文秘" not in seed_2023.body.split("</p>", 2)[-1]


def test_demo_articles_are_dated_relative_to_now(demo):
    demo_articles = ArticlePage.objects.filter(slug__startswith="demo-")
    assert demo_articles.count() > 200
    assert not demo_articles.filter(pub_date__gt=DEMO_NOW).exists()


def test_some_columns_are_fresh_and_some_stale_so_staleness_looks_real(demo):
    def column(host, slug):
        return ColumnPage.objects.get(slug=slug, url_path__startswith=f"/{host.replace('.', '-')}/")

    fresh = column("127.0.0.1", "gzdt")
    assert DEMO_NOW - newest_item_date(fresh) < timedelta(days=fresh.cycle_days)
    stale_news = column("slj.localhost", "gzdt")
    assert DEMO_NOW - newest_item_date(stale_news) > timedelta(days=stale_news.cycle_days)
    stale_notices = column("sucheng.localhost", "tzgg")
    assert DEMO_NOW - newest_item_date(stale_notices) > timedelta(days=stale_notices.cycle_days)
    surveys = column("127.0.0.1", "zjdc")  # 征集调查 lists the demo's surveys, the newest within its cycle
    assert DEMO_NOW - newest_item_date(surveys) < timedelta(days=surveys.cycle_days)


def test_the_command_prints_the_sites_the_admin_and_every_account(demo):
    out = StringIO()
    call_command("loaddemo", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["admin_url"] == "http://127.0.0.1:8000/admin/"
    assert {s["url"] for s in data["sites"]} >= {
        "http://slj.localhost:8000/",
        "http://shuyang.localhost:8000/",
    }
    assert data["password"] == demo.password and data["articles_created"] == 0
    text = StringIO()
    call_command("loaddemo", stdout=text)
    assert "管理后台：http://127.0.0.1:8000/admin/" in text.getvalue() and "portal-editor" in text.getvalue()


def test_the_command_refuses_a_production_database(demo):
    with (
        override_settings(SETTINGS_MODULE="huimin.settings.production"),
        pytest.raises(CommandError, match="生产环境"),
    ):
        call_command("loaddemo")


def test_the_demo_has_letters_in_every_state(demo):
    from huimin.letters.deadlines import level
    from huimin.letters.enums import Level, State
    from huimin.letters.models import Letter

    letters = list(Letter.objects.filter(external_id__startswith="DEMO-"))
    assert {letter.state for letter in letters} == set(State.values)
    levels = {level(letter, DEMO_NOW) for letter in letters}
    assert {Level.NORMAL, Level.OVERDUE} <= levels
