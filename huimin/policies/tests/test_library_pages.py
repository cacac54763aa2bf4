"""The library pages people use: filters with counts, shareable URLs, feeds, validity banners, downloads."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Site

from huimin.policies.enums import Validity
from huimin.policies.models import PolicyAttachment, PolicyPage
from huimin.policies.queries import PolicyFilters, library_scope, search
from huimin.policies.tests.reference import filter_policies
from huimin.sites.tests.html import meta_tags, soup

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}
ATOM = "{http://www.w3.org/2005/Atom}"


def _get(client, path, host=PORTAL, **params):
    response = client.get(path, params, **host)
    assert response.status_code == 200, (path, params, response.status_code)
    return response


def test_the_city_library_gathers_every_sites_policies_and_names_their_source(client, demo):
    document = soup(_get(client, "/zcwjk/").content)
    total = PolicyPage.objects.live().count()
    assert f"共 {total} 件" in document.get_text()
    issuers = document.find("select", id="f-issuer").get_text()
    assert all(name in issuers for name in ("宿迁市人民政府办公室", "宿迁市水利局", "宿迁市教育局", "沭阳县"))
    assert "来源：" in document.find(class_="policy-list").get_text()


def test_a_site_library_shows_only_its_own_policies(client, demo):
    document = soup(_get(client, "/zcwjk/", {"HTTP_HOST": "slj.localhost"}).content)
    own = PolicyPage.objects.live().filter(url_path__startswith="/slj-localhost/").count()
    assert f"共 {own} 件" in document.get_text()
    assert [o.get_text() for o in document.select("#f-issuer option")][1:] == [f"宿迁市水利局（{own}）"]


def test_filters_combine_and_each_option_shows_its_count(client, demo):
    year = PolicyPage.objects.live().values_list("pub_year", flat=True).first()
    expected = PolicyPage.objects.live().filter(doc_kind="通知", pub_year=year).count()
    document = soup(_get(client, "/zcwjk/", doc_kind="通知", year=year).content)
    assert f"共 {expected} 件符合条件的" in document.get_text()
    kind_option = document.select_one('#f-doc_kind option[value="通知"]')
    assert kind_option.has_attr("selected") and f"（{expected}）" in kind_option.get_text()
    other_kinds = PolicyPage.objects.live().filter(pub_year=year, doc_kind="意见").count()
    assert f"（{other_kinds}）" in document.select_one('#f-doc_kind option[value="意见"]').get_text()


def test_facet_counts_match_the_rows_they_would_show(demo):
    scope = library_scope()
    filters = PolicyFilters.from_params({"validity": "valid"})
    _, facets = search(filters)
    for name, options in facets.items():
        for option in options[:3]:
            narrowed = PolicyFilters.from_params({**filters.as_params(), name: option.value})
            assert filter_policies(scope, narrowed).distinct().count() == option.count, (name, option)


@pytest.mark.parametrize(
    "params",
    [
        {"topic": "abc"},
        {"year": "' OR 1=1 --"},
        {"doc_kind": "<script>alert(1)</script>"},
        {"issuer": "99999999"},
        {"validity": "sometimes"},
        {"industry": "1;DROP TABLE x"},
        {"sort": "evil"},
        {"page": "-5"},
        {"service_object": "9" * 40},
    ],
)
def test_unknown_filter_values_give_an_empty_list_not_an_error(client, demo, params):
    response = _get(client, "/zcwjk/", **params)
    assert b"<script>alert(1)</script>" not in response.content
    if set(params) - {"sort", "page"}:
        assert "没有符合条件的政策文件" in response.content.decode()


def test_sorting_and_paging_keep_the_filters_in_the_links(client, demo):
    document = soup(_get(client, "/zcwjk/", validity="valid", sort="title").content)
    titles = [a.get_text() for a in document.select(".policy-list h3 a")]
    assert titles == sorted(titles)
    assert document.find("a", rel="next")["href"] == "?validity=valid&sort=title&page=2"


def test_the_atom_feed_follows_the_same_filters(client, demo):
    response = _get(client, "/zcwjk/feed/", doc_kind="意见")
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    expected = PolicyPage.objects.live().filter(doc_kind="意见").count()
    assert len(entries) == min(expected, 50) > 0
    assert all(e.find(f"{ATOM}title").text.endswith("意见") for e in entries)
    empty = ET.fromstring(_get(client, "/zcwjk/feed/", topic="nonsense").content)
    assert empty.findall(f"{ATOM}entry") == []


def test_a_policy_no_longer_valid_names_its_successor_everywhere_it_appears(client, demo):
    repealed = (
        PolicyPage.objects.live()
        .filter(validity=Validity.REPEALED, url_path__startswith="/127-0-0-1/")
        .first()
    )
    successor = repealed.successor_links.get().successor
    page = soup(_get(client, repealed.get_url_parts()[2]).content)
    banner = page.find(class_="validity-banner")
    assert "本文件已废止" in banner.get_text() and successor.title in banner.get_text()
    listing = soup(_get(client, "/zcwjk/", validity="repealed").content)
    assert successor.title in listing.find(class_="policy-list").get_text()


def test_a_policy_page_carries_the_content_tags_and_lists_its_interpretations(client, demo):
    policy = PolicyPage.objects.live().filter(
        interpretations__isnull=False, url_path__startswith="/127-0-0-1/"
    )[0]
    document = soup(_get(client, policy.get_url_parts()[2]).content)
    tags = meta_tags(document)
    assert tags["ArticleTitle"] == policy.title and tags["ContentSource"] == policy.issuer.name
    assert tags["SiteIDCode"] == "3213000001"
    interpretation = policy.interpretations.first()
    assert interpretation.title in document.find(class_="interpretations").get_text()
    back = soup(_get(client, interpretation.get_url_parts()[2]).content)
    assert policy.title in back.find(class_="linked-policies").get_text()


def test_downloading_an_attachment_counts_it(client, demo):
    policy = PolicyPage.objects.live().filter(url_path__startswith="/127-0-0-1/").first()
    document = Document.objects.create(title="附件", file=ContentFile(b"%PDF-1.4", name="a.pdf"))
    attachment = PolicyAttachment.objects.create(page=policy, document=document)
    listed = soup(_get(client, policy.get_url_parts()[2]).content).find(class_="attachments")
    link = listed.find("a", string="附件")
    assert link["href"] == f"{policy.get_url_parts()[2]}attachments/{attachment.pk}/"
    assert "已下载 0 次" in listed.get_text()
    response = client.get(f"{policy.get_url_parts()[2]}attachments/{attachment.pk}/", **PORTAL)
    assert response.status_code == 302 and response["Location"] == document.url
    attachment.refresh_from_db()
    assert attachment.download_count == 1
    assert client.get(f"{policy.get_url_parts()[2]}attachments/999999/", **PORTAL).status_code == 404


def test_the_home_page_shows_the_newest_policies(client, demo):
    document = soup(_get(client, "/").content)
    block = document.select_one("section.policy-list")  # the home page's 政策与解读 block
    assert block is not None
    titles = {a.get_text(strip=True) for a in block.select("a[href*='/zcwjk/']")}
    portal = Site.objects.get(hostname="127.0.0.1")
    newest = PolicyPage.objects.live().descendant_of(portal.root_page).order_by("-pub_date", "-pk").first()
    assert newest.title in titles, (newest.title, titles)
