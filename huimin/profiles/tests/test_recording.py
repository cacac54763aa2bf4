"""What else is recorded for a consenting citizen, and only for them: searches (/search/), questions (/qa/),
downloads of an item's attachments (Wagtail's document view) and of a dataset's resources. The pages answer
exactly as before for everybody."""

from __future__ import annotations

import pytest
from wagtail.documents.models import Document
from wagtail.models import ReferenceIndex

from huimin.opendata.models import DatasetPage, Resource
from huimin.profiles.enums import InteractionKind
from huimin.profiles.models import Interaction, Item
from huimin.profiles.tests.factories import HOST, NOW, citizen, consenting

pytestmark = pytest.mark.django_db

SERVER = {"HTTP_HOST": HOST}


def _records(account, kind):
    return list(Interaction.objects.filter(account=account, kind=kind))


def test_a_consenting_citizens_search_is_recorded_with_the_tags_it_names(client, demo, clock):
    account = consenting()
    client.force_login(account.user)
    assert client.get("/search/", {"q": "养老服务补贴"}, **SERVER).status_code == 200
    (record,) = _records(account, InteractionKind.SEARCH)
    assert record.text == "养老服务补贴" and ["group", "老年人"] in record.tags and record.at == NOW
    client.get("/search/", {"q": "养老服务补贴", "page": "2"}, **SERVER)  # a further page is no new search
    assert len(_records(account, InteractionKind.SEARCH)) == 1


def test_a_search_is_not_recorded_for_anyone_else(client, demo, clock):
    before = Interaction.objects.count()
    assert client.get("/search/", {"q": "养老服务补贴"}, **SERVER).status_code == 200
    account = citizen()
    client.force_login(account.user)
    assert client.get("/search/", {"q": "养老服务补贴"}, **SERVER).status_code == 200
    assert Interaction.objects.count() == before


def test_a_hostile_search_is_recorded_cleaned_or_not_at_all(client, demo, clock):
    account = consenting()
    client.force_login(account.user)
    for query in ("养老\x00补贴\x1b", "<script>alert(1)</script>", "国" * 1000):
        assert client.get("/search/", {"q": query}, **SERVER).status_code == 200
    texts = [record.text for record in _records(account, InteractionKind.SEARCH)]
    assert all("\x00" not in text and len(text) <= 200 for text in texts)
    assert "养老补贴" in texts


def test_a_consenting_citizens_question_is_recorded(client, demo, clock):
    account = consenting()
    client.force_login(account.user)
    assert client.get("/qa/", {"q": "大学生创业有什么补贴？"}, **SERVER).status_code == 200
    (record,) = _records(account, InteractionKind.QUESTION)
    assert ["group", "创业者"] in record.tags
    client.logout()
    before = Interaction.objects.count()
    client.get("/qa/", {"q": "大学生创业有什么补贴？"}, **SERVER)
    assert Interaction.objects.count() == before


def _attachment_with_item():
    for document in Document.objects.order_by("pk"):
        owners = [int(ref.object_id) for ref in ReferenceIndex.get_references_to(document)]
        item = Item.objects.filter(pk__in=owners).first()
        if item is not None:
            return document, item
    raise AssertionError("the demo has no attachment on an item")


def _serve_document_hooks(document, user, host):
    """Wagtail's document view runs these before it sends the file (the test storage has no files to send)."""
    from django.test import RequestFactory
    from wagtail import hooks

    request = RequestFactory().get(document.url, HTTP_HOST=host)
    request.user = user
    for hook in hooks.get_hooks("before_serve_document"):
        assert hook(document, request) is None  # none refuses a published attachment


def test_downloading_an_items_attachment_is_recorded_as_a_download_of_the_item(demo, clock):
    from django.contrib.auth.models import AnonymousUser

    document, item = _attachment_with_item()
    account = consenting()
    _serve_document_hooks(document, account.user, item.site.hostname)
    (record,) = _records(account, InteractionKind.DOWNLOAD)
    assert record.page_id == item.pk and record.text == item.title
    before = Interaction.objects.count()
    _serve_document_hooks(document, AnonymousUser(), item.site.hostname)
    _serve_document_hooks(document, citizen().user, item.site.hostname)
    assert Interaction.objects.count() == before


def test_downloading_a_datasets_resource_is_recorded(client, demo, clock):
    dataset = DatasetPage.objects.live().order_by("pk").first()
    resource = Resource.objects.filter(dataset=dataset, current_version__isnull=False).first()
    _site_id, root, path = dataset.get_url_parts()
    host = root.split("//", 1)[1].split(":", 1)[0]
    account = consenting()
    client.force_login(account.user)
    response = client.get(f"{path}download/{resource.pk}/original/", HTTP_HOST=host)
    assert response.status_code == 200
    (record,) = _records(account, InteractionKind.DOWNLOAD)
    assert record.page_id == dataset.pk
    # A missing resource answers 404 and teaches nothing.
    client.get(f"{path}download/999999/original/", HTTP_HOST=host)
    assert len(_records(account, InteractionKind.DOWNLOAD)) == 1
