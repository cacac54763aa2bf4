"""The item index follows publishing (signals → tasks on commit), `huimin profiles-index` rebuilds it,
`huimin profiles-prune` forgets what is past keeping, and 我的数据 exports and erases a profile."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from huimin.accounts.personal_data import HOLDERS
from huimin.profiles import popularity, services
from huimin.profiles.enums import Correction
from huimin.profiles.models import Interaction, Interest, Item, ItemTag, Popularity
from huimin.profiles.rules import rules
from huimin.profiles.tests.factories import NOW, consenting, fresh_article, items_on, read, site

pytestmark = pytest.mark.django_db


def test_a_published_page_becomes_an_item_with_its_tags_and_unpublishing_removes_it(
    demo, django_capture_on_commit_callbacks
):
    from huimin.articles.services import publish_article
    from huimin.sites.models import ColumnPage

    column = ColumnPage.objects.descendant_of(site().root_page).filter(column_type__name="工作动态").first()
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_article(
            column,
            title="全市养老服务设施建设推进会召开",
            slug="profiles-index-signal",
            body="<p>推进居家养老服务。</p>",
            pub_date=NOW - timedelta(hours=2),
        )
    item = Item.objects.get(pk=page.pk)
    assert item.site_id == site().pk and item.kind == "news" and item.path == page.get_url_parts()[2]
    assert ["group", "老年人"] in item.tags
    assert ItemTag.objects.filter(item=item, key="group", value="老年人", site=site()).exists()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not Item.objects.filter(pk=page.pk).exists()


def test_a_restricted_page_is_no_item(demo, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    item = fresh_article()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page_id=item.pk, restriction_type="login")
    assert not Item.objects.filter(pk=item.pk).exists()


def test_the_index_command_rebuilds_and_reports_in_json(demo):
    item = items_on()[0]
    Item.objects.filter(pk=item.pk).delete()
    out = StringIO()
    call_command("profiles-index", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["indexed"] >= 300 and result["kinds"]["policy"] >= 5
    assert Item.objects.filter(pk=item.pk).exists()
    out = StringIO()
    call_command("profiles-index", stdout=out)
    assert "推荐索引已重建" in out.getvalue()


def test_prune_forgets_old_records_faded_interests_and_old_counts_and_is_idempotent(demo):
    account = consenting()
    old = items_on(key="group", value="学生")[0]
    recent = items_on(key="group", value="老年人")[0]
    long_ago = NOW - timedelta(days=rules().retention_days + 10)
    read(account, [old], now=long_ago)
    read(account, [recent], now=NOW - timedelta(days=1))
    services.correct(account, Correction.BLOCK, "industry", "制造业", actor=account.user, now=long_ago)
    popularity.count_view(recent.pk, recent.site_id, "someone", now=long_ago)
    popularity.flush()
    first = services.prune(now=NOW)
    assert first.interactions >= 1 and first.interests >= 1 and first.popularity >= 1
    assert not Interaction.objects.filter(account=account, page_id=old.pk).exists()
    assert Interaction.objects.filter(account=account, page_id=recent.pk).exists()
    assert not Interest.objects.filter(account=account, key="group", value="学生").exists()
    assert Interest.objects.filter(account=account, key="group", value="老年人").exists()
    assert Interest.objects.filter(account=account, key="industry", value="制造业").exists()  # a block stays
    assert not Popularity.objects.filter(day=long_ago.date()).exists()
    again = services.prune(now=NOW)
    assert (again.interactions, again.interests, again.popularity) == (0, 0, 0)


def test_the_prune_command_reports_in_json(demo):
    out = StringIO()
    call_command("profiles-prune", "--json", stdout=out)
    assert set(json.loads(out.getvalue())) == {"interactions", "interests", "popularity"}


def test_my_data_exports_the_profile_and_erasing_leaves_nothing(demo):
    account = consenting()
    read(account, items_on(key="group", value="老年人")[:2], now=NOW - timedelta(days=1))
    services.record_search(account, "养老服务", site_id=None, now=NOW)
    holder = HOLDERS["profiles"]
    exported = holder.export(account)
    json.dumps(exported, ensure_ascii=False)  # JSON-ready
    assert {entry["kind"] for entry in exported["interactions"]} == {"read", "search"}
    assert any(entry["value"] == "老年人" for entry in exported["interests"])
    other = consenting()
    read(other, items_on()[:1], now=NOW)
    assert holder.erase(account) == ""
    assert not Interaction.objects.filter(account=account).exists()
    assert not Interest.objects.filter(account=account).exists()
    assert Interaction.objects.filter(account=other).exists()
