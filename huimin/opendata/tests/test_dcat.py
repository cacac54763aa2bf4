"""/catalog.jsonld: a DCAT-AP style JSON-LD catalog per site and for the group, with the structure that
CKAN's DCAT harvester (ckanext-dcat) and udata read: a dcat:Catalog whose dcat:dataset nodes carry the
DCAT-AP mandatory and recommended properties and dcat:distribution nodes with access and download URLs."""

import json
from datetime import date
from urllib.parse import urlsplit

import pytest
from wagtail.models import Site

from huimin.opendata.dcat import ACCESS_RIGHTS, CONTEXT, FREQUENCIES
from huimin.opendata.enums import OpenType, UpdateFrequency
from huimin.opendata.models import DatasetPage, DataTheme
from huimin.opendata.queries import datasets_for_site
from huimin.opendata.tests.factories import csv_bytes, make_dataset, make_resource, site_root
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}
JYJ = {"HTTP_HOST": "jyj.localhost:8000"}
EU = "http://publications.europa.eu/resource/authority"


@pytest.fixture(autouse=True)
def group(demo):
    return demo


@pytest.fixture
def data():
    unit = OrgUnit.objects.get(name="宿迁市教育局")
    theme = DataTheme.objects.get(name="教育科技")
    schools = make_dataset(
        site_root("jyj.localhost"),
        unit=unit,
        theme=theme,
        title="目录测试学校名录",
        keywords="学校，招生、目录测试",
        update_frequency=UpdateFrequency.HALF_YEARLY,
        open_type=OpenType.CONDITIONAL,
        open_condition="须说明用途并提出申请。",
        temporal_start=date(2025, 9, 1),
        temporal_end=date(2026, 7, 31),
        spatial="宿迁市",
        contact_name="招生办",
        contact_phone="0527-84300016",
        contact_email="zsb@example.cn",
        licence_url="https://data.suqian.example.cn/licence",
    )
    resource, version = make_resource(
        schools, csv_bytes([["学校", "学生数"], ["宿迁中学", "1200"]]), title="学校"
    )
    hidden = make_dataset(site_root("jyj.localhost"), unit=unit, theme=theme, title="目录测试未发布")
    hidden.unpublish()
    return {"schools": schools, "resource": resource, "version": version, "hidden": hidden}


def catalog(client, host=PORTAL, **params):
    response = client.get("/catalog.jsonld", params, **host)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def datasets_of(document) -> list[dict]:
    return document["dcat:dataset"]


def by_title(document, title) -> dict:
    return next(node for node in datasets_of(document) if node["dct:title"] == title)


def test_it_is_json_ld_with_the_dcat_vocabularies(client, data):
    document = catalog(client)
    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert document["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert document["@context"]["foaf"] == "http://xmlns.com/foaf/0.1/"
    assert document["@context"]["vcard"] == "http://www.w3.org/2006/vcard/ns#"
    assert document["@type"] == "dcat:Catalog"
    assert document["@id"] == "http://127.0.0.1:8000/catalog.jsonld"
    assert document["dct:title"].endswith("数据开放目录") and document["dct:description"]
    assert (
        document["dct:publisher"]["@type"] == "foaf:Organization" and document["dct:publisher"]["foaf:name"]
    )
    assert isinstance(document["dcat:dataset"], list)


def test_every_live_dataset_of_the_site_is_present_once_and_unpublished_ones_are_not(client, data):
    document = catalog(client, JYJ)
    identifiers = [node["dct:identifier"] for node in datasets_of(document)]
    assert len(identifiers) == len(set(identifiers))
    site = Site.objects.get(hostname="jyj.localhost")
    expected = {str(pk) for pk in datasets_for_site(site).values_list("pk", flat=True)}
    assert set(identifiers) == expected and str(data["schools"].pk) in expected
    assert str(data["hidden"].pk) not in identifiers
    assert "目录测试未发布" not in json.dumps(document, ensure_ascii=False)


def test_the_group_scope_gathers_every_live_dataset_of_the_group(client, data):
    document = catalog(client, JYJ, scope="group")
    identifiers = [node["dct:identifier"] for node in datasets_of(document)]
    expected = {str(pk) for pk in DatasetPage.objects.live().public().values_list("pk", flat=True)}
    assert len(identifiers) == len(set(identifiers)) and set(identifiers) == expected
    assert "（全市网站群）" in document["dct:title"] and document["@id"].endswith("?scope=group")
    assert str(data["hidden"].pk) not in identifiers


def test_a_dataset_carries_the_dcat_ap_properties(client, data):
    node = by_title(catalog(client, JYJ), "目录测试学校名录")
    schools = data["schools"]
    assert node["@type"] == "dcat:Dataset"
    assert node["@id"] == node["dcat:landingPage"]["@id"] == f"http://jyj.localhost:8000/sjkf/{schools.slug}/"
    assert node["dct:identifier"] == str(schools.pk)
    assert node["dct:description"] == schools.description
    assert node["dcat:keyword"] == ["学校", "招生", "目录测试"]
    assert (
        node["dcat:theme"]["@type"] == "skos:Concept" and node["dcat:theme"]["skos:prefLabel"] == "教育科技"
    )
    assert node["dct:publisher"] == {"@type": "foaf:Organization", "foaf:name": "宿迁市教育局"}
    assert node["dct:accrualPeriodicity"] == {"@id": f"{EU}/frequency/ANNUAL_2"}
    assert node["dct:accessRights"] == {"@id": f"{EU}/access-right/RESTRICTED"}
    assert node["dct:rights"]["dct:description"] == "须说明用途并提出申请。"
    assert node["dct:modified"] == {"@value": "2026-11-02T10:00:00+08:00", "@type": "xsd:dateTime"}
    assert node["dct:temporal"] == {
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": {"@value": "2025-09-01", "@type": "xsd:date"},
        "dcat:endDate": {"@value": "2026-07-31", "@type": "xsd:date"},
    }
    assert node["dct:spatial"] == {"@type": "dct:Location", "skos:prefLabel": "宿迁市"}
    assert node["dcat:contactPoint"] == {
        "@type": "vcard:Organization",
        "vcard:fn": "招生办",
        "vcard:hasEmail": {"@id": "mailto:zsb@example.cn"},
        "vcard:hasTelephone": "0527-84300016",
    }


def test_each_loaded_resource_has_distributions_that_download(client, data):
    node = by_title(catalog(client, JYJ), "目录测试学校名录")
    resource, version = data["resource"], data["version"]
    distributions = node["dcat:distribution"]
    assert len(distributions) == 4
    original, clean_csv, clean_json, api = distributions
    for distribution in distributions:
        assert distribution["@type"] == "dcat:Distribution"
        assert distribution["dcat:accessURL"]["@id"].startswith("http://jyj.localhost:8000/")
        assert distribution["dct:license"] == {
            "@id": "https://data.suqian.example.cn/licence",
            "@type": "dct:LicenseDocument",
            "dct:title": data["schools"].licence,
        }
        assert distribution["dct:title"].startswith("学校")
    assert original["dcat:downloadURL"]["@id"].endswith(f"/download/{resource.pk}/original/")
    assert original["dcat:mediaType"] == {"@id": "http://www.iana.org/assignments/media-types/text/csv"}
    assert original["dct:format"] == {"@id": f"{EU}/file-type/CSV"}
    assert original["dcat:byteSize"] == {"@value": str(version.size), "@type": "xsd:nonNegativeInteger"}
    assert clean_json["dcat:mediaType"]["@id"].endswith("/application/json")
    assert api["dcat:accessURL"]["@id"].endswith(
        f"/api/v1/datasets/{data['schools'].pk}/resources/{resource.pk}/rows"
    )
    assert "dcat:downloadURL" not in api
    for distribution in (original, clean_csv, clean_json):
        path = urlsplit(distribution["dcat:downloadURL"]["@id"]).path
        response = client.get(path, **JYJ)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "宿迁中学".encode() in body
    rows = client.get(urlsplit(api["dcat:accessURL"]["@id"]).path, **JYJ)
    assert rows.status_code == 200 and rows.json()["total"] == 1


def test_the_vocabulary_mappings_cover_every_choice():
    assert set(FREQUENCIES) == set(UpdateFrequency.values)
    assert set(ACCESS_RIGHTS) == set(OpenType.values)
    assert {"dcat", "dct", "foaf", "vcard"} <= set(CONTEXT)


def test_a_dataset_without_resources_still_appears_without_distributions(client, data):
    empty = make_dataset(site_root("jyj.localhost"), title="目录测试暂无资源")
    node = by_title(catalog(client, JYJ), "目录测试暂无资源")
    assert node["dct:identifier"] == str(empty.pk) and node["dcat:distribution"] == []
    assert node["dct:modified"]["@value"].startswith("2026-11-02")  # the publication time stands in


def test_the_catalog_only_answers_reads(client, data):
    assert client.post("/catalog.jsonld", **PORTAL).status_code == 405


# --- read as RDF, the way a harvester does ---------------------------------------------------------------


def test_a_json_ld_processor_reads_the_catalog_as_dcat_triples(client, data):
    """ckanext-dcat and udata parse the document with an RDF library (rdflib) and then look up
    dcat:Dataset nodes and their properties by IRI; the same reading, offline (the context is inline)."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    response = client.get("/catalog.jsonld", **PORTAL)
    graph = Graph().parse(data=response.content.decode("utf-8"), format="json-ld")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = set(graph.objects(catalogs[0], DCAT.dataset))
    assert datasets == set(graph.subjects(RDF.type, DCAT.Dataset))
    live = datasets_for_site(Site.objects.get(hostname="127.0.0.1"))
    assert len(datasets) == live.count()
    for node in datasets:  # what ckanext-dcat requires of every dataset it imports
        assert graph.value(node, DCTERMS.title) is not None
        assert graph.value(node, DCTERMS.identifier) is not None
    schools = next(
        node for node in datasets if graph.value(node, DCTERMS.title) == Literal("目录测试学校名录")
    )
    publisher = graph.value(schools, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("宿迁市教育局")
    assert graph.value(schools, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}/frequency/ANNUAL_2")
    assert graph.value(schools, DCTERMS.accessRights) == URIRef(f"{EU}/access-right/RESTRICTED")
    assert {str(word) for word in graph.objects(schools, DCAT.keyword)} >= {"学校", "招生", "目录测试"}
    issued = graph.value(schools, DCTERMS.issued)
    assert issued.datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime") and issued.toPython().tzinfo
    distributions = list(graph.objects(schools, DCAT.distribution))
    assert distributions and all((d, RDF.type, DCAT.Distribution) in graph for d in distributions)
    downloads = {str(graph.value(d, DCAT.downloadURL)) for d in distributions}
    csv_download = next(url for url in downloads if url.endswith(f"/download/{data['resource'].pk}/csv/"))
    path = urlsplit(csv_download).path
    assert client.get(path, **JYJ).status_code == 200
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    contact = graph.value(schools, DCAT.contactPoint)
    assert graph.value(contact, vcard.fn) == Literal("招生办")
