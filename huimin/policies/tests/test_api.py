"""The public JSON API of the policy library: /api/v1/policies and /api/v1/policies/{id}.

The fixture builds a small library through the services: a group-wide library on the portal and a library
on the water bureau's site, with policies of several kinds, topics, years and validities, a repealed
policy and its successor, a linked interpretation, a private policy and an unpublished one.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction, Site

from huimin.core.pages import add_and_publish
from huimin.policies.enums import DocKind, InterpretationForm, Validity
from huimin.policies.models import (
    Industry,
    InterpretationPage,
    PolicyAttachment,
    PolicyLibraryPage,
    PolicyPage,
    PolicyRelation,
    PolicyTopic,
    ServiceObject,
)
from huimin.policies.services import PolicyData, publish_interpretation, upsert_policy
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = "/api/v1/policies"
PARAMETERS = [
    "issuer",
    "topic",
    "industry",
    "service_object",
    "year",
    "doc_kind",
    "validity",
    "sort",
    "site",
    "page",
    "page_size",
    "q",
]
PAYLOADS = [
    "' OR 1=1 --",
    '"; DROP TABLE wagtailcore_page; --',
    "1 UNION SELECT password FROM auth_user",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "²",
    "9" * 40,
    "-1",
    "1e3",
    "../../etc/passwd",
]


def _library(parent, slug: str, *, aggregate: bool) -> PolicyLibraryPage:
    page = PolicyLibraryPage(
        title="接口测试政策文件库",
        slug=slug,
        description="接口测试用的政策文件库。",
        keywords="政策文件",
        aggregate_group=aggregate,
    )
    return add_and_publish(parent, page)


def _policy(library, number: str, title: str, when: datetime, issuer: OrgUnit, **values) -> PolicyPage:
    values.setdefault("body", f"<p>{title}正文。</p>")
    data = PolicyData(title=title, index_number=f"APITEST/{number}", pub_date=when, issuer=issuer, **values)
    page, created = upsert_policy(library, data)
    assert created
    return page


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def lib(demo):
    """The test library. Policies the demo itself publishes are unpublished first (rolled back with the
    test), so every count below is exact."""
    PolicyPage.objects.update(live=False)
    portal = Site.objects.get(hostname="127.0.0.1")
    slj = Site.objects.get(hostname="slj.localhost")
    office = OrgUnit.objects.get(name="宿迁市人民政府办公室")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    topic_a, topic_b = PolicyTopic.objects.order_by("pk")[:2]
    industry = Industry.objects.order_by("pk").first()
    service_object = ServiceObject.objects.order_by("pk").first()
    group = _library(portal.root_page, "api-test-library", aggregate=True)
    bureau = _library(slj.root_page, "api-test-library", aggregate=False)

    b = _policy(
        group, "0002", "宿迁市优化营商环境若干意见", _at(2024, 5, 10), office,
        doc_kind=DocKind.OPINION, topic=topic_b, doc_number="宿政办发〔2024〕8号",
    )  # fmt: skip
    a = _policy(
        group, "0001", "关于做好政务公开工作的通知", _at(2023, 3, 1), office,
        doc_kind=DocKind.NOTICE, topic=topic_a, doc_number="宿政办发〔2023〕1号",
        written_date=date(2023, 2, 20),
        keywords="政务公开,数字政府，营商环境、惠企 便民", summary="做好政务公开。",
        industries=[industry],
        body=f'<p>详见<a linktype="page" id="{b.pk}">营商环境意见</a>。</p>',
    )  # fmt: skip
    c = _policy(
        group, "0003", "关于规范行政审批的通知", _at(2022, 1, 15), office,
        doc_kind=DocKind.NOTICE, topic=topic_a, validity=Validity.REPEALED,
        effective_date=date(2022, 1, 15), invalid_date=date(2024, 5, 10),
    )  # fmt: skip
    d = _policy(
        bureau, "0004", "宿迁市河道管理办法", _at(2024, 7, 1), water,
        doc_kind=DocKind.MEASURES, topic=topic_a, service_objects=[service_object],
    )  # fmt: skip
    e = _policy(
        bureau, "0005", "关于做好防汛抗旱工作的通知", _at(2023, 9, 9), water,
        doc_kind=DocKind.NOTICE, validity=Validity.EXPIRED, invalid_date=date(2024, 1, 1),
    )  # fmt: skip
    private = _policy(group, "0006", "内部工作安排的通知", _at(2024, 2, 2), office, topic=topic_b)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    withdrawn = _policy(group, "0007", "已撤回的通知", _at(2024, 3, 3), office, topic=topic_b)
    withdrawn.unpublish()

    # C was repealed by B; an unpublished document that also replaced it stays out of sight.
    revision = c.get_latest_revision_as_object()
    revision.successor_links.add(PolicyRelation(successor=b))
    revision.successor_links.add(PolicyRelation(successor=withdrawn))
    revision.save_revision().publish()

    # A has an attachment, one live interpretation and one that was withdrawn.
    document = Document.objects.create(title="附件文件", file=ContentFile(b"%PDF-1.4 api", name="fujian.pdf"))
    revision = a.get_latest_revision_as_object()
    revision.attachments.add(PolicyAttachment(document=document, title="附件一：名单"))
    revision.save_revision().publish()
    live_note = publish_interpretation(
        group,
        InterpretationPage(
            title="《关于做好政务公开工作的通知》解读",
            form=InterpretationForm.TEXT,
            interpreter="市政府办公室",
            pub_date=_at(2023, 3, 2),
            body="<p>解读正文。</p>",
        ),
        [a],
    )
    old_note = publish_interpretation(
        group,
        InterpretationPage(
            title="已撤回的解读",
            form=InterpretationForm.TEXT,
            interpreter="市政府办公室",
            pub_date=_at(2023, 3, 3),
            body="<p>旧解读。</p>",
        ),
        [a],
    )
    old_note.unpublish()
    return {
        "a": a, "b": b, "c": c, "d": d, "e": e, "private": private, "withdrawn": withdrawn,
        "note": live_note, "old_note": old_note, "office": office, "water": water,
        "topic_a": topic_a, "topic_b": topic_b, "industry": industry, "service_object": service_object,
        "group": group, "bureau": bureau,
    }  # fmt: skip


def _get(client, path=LIST, host=HOST, **params):
    return client.get(path, params, **host)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def _facet(body, name) -> dict[str, tuple[int, bool]]:
    return {o["value"]: (o["count"], o["selected"]) for o in body["facets"][name]}


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_shows_live_public_policies_of_the_whole_group_newest_first(client, lib):
    response = _get(client)
    body = response.json()
    assert response["Content-Type"].startswith("application/json")
    assert body["count"] == 5
    assert (body["page"], body["page_size"]) == (1, 20)
    assert _ids(response) == [lib[k].pk for k in ("d", "b", "e", "a", "c")]


def test_a_summary_carries_the_contracted_fields(client, lib):
    items = {item["id"]: item for item in _get(client).json()["results"]}
    a = items[lib["a"].pk]
    assert set(a) == {
        "id", "title", "url", "site", "index_number", "doc_number", "doc_kind", "topic", "issuer",
        "written_date", "pub_date", "validity", "validity_label", "successors", "interpretation_count",
    }  # fmt: skip
    assert a["title"] == "关于做好政务公开工作的通知"
    assert a["url"] == "http://127.0.0.1:8000/api-test-library/p-apitest-0001/"
    assert a["site"] == {"hostname": "127.0.0.1", "name": "宿迁市人民政府"}
    assert (a["index_number"], a["doc_number"], a["doc_kind"]) == (
        "APITEST/0001",
        "宿政办发〔2023〕1号",
        "通知",
    )
    assert a["topic"] == {"id": lib["topic_a"].pk, "name": lib["topic_a"].name}
    assert a["issuer"] == {"id": lib["office"].pk, "name": "宿迁市人民政府办公室"}
    assert a["written_date"] == "2023-02-20"
    assert a["pub_date"] == "2023-03-01T09:30:00+08:00"
    assert (a["validity"], a["validity_label"]) == ("valid", "有效")
    assert a["successors"] == []
    assert a["interpretation_count"] == 1  # the withdrawn interpretation does not count

    d = items[lib["d"].pk]
    assert d["url"] == "http://slj.localhost:8000/api-test-library/p-apitest-0004/"
    assert d["site"] == {"hostname": "slj.localhost", "name": "宿迁市水利局"}
    e = items[lib["e"].pk]
    assert e["topic"] is None
    assert e["written_date"] is None
    assert (e["validity"], e["validity_label"]) == ("expired", "失效")


def test_a_repealed_policy_names_its_live_successors_only(client, lib):
    items = {item["id"]: item for item in _get(client).json()["results"]}
    c = items[lib["c"].pk]
    assert (c["validity"], c["validity_label"]) == ("repealed", "废止")
    assert c["successors"] == [
        {
            "id": lib["b"].pk,
            "title": "宿迁市优化营商环境若干意见",
            "url": "http://127.0.0.1:8000/api-test-library/p-apitest-0002/",
        }
    ]


COMBINED_FILTERS = [
    ({"doc_kind": "通知"}, ("c", "a", "e")),
    ({"doc_kind": "通知", "year": "2023"}, ("a", "e")),
    ({"doc_kind": "通知", "year": "2023", "validity": "valid"}, ("a",)),
    ({"validity": "repealed"}, ("c",)),
    ({"validity": "valid", "year": "2024"}, ("b", "d")),
    ({"site": "slj.localhost"}, ("e", "d")),
    ({"site": "SLJ.localhost", "doc_kind": "通知"}, ("e",)),
    ({"site": "127.0.0.1"}, ("c", "a", "b")),
]


def test_filters_combine(client, lib):
    for params, expected in COMBINED_FILTERS:
        response = _get(client, **params, sort="date")
        assert _ids(response) == [lib[k].pk for k in expected], params
        assert response.json()["count"] == len(expected), params


def test_filters_by_vocabulary_ids_and_issuer(client, lib):
    assert set(_ids(_get(client, issuer=lib["water"].pk))) == {lib["d"].pk, lib["e"].pk}
    assert set(_ids(_get(client, issuer=lib["office"].pk, topic=lib["topic_a"].pk))) == {
        lib["a"].pk,
        lib["c"].pk,
    }
    assert _ids(_get(client, industry=lib["industry"].pk)) == [lib["a"].pk]
    assert _ids(_get(client, service_object=lib["service_object"].pk)) == [lib["d"].pk]


def test_facets_count_each_option_under_the_other_filters(client, lib):
    body = _get(client).json()
    assert set(body["facets"]) == {
        "issuer", "topic", "industry", "service_object", "year", "doc_kind", "validity",
    }  # fmt: skip
    assert _facet(body, "doc_kind") == {"通知": (3, False), "意见": (1, False), "办法": (1, False)}
    assert _facet(body, "year") == {"2024": (2, False), "2023": (2, False), "2022": (1, False)}
    assert [o["value"] for o in body["facets"]["year"]] == ["2024", "2023", "2022"]
    assert _facet(body, "issuer") == {str(lib["office"].pk): (3, False), str(lib["water"].pk): (2, False)}
    labels = {o["value"]: o["label"] for o in body["facets"]["validity"]}
    assert labels == {"valid": "有效", "expired": "失效", "repealed": "废止"}

    body = _get(client, doc_kind="通知").json()
    assert body["count"] == 3
    # The selected facet still offers its other options (counted without itself)...
    assert _facet(body, "doc_kind") == {"通知": (3, True), "意见": (1, False), "办法": (1, False)}
    # ...and the other facets count only 通知.
    assert _facet(body, "issuer") == {str(lib["office"].pk): (2, False), str(lib["water"].pk): (1, False)}
    assert _facet(body, "year") == {"2023": (2, False), "2022": (1, False)}
    issuer_labels = {o["label"] for o in body["facets"]["issuer"]}
    assert issuer_labels == {"宿迁市人民政府办公室", "宿迁市水利局"}


def test_facets_follow_the_site(client, lib):
    body = _get(client, site="slj.localhost").json()
    assert _facet(body, "issuer") == {str(lib["water"].pk): (2, False)}
    assert _facet(body, "doc_kind") == {"办法": (1, False), "通知": (1, False)}


def test_paging(client, lib):
    everything = _ids(_get(client))
    pages = [_get(client, page=n, page_size=2).json() for n in (1, 2, 3)]
    assert [p["count"] for p in pages] == [5, 5, 5]
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert [item["id"] for p in pages for item in p["results"]] == everything

    beyond = _get(client, page=4, page_size=2).json()
    assert (beyond["count"], beyond["page"], beyond["results"]) == (5, 4, [])
    far = _get(client, page=10**15).json()
    assert (far["count"], far["results"]) == (5, [])

    assert _get(client, page_size=100).json()["page_size"] == 100


def test_impossible_paging_is_a_bad_request_naming_the_parameter(client, lib):
    cases = [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "<b>x</b>"}, "page_size"),
    ]
    for params, name in cases:
        response = _get(client, **params)
        assert response.status_code == 400, params
        detail = response.json()["detail"]
        assert isinstance(detail, str)
        assert f"参数 {name} " in detail, params
        assert "<b>" not in response.content.decode()


def test_page_size_101_names_the_limit(client, lib):
    assert _get(client, page_size=101).json() == {"detail": "参数 page_size 不能大于 100。"}


def test_sorting(client, lib):
    newest = _ids(_get(client))
    assert _ids(_get(client, sort="-date")) == newest
    assert _ids(_get(client, sort="date")) == newest[::-1]
    by_title = list(
        PolicyPage.objects.filter(pk__in=newest).order_by("title", "pk").values_list("pk", flat=True)
    )
    assert _ids(_get(client, sort="title")) == by_title
    assert by_title != newest
    assert _ids(_get(client, sort="nonsense")) == newest


UNKNOWN_VALUES = [
    {"topic": "abc"},
    {"doc_kind": "xyz"},
    {"year": "' OR 1=1 --"},
    {"year": "1999"},
    {"issuer": "999999999"},
    {"issuer": "99999999999999999999"},
    {"validity": "forever"},
    {"industry": "²"},
    {"service_object": "١"},
    {"site": "unknown.example"},
    {"site": "slj.localhost:8000"},
    {"site": "<script>alert(1)</script>"},
]


def test_unknown_or_impossible_values_give_an_empty_list(client, lib):
    for params in UNKNOWN_VALUES:
        response = _get(client, **params)
        assert response.status_code == 200, params
        body = response.json()
        assert (body["count"], body["results"]) == (0, []), params


def test_unknown_site_has_empty_facets(client, lib):
    body = _get(client, site="unknown.example").json()
    assert all(options == [] for options in body["facets"].values())


def test_hostile_input_never_breaks_the_api(client, lib):
    for name in PARAMETERS:
        for payload in PAYLOADS:
            response = _get(client, **{name: payload})
            assert response.status_code in (200, 400), (name, payload)
            assert response["Content-Type"].startswith("application/json")
            text = response.content.decode()
            assert "<script" not in text and "<img" not in text, (name, payload)
            if response.status_code == 400:
                assert name in response.json()["detail"], (name, payload)
    for payload in PAYLOADS:
        response = _get(client, f"{LIST}/{quote(payload, safe='')}")
        assert response.status_code == 404, payload
        # An address the API does not route gets the site's 404 page (with its own scripts): the payload
        # is never written back as markup.
        body = response.content.decode()
        assert "<script>" not in body and "<img src=x" not in body and "onerror=" not in body, payload


def test_the_api_answers_on_every_site_of_the_group(client, lib):
    for host in ("127.0.0.1:8000", "slj.localhost:8000", "shuyang.localhost:8000"):
        response = _get(client, host={"HTTP_HOST": host})
        assert response.status_code == 200
        assert response.json()["count"] == 5  # the whole group, whichever host asks


@pytest.mark.parametrize("path", [LIST, f"{LIST}/1", "/api/v1/docs", "/api/v1/openapi.json"])
def test_an_unknown_host_gets_not_found(client, demo, path):
    assert client.get(path, HTTP_HOST="evil.example").status_code == 404


def test_listing_a_hundred_policies_costs_a_bounded_number_of_queries(
    client, lib, django_assert_max_num_queries
):
    for n in range(100):
        page = _policy(
            lib["group"], f"9{n:03d}", f"批量政策文件{n:03d}号", _at(2021, 1 + n % 12, 1 + n % 28),
            lib["office"], topic=lib["topic_b"], industries=[lib["industry"]],
        )  # fmt: skip
        if n % 10 == 0:
            revision = page.get_latest_revision_as_object()
            revision.successor_links.add(PolicyRelation(successor=lib["b"]))
            revision.save_revision().publish()
    with django_assert_max_num_queries(18):
        response = _get(client, page_size=100)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"])) == (105, 100)
    assert sum(len(item["successors"]) for item in body["results"]) >= 5


# --- One policy --------------------------------------------------------------------------------------------


def test_the_detail_adds_text_vocabularies_attachments_and_interpretations(client, lib):
    response = _get(client, f"{LIST}/{lib['a'].pk}")
    assert response.status_code == 200
    item = response.json()
    summary = {i["id"]: i for i in _get(client).json()["results"]}[lib["a"].pk]
    assert {k: v for k, v in item.items() if k in summary} == summary
    assert item["keywords"] == ["政务公开", "数字政府", "营商环境", "惠企", "便民"]
    assert item["summary"] == "做好政务公开。"
    # Internal links are expanded to real addresses.
    assert 'href="' in item["body"] and "linktype" not in item["body"]
    assert "营商环境意见" in item["body"]
    assert item["industries"] == [{"id": lib["industry"].pk, "name": lib["industry"].name}]
    assert item["service_objects"] == []
    [attachment] = item["attachments"]
    assert attachment["title"] == "附件一：名单"
    stored = PolicyAttachment.objects.get(page_id=lib["a"].pk)
    assert attachment["url"] == f"{item['url']}attachments/{stored.pk}/"
    assert attachment["download_count"] == 0
    # The address is the page's counting download route.
    assert client.get(attachment["url"].removeprefix("http://127.0.0.1:8000"), **HOST).status_code == 302
    assert _get(client, f"{LIST}/{lib['a'].pk}").json()["attachments"][0]["download_count"] == 1
    assert item["interpretations"] == [
        {
            "id": lib["note"].pk,
            "title": "《关于做好政务公开工作的通知》解读",
            "url": lib["note"].get_full_url(),
            "form": "text",
            "form_label": "文字解读",
            "interpreter": "市政府办公室",
            "pub_date": "2023-03-02T09:30:00+08:00",
        }
    ]


def test_interpretations_are_newest_first(client, lib):
    later = publish_interpretation(
        lib["group"],
        InterpretationPage(
            title="图解：政务公开通知",
            form=InterpretationForm.GRAPHIC,
            interpreter="市政府办公室",
            pub_date=_at(2023, 4, 1),
            text_alternative="图解的文字版。",
        ),
        [lib["a"]],
    )
    item = _get(client, f"{LIST}/{lib['a'].pk}").json()
    assert [i["id"] for i in item["interpretations"]] == [later.pk, lib["note"].pk]
    assert item["interpretations"][0]["form_label"] == "图表图解"
    assert item["interpretation_count"] == 2


def test_the_detail_of_a_repealed_policy_names_its_successor(client, lib):
    item = _get(client, f"{LIST}/{lib['c'].pk}").json()
    assert [s["id"] for s in item["successors"]] == [lib["b"].pk]


def test_what_is_not_a_live_public_policy_is_not_found(client, lib):
    ids = [lib[which].pk for which in ("private", "withdrawn", "note", "group")]
    for raw in [*ids, "999999999", "0", "-5", "99999999999999999999999"]:
        response = _get(client, f"{LIST}/{raw}")
        assert response.status_code == 404, raw
        assert response.json() == {"detail": "政策文件不存在或未公开"}, raw


def test_an_id_that_is_no_number_is_not_found(client, lib):
    for raw in ["abc", "1%20OR%201=1", "%3Cscript%3E"]:
        response = _get(client, f"{LIST}/{raw}")
        assert response.status_code == 404, raw
        assert response["Content-Type"].startswith("application/json")
        assert "<script" not in response.content.decode()


def test_a_policy_made_private_disappears_from_list_and_detail(client, lib):
    PageViewRestriction.objects.create(page=lib["group"], restriction_type=PageViewRestriction.LOGIN)
    assert set(_ids(_get(client))) == {lib["d"].pk, lib["e"].pk}
    assert _get(client, f"{LIST}/{lib['a'].pk}").status_code == 404


# --- Docs and schema -----------------------------------------------------------------------------------


def test_the_docs_page_loads_swagger_ui_from_this_server_only(client, lib):
    response = client.get("/api/v1/docs", **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "惠民开放接口" in html
    assert "https://" not in html and "http://" not in html
    for name, kind in [
        ("swagger-ui.css", "text/css"),
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui-init.js", "text/javascript"),
    ]:
        url = f"/api/v1/docs/assets/{name}"
        assert url in html
        asset = client.get(url, **HOST)
        assert asset.status_code == 200
        assert asset["Content-Type"].startswith(kind)
        b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/..%2Fapi.py", **HOST).status_code == 404
    assert client.get("/api/v1/docs/assets/swagger-ui.css.map", **HOST).status_code == 404


def test_the_schema_is_served(client, lib):
    schema = client.get("/api/v1/openapi.json", **HOST).json()
    assert schema["info"]["title"] == "惠民开放接口"
    assert {"/api/v1/policies", "/api/v1/policies/{id}"} <= set(schema["paths"])
