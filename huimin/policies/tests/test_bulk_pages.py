"""Adding pages in bulk leaves the same tree, revisions, audit log and signals as adding them one by one."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.models import Page, PageLogEntry, Site
from wagtail.signals import page_published

from huimin.core.pages import add_and_publish_many
from huimin.policies.models import Industry, PolicyLibraryPage, PolicyPage, ServiceObject
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _library():
    return PolicyLibraryPage.objects.in_site(Site.objects.get(hostname="slj.localhost")).get()


def _policy(n: int, **values) -> PolicyPage:
    values = {
        "title": f"批量文件{n}",
        "slug": f"bulk-{n}",
        "index_number": f"BULK/{n}",
        "body": "<p>正文</p>",
        "pub_date": datetime(2025, 3, n, 9, 0, tzinfo=SHANGHAI),
        "issuer": OrgUnit.objects.get(name="宿迁市水利局"),
    } | values
    return PolicyPage(**values)


def test_a_bulk_add_gives_a_sound_tree_live_revisions_links_log_and_signals(demo):
    library = _library()
    children_before = library.get_children().count()
    industries = list(Industry.objects.order_by("pk")[:2])
    service_object = ServiceObject.objects.order_by("pk").first()
    pages = [_policy(n) for n in range(1, 6)]
    pages[0].industries.set(industries)
    pages[4].service_objects.set([service_object])
    published = []

    def record(sender, instance, revision, **kwargs):
        published.append((sender, instance.pk, revision.pk))

    page_published.connect(record)
    try:
        with transaction.atomic():
            add_and_publish_many(library, pages)
    finally:
        page_published.disconnect(record)

    assert all(not problems for problems in Page.find_problems())
    library.refresh_from_db()
    assert library.numchild == children_before + 5 == library.get_children().count()
    for page in pages:
        stored = PolicyPage.objects.get(pk=page.pk)
        assert stored.live and not stored.has_unpublished_changes
        assert stored.url_path == f"{library.url_path}{page.slug}/"
        assert stored.pub_year == 2025
        assert stored.live_revision_id == stored.latest_revision_id
        assert stored.live_revision.as_object().title == page.title
        actions = set(PageLogEntry.objects.filter(page_id=page.pk).values_list("action", flat=True))
        assert actions == {"wagtail.create", "wagtail.publish"}
        assert stored.get_url_parts() is not None
    assert set(PolicyPage.objects.get(pk=pages[0].pk).industries.all()) == set(industries)
    assert list(PolicyPage.objects.get(pk=pages[4].pk).service_objects.all()) == [service_object]
    assert [(sender, pk) for sender, pk, _ in published] == [(PolicyPage, p.pk) for p in pages]
    # The next page added the ordinary way lands after them in the tree.
    later = library.add_child(instance=_policy(9))
    assert later.path > max(p.path for p in pages)


def test_an_invalid_page_or_a_repeated_slug_refuses_the_whole_batch(demo):
    library = _library()
    before = PolicyPage.objects.count()
    twins = [_policy(1), _policy(2, slug="bulk-1")]
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        add_and_publish_many(library, twins)
    assert "批量文件1" in str(refused.value)
    broken = [_policy(3), _policy(4, doc_number="没有年份的文号")]
    with pytest.raises(ValidationError), transaction.atomic():
        add_and_publish_many(library, broken)
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        add_and_publish_many(library, [_policy(6), _policy(7, index_number="BULK/6")])
    assert "索引号" in str(refused.value)
    taken = PolicyPage.objects.live().descendant_of(library).first()
    with pytest.raises(ValidationError), transaction.atomic():
        add_and_publish_many(library, [_policy(5, slug=taken.slug)])
    assert PolicyPage.objects.count() == before


def test_a_person_without_publishing_rights_is_refused(demo, django_user_model):
    editor = django_user_model.objects.get(username="slj-editor")
    with pytest.raises(PermissionDenied), transaction.atomic():
        add_and_publish_many(_library(), [_policy(1)], actor=editor)
    assert not PolicyPage.objects.filter(index_number="BULK/1").exists()
