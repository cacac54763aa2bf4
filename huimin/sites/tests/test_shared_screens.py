"""Wagtail's shared screens show a person only what their roles reach (sites/scoping.py, decision 0014).

The table: every site role of 沭阳县人民政府 × every shared admin screen and API (Wagtail's own, and a
sample of Huimin's) × an object of the portal's (a draft page, a live page with an unpublished new title, a
document and an image in the portal's collection, a letter, a dataset, a knowledge entry), expecting
refusal or absence. Each refusal has a positive twin: the portal's own
editor reaches the same object through the same screen, so a screen that broke for everyone would fail too.
"""

import json
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction, Site

from huimin.articles.models import ArticleAttachment, ArticlePage
from huimin.letters.models import Letter
from huimin.opendata.models import DatasetPage
from huimin.search.models import KnowledgeEntry
from huimin.sites.models import SiteIdentity

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
STRANGERS = ["shuyang-editor", "shuyang-leader", "shuyang-handler", "shuyang-siteadmin"]
OWNER = "portal-editor"
DRAFT_TITLE = "门户未发布草稿甲"
PENDING_TITLE = "门户待审新标题乙"
DOC_TITLE = "门户未公开文件丙"
IMAGE_TITLE = "门户内部图片丁"
# Searches ask for the start of a title: the search box echoes the query, and a leak shows as the whole title.
DRAFT_Q, DOC_Q, IMAGE_Q = (t[:-1] for t in (DRAFT_TITLE, DOC_TITLE, IMAGE_TITLE))


@pytest.fixture
def portal(demo, monkeypatch, tmp_path):
    # Files on disk, as in production: Wagtail serves a document from its storage's path. Only the default
    # storage object is swapped (no settings change, which would rebuild every other storage too).
    monkeypatch.setattr(default_storage, "_wrapped", FileSystemStorage(location=tmp_path))
    site = Site.objects.get(hostname="127.0.0.1")
    home = site.root_page
    identity = SiteIdentity.objects.get(site=site)
    collection = identity.collection
    draft = Page(title=DRAFT_TITLE, slug="menhu-caogao-jia", live=False)
    home.add_child(instance=draft)
    draft.save_revision()
    pending = home.get_children().live().filter(has_unpublished_changes=False).first().specific
    public_title = pending.title
    pending.title = PENDING_TITLE
    pending.save_revision()
    document = Document.objects.create(
        title=DOC_TITLE, file=ContentFile(b"%PDF-1.4 internal", name="neibu.pdf"), collection=collection
    )
    image = Image.objects.create(title=IMAGE_TITLE, file=get_test_image_file(), collection=collection)
    return {
        "home": home,
        "draft": draft,
        "pending": pending,
        "pending_public_title": public_title,  # what the index (and the public) know it by
        "document": document,
        "image": image,
        # Huimin's own screens, in the same table.
        # The demo's letters are handled by departments: one dispatched to 水利局 is "another unit's".
        "letter": Letter.objects.filter(unit__sites__site__hostname="slj.localhost").order_by("pk").first(),
        "dataset": DatasetPage.objects.descendant_of(home).order_by("pk").first(),
        "entry": KnowledgeEntry.objects.create(
            question="门户内部问答戊", answer="草稿答案。", unit=identity.org_unit, site=site
        ),
    }


def _as(client, username, demo):
    client.logout()
    assert client.login(username=username, password=demo.password)
    return client


def _text(response) -> str:
    """The body as a person would read it; JSON (the API, the chooser modals) with its escapes undone."""
    if response.status_code != 200:
        return ""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode(errors="replace")


def _secrets(portal) -> list[str]:
    return [DRAFT_TITLE, PENDING_TITLE, DOC_TITLE, IMAGE_TITLE, portal["document"].filename]


# --- listings and searches: the objects must not appear --------------------------------------------------

LISTINGS = {
    "page chooser, browse the portal's home": lambda p: reverse(
        "wagtailadmin_choose_page_child", args=[p["home"].pk]
    ),
    "page chooser, root": lambda p: reverse("wagtailadmin_choose_page"),
    "page chooser, search draft": lambda p: (
        reverse("wagtailadmin_choose_page_search") + f"?q={quote(DRAFT_Q)}"
    ),
    "page chooser, search pending": lambda p: (
        reverse("wagtailadmin_choose_page_search") + f"?q={quote(p['pending_public_title'])}"
    ),
    "page search": lambda p: reverse("wagtailadmin_pages:search") + f"?q={quote(DRAFT_Q)}",
    "page search, pending": lambda p: (
        reverse("wagtailadmin_pages:search") + f"?q={quote(p['pending_public_title'])}"
    ),
    "admin API pages": lambda p: "/admin/api/main/pages/?order=-id",
    # The API echoes no query, so it is asked for the whole title.
    "admin API pages, search": lambda p: f"/admin/api/main/pages/?search={quote(DRAFT_TITLE)}",
    "admin API documents": lambda p: "/admin/api/main/documents/?order=-id",
    "admin API images": lambda p: "/admin/api/main/images/?order=-id",
    "document index": lambda p: reverse("wagtaildocs:index") + f"?q={quote(DOC_Q)}",
    "document chooser": lambda p: reverse("wagtaildocs_chooser:choose"),
    "document chooser, search": lambda p: (
        reverse("wagtaildocs_chooser:choose_results") + f"?q={quote(DOC_Q)}"
    ),
    "image index": lambda p: reverse("wagtailimages:index") + f"?q={quote(IMAGE_Q)}",
    "image chooser": lambda p: reverse("wagtailimages_chooser:choose"),
    "image chooser, search": lambda p: (
        reverse("wagtailimages_chooser:choose_results") + f"?q={quote(IMAGE_Q)}"
    ),
    "site history report": lambda p: "/admin/reports/site-history/",
    "dashboard": lambda p: "/admin/",
}


@pytest.mark.parametrize("username", STRANGERS)
@pytest.mark.parametrize("screen", LISTINGS)
def test_another_units_objects_never_appear_in_shared_listings(client, demo, portal, username, screen):
    response = _as(client, username, demo).get(LISTINGS[screen](portal), **HOST)
    assert response.status_code in (200, 302, 403, 404)
    body = _text(response)
    leaked = [secret for secret in _secrets(portal) if secret in body]
    assert not leaked, f"{screen} shows {leaked} to {username}"


OWNER_SEES = {
    "page chooser, browse the portal's home": DRAFT_TITLE,
    "page chooser, search draft": DRAFT_TITLE,
    "page chooser, search pending": PENDING_TITLE,
    "admin API documents": DOC_TITLE,
    "admin API images": IMAGE_TITLE,
    "document chooser, search": DOC_TITLE,
    "image chooser, search": IMAGE_TITLE,
    "admin API pages, search": DRAFT_TITLE,
}


@pytest.mark.parametrize("screen", OWNER_SEES)
def test_the_owning_units_editor_finds_them_there(client, demo, portal, screen):
    response = _as(client, OWNER, demo).get(LISTINGS[screen](portal), **HOST)
    assert response.status_code == 200
    assert OWNER_SEES[screen] in _text(response)


# --- screens naming the object: refused ------------------------------------------------------------------

DIRECT = {
    "page chooser, browse into the draft": lambda p: reverse(
        "wagtailadmin_choose_page_child", args=[p["draft"].pk]
    ),
    "page chooser, browse into the pending page": lambda p: reverse(
        "wagtailadmin_choose_page_child", args=[p["pending"].pk]
    ),
    "admin API page detail": lambda p: f"/admin/api/main/pages/{p['draft'].pk}/",
    "page edit": lambda p: reverse("wagtailadmin_pages:edit", args=[p["draft"].pk]),
    "page history": lambda p: reverse("wagtailadmin_pages:history", args=[p["draft"].pk]),
    "page usage": lambda p: reverse("wagtailadmin_pages:usage", args=[p["draft"].pk]),
    "page preview": lambda p: reverse("wagtailadmin_pages:preview_on_edit", args=[p["draft"].pk]),
    "admin API document detail": lambda p: f"/admin/api/main/documents/{p['document'].pk}/",
    "admin API image detail": lambda p: f"/admin/api/main/images/{p['image'].pk}/",
    "document edit": lambda p: reverse("wagtaildocs:edit", args=[p["document"].pk]),
    "document usage": lambda p: reverse("wagtaildocs:document_usage", args=[p["document"].pk]),
    "document chosen": lambda p: reverse("wagtaildocs_chooser:chosen", args=[p["document"].pk]),
    "image edit": lambda p: reverse("wagtailimages:edit", args=[p["image"].pk]),
    "image usage": lambda p: reverse("wagtailimages:image_usage", args=[p["image"].pk]),
    "image url generator": lambda p: reverse("wagtailimages:url_generator", args=[p["image"].pk]),
    "image chosen": lambda p: reverse("wagtailimages_chooser:chosen", args=[p["image"].pk]),
}
DIRECT["letter (留言办理)"] = lambda p: reverse("letters_letter", args=[p["letter"].pk])
DIRECT["dataset (数据集与资源)"] = lambda p: reverse("opendata_dataset", args=[p["dataset"].pk])
DIRECT["knowledge entry (答问知识库)"] = lambda p: reverse("search-knowledge:edit", args=[p["entry"].pk])
for _action in ("publish", "unpublish", "delete", "move"):
    DIRECT[f"bulk {_action} of the draft"] = lambda p, a=_action: (
        f"/admin/bulk/wagtailcore/page/{a}/?id={p['draft'].pk}"
    )
DIRECT["bulk publish of all the portal's pages"] = lambda p: (
    f"/admin/bulk/wagtailcore/page/publish/?id=all&childOf={p['home'].pk}"
)
DIRECT["bulk publish of all pages, searched"] = lambda p: (
    f"/admin/bulk/wagtailcore/page/publish/?id=all&childOf={p['home'].get_parent().pk}&q=%E9%97%A8%E6%88%B7"
)
for _action in ("delete", "add_tags", "add_to_collection"):
    DIRECT[f"bulk {_action} of the document"] = lambda p, a=_action: (
        f"/admin/bulk/wagtaildocs/document/{a}/?id={p['document'].pk}"
    )
    DIRECT[f"bulk {_action} of the image"] = lambda p, a=_action: (
        f"/admin/bulk/wagtailimages/image/{a}/?id={p['image'].pk}"
    )


def _refused(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (403, 404) or (
        response.status_code == 302
        and ("/admin/login/" in location or location.rstrip("/") in ("/admin", ""))
    )


@pytest.mark.parametrize("username", STRANGERS)
@pytest.mark.parametrize("screen", DIRECT)
def test_screens_naming_another_units_object_refuse(client, demo, portal, username, screen):
    response = _as(client, username, demo).get(DIRECT[screen](portal), **HOST)
    assert _refused(response), f"{screen} answered {response.status_code} to {username}"
    body = _text(response)
    assert not [secret for secret in _secrets(portal) if secret in body]


OWNER_OPENS = [
    "page chooser, browse into the draft",
    "admin API page detail",
    "admin API document detail",
    "admin API image detail",
    "bulk publish of the draft",
    "bulk delete of the document",
    "bulk add_tags of the image",
    "bulk publish of all the portal's pages",
]


def test_the_table_has_an_object_for_every_screen(portal):
    assert all(portal[key] is not None for key in ("letter", "dataset", "entry"))


@pytest.mark.parametrize("screen", OWNER_OPENS)
def test_the_owning_units_editor_opens_them(client, demo, portal, screen):
    assert _as(client, OWNER, demo).get(DIRECT[screen](portal), **HOST).status_code == 200


# --- bulk actions posted: nothing changes -------------------------------------------------------------------


@pytest.mark.parametrize("username", STRANGERS)
def test_posted_bulk_actions_on_another_units_objects_change_nothing(client, demo, portal, username):
    _as(client, username, demo)
    draft, document, image = portal["draft"], portal["document"], portal["image"]
    for url in (
        f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}",
        f"/admin/bulk/wagtailcore/page/delete/?id={draft.pk}",
        f"/admin/bulk/wagtaildocs/document/delete/?id={document.pk}",
        f"/admin/bulk/wagtailimages/image/delete/?id={image.pk}",
    ):
        assert _refused(client.post(url, {}, **HOST)), url
    draft.refresh_from_db()
    assert not draft.live
    assert Document.objects.filter(pk=document.pk).exists() and Image.objects.filter(pk=image.pk).exists()


# --- the chooser still links other sites' public pages ----------------------------------------------------


def test_the_chooser_lists_another_sites_live_pages_by_their_public_title(client, demo, portal):
    public = portal["home"].get_children().live().filter(has_unpublished_changes=False).first()
    body = _text(
        _as(client, "shuyang-editor", demo).get(
            reverse("wagtailadmin_choose_page_child", args=[portal["home"].pk]), **HOST
        )
    )
    assert public.title in body
    assert DRAFT_TITLE not in body and PENDING_TITLE not in body


# --- downloading a document file ------------------------------------------------------------------------


def _download(client, document):
    return client.get(document.url, **HOST)


@pytest.mark.parametrize("username", [*STRANGERS, None])
def test_an_unpublished_document_is_served_to_no_one_outside_its_unit(client, demo, portal, username):
    if username:
        _as(client, username, demo)
    response = _download(client, portal["document"])
    assert response.status_code == 404
    assert b"internal" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_owning_unit_downloads_its_unpublished_document(client, demo, portal):
    response = _download(_as(client, OWNER, demo), portal["document"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 internal"


def _attach(article, document, *, publish: bool):
    """Attach the document to an article the way an editor does: a revision, published or left a draft."""
    article.attachments.add(ArticleAttachment(document=document, title="附件"))
    revision = article.save_revision()
    if publish:
        revision.publish()


def _portal_articles(portal):
    return ArticlePage.objects.live().descendant_of(portal["home"]).order_by("pk")


def test_a_document_a_published_page_links_is_public(client, demo, portal):
    document = portal["document"]
    _attach(_portal_articles(portal).first(), document, publish=True)
    response = _download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 internal"


def test_a_document_only_a_draft_links_stays_closed(client, demo, portal):
    document = portal["document"]
    _attach(_portal_articles(portal).first(), document, publish=False)
    assert _download(client, document).status_code == 404


def test_a_document_only_a_private_page_links_stays_closed(client, demo, portal):
    document = portal["document"]
    article = _portal_articles(portal).first()
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    _attach(article, document, publish=True)
    assert _download(client, document).status_code == 404
