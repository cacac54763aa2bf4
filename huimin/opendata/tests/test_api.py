"""The data API: /api/v1/datasets (search, facets, paging), one dataset, and the rows of a resource
(filters by every operator, sort, paging), with every bad input answered 400 in Chinese, unpublished and
foreign data unreachable, and the rate limit that an API key lifts."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from huimin.opendata import apikeys
from huimin.opendata.enums import UpdateFrequency
from huimin.opendata.models import DataTheme
from huimin.opendata.tests.factories import NOW, csv_bytes, json_bytes, make_dataset, make_resource, site_root
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
LIST = "/api/v1/datasets"
WATER = [
    ["站点", "日期", "水位", "站点数", "备注"],
    ["沭阳站", "2026-01-05", "12.5", "3", "汛前"],
    ["泗阳站", "2026-01-06", "9.8", "5", ""],
    ["宿城站", "2026-01-07", "15.25", "2", "超警戒"],
    ["沭阳站", "2026-02-05", "11", "3", "汛前检查"],
    ["洋河站", "2026-02-06", "7.5", "1", ""],
]


@pytest.fixture(autouse=True)
def group(demo):
    return demo


@pytest.fixture
def data():
    """Two live datasets of two units, themes and formats on two sites, and an unpublished one."""
    water_unit = OrgUnit.objects.get(name="宿迁市水利局")
    education_unit = OrgUnit.objects.get(name="宿迁市教育局")
    environment = DataTheme.objects.get(name="资源环境")
    education = DataTheme.objects.get(name="教育科技")
    water = make_dataset(
        site_root(),
        unit=water_unit,
        theme=environment,
        title="接口测试河道水位",
        keywords="水位,接口测试甲",
        update_frequency=UpdateFrequency.MONTHLY,
        spatial="宿迁市",
        contact_name="水文科",
        contact_email="water@example.cn",
    )
    water_resource, water_version = make_resource(water, csv_bytes(WATER), title="水位观测")
    schools = make_dataset(
        site_root("jyj.localhost"),
        unit=education_unit,
        theme=education,
        title="接口测试学校名录",
        keywords="学校,接口测试乙",
        update_frequency=UpdateFrequency.YEARLY,
    )
    school_resource, _ = make_resource(
        schools,
        json_bytes([["学校", "学生数"], ["宿迁中学", 1200], ["宿城小学", 800]]),
        name="schools.json",
        title="学校",
    )
    hidden = make_dataset(site_root(), unit=water_unit, theme=environment, title="接口测试未发布数据")
    hidden_resource, _ = make_resource(hidden, csv_bytes(WATER))
    hidden.unpublish()
    return {
        "water": water,
        "water_resource": water_resource,
        "water_version": water_version,
        "schools": schools,
        "school_resource": school_resource,
        "hidden": hidden,
        "hidden_resource": hidden_resource,
    }


def get(client, url, **params):
    extra = params.pop("headers", {})
    return client.get(url, params, **HOST, **extra)


def rows_url(dataset, resource):
    return f"/api/v1/datasets/{dataset.pk}/resources/{resource.pk}/rows"


def row_numbers(response):
    assert response.status_code == 200, response.content
    return [row["_row"] for row in response.json()["rows"]]


# --- list ----------------------------------------------------------------------------------------------


def test_the_list_finds_datasets_by_words_in_title_and_keywords(client, data):
    body = get(client, LIST, q="接口测试").json()
    titles = {item["title"] for item in body["results"]}
    assert titles == {"接口测试河道水位", "接口测试学校名录"}
    body = get(client, LIST, q="接口测试甲").json()
    assert body["count"] == 1 and body["results"][0]["id"] == data["water"].pk
    item = body["results"][0]
    assert item["unit"]["name"] == "宿迁市水利局" and item["theme"]["name"] == "资源环境"
    assert item["formats"] == ["CSV"] and item["keywords"] == ["水位", "接口测试甲"]
    assert item["url"].endswith(f"/sjkf/{data['water'].slug}/")
    assert item["last_updated"].startswith("2026-11-02T10:00:00+08:00")


def test_the_facets_count_each_option_under_the_other_filters(client, data):
    body = get(client, LIST, q="接口测试", format="json").json()
    assert [item["title"] for item in body["results"]] == ["接口测试学校名录"]
    formats = {option["value"]: option for option in body["facets"]["format"]}
    assert formats["json"]["count"] == 1 and formats["json"]["selected"]
    assert formats["csv"]["count"] == 1 and not formats["csv"]["selected"]  # still offered
    themes = {option["value"]: option["count"] for option in body["facets"]["theme"]}
    assert themes == {"教育科技": 1}  # counted under format=json
    units = {
        option["label"]: option["value"]
        for option in get(client, LIST, q="接口测试").json()["facets"]["unit"]
    }
    by_unit = get(client, LIST, q="接口测试", unit=units["宿迁市水利局"]).json()
    assert [item["title"] for item in by_unit["results"]] == ["接口测试河道水位"]
    by_frequency = get(client, LIST, q="接口测试", frequency="yearly", theme="教育科技").json()
    assert by_frequency["count"] == 1


def test_unknown_facet_values_give_an_empty_list_not_an_error(client, data):
    for params in ({"theme": "没有的主题"}, {"unit": "abc"}, {"format": "pdf"}, {"site": "nowhere.example"}):
        response = get(client, LIST, q="接口测试", **params)
        assert response.status_code == 200 and response.json()["count"] == 0, params


def test_the_site_parameter_lists_what_that_site_shows(client, data):
    on_jyj = get(client, LIST, q="接口测试", site="jyj.localhost").json()
    assert [item["title"] for item in on_jyj["results"]] == ["接口测试学校名录"]
    assert on_jyj["results"][0]["site"]["hostname"] == "jyj.localhost"
    on_slj = get(client, LIST, q="接口测试", site="slj.localhost").json()
    assert on_slj["count"] == 0


def test_the_list_pages_and_refuses_a_page_size_beyond_the_maximum(client, data):
    first = get(client, LIST, q="接口测试", page_size=1).json()
    second = get(client, LIST, q="接口测试", page_size=1, page=2).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and len(second["results"]) == 1
    assert first["results"][0]["id"] != second["results"][0]["id"]
    beyond = get(client, LIST, q="接口测试", page=9).json()
    assert beyond["results"] == [] and beyond["count"] == 2
    response = get(client, LIST, page_size=101)
    assert response.status_code == 400 and response.json()["detail"] == "参数 page_size 不能大于 100。"


def test_unpublished_datasets_are_not_listed_nor_shown(client, data):
    body = get(client, LIST, q="接口测试未发布").json()
    assert body["count"] == 0
    response = get(client, f"{LIST}/{data['hidden'].pk}")
    assert response.status_code == 404 and response.json()["detail"] == "数据集不存在或未公开。"
    response = get(client, rows_url(data["hidden"], data["hidden_resource"]))
    assert response.status_code == 404


# --- detail --------------------------------------------------------------------------------------------


def test_the_detail_gives_metadata_quality_resources_columns_versions_and_addresses(client, data):
    water, resource = data["water"], data["water_resource"]
    response = get(client, f"{LIST}/{water.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "接口测试河道水位" and body["spatial"] == "宿迁市"
    assert body["contact"] == {"name": "水文科", "phone": "", "email": "water@example.cn"}
    assert body["update_frequency"] == "monthly" and body["update_frequency_label"] == "每月"
    assert isinstance(body["quality"]["score"], int) and 0 <= body["quality"]["score"] <= 100
    assert isinstance(body["quality"]["late"], bool)
    (item,) = body["resources"]
    assert item["id"] == resource.pk and item["format"] == "csv" and item["row_count"] == 5
    assert [column["name"] for column in item["columns"]] == WATER[0]
    assert [column["type"] for column in item["columns"]][:4] == ["text", "date", "number", "integer"]
    page_url = body["url"]
    assert item["downloads"] == {
        "original": f"{page_url}download/{resource.pk}/original/",
        "csv": f"{page_url}download/{resource.pk}/csv/",
        "json": f"{page_url}download/{resource.pk}/json/",
    }
    assert item["rows_url"] == f"http://127.0.0.1:8000{rows_url(water, resource)}"
    (version,) = item["versions"]
    assert version["number"] == 1 and version["status"] == "loaded"
    assert version["download_url"] == f"{page_url}download/{resource.pk}/v1/"


def test_a_detail_id_that_is_not_a_dataset_is_404(client, data):
    assert get(client, f"{LIST}/{data['water'].get_parent().pk}").status_code == 404
    assert get(client, f"{LIST}/999999999").status_code == 404
    assert get(client, f"{LIST}/abc").status_code == 404
    assert get(client, f"{LIST}/{2**63}").status_code == 404


# --- rows ----------------------------------------------------------------------------------------------


OPERATOR_CASES = [
    ("站点:eq:沭阳站", [1, 4]),
    ("c0:ne:沭阳站", [2, 3, 5]),
    ("水位:lt:9.8", [5]),
    ("水位:lte:9.8", [2, 5]),
    ("站点数:gt:3", [2]),
    ("站点数:gte:3", [1, 2, 4]),
    ("备注:contains:汛前", [1, 4]),
    ("站点:in:泗阳站|洋河站", [2, 5]),
    ("日期:gte:2026-02-01", [4, 5]),
]


def test_each_operator_filters_the_rows_through_the_url(client, data):
    url = rows_url(data["water"], data["water_resource"])
    for spec, expected in OPERATOR_CASES:
        response = get(client, url, filter=spec)
        assert row_numbers(response) == expected, spec
        assert response.json()["total"] == len(expected), spec


def test_filters_repeat_and_combine(client, data):
    url = rows_url(data["water"], data["water_resource"])
    response = client.get(f"{url}?filter=站点:eq:沭阳站&filter=日期:lt:2026-02-01", **HOST)
    assert row_numbers(response) == [1]


def test_rows_come_typed_and_sorted_and_paged(client, data):
    url = rows_url(data["water"], data["water_resource"])
    body = get(client, url, sort="-水位").json()
    assert [row["c2"] for row in body["rows"]] == [15.25, 12.5, 11.0, 9.8, 7.5]
    assert body["rows"][0]["c1"] == "2026-01-07" and body["rows"][0]["c3"] == 2
    assert body["version"] == 1 and body["total"] == 5
    assert [column["key"] for column in body["columns"]] == ["c0", "c1", "c2", "c3", "c4"]
    second = get(client, url, sort="c3,-c1", page=2, page_size=2).json()
    assert [row["_row"] for row in second["rows"]] == [4, 1]
    assert second["page"] == 2 and second["page_size"] == 2 and second["total"] == 5


BAD_ROWS_INPUT = [
    ({"filter": "人口:eq:3"}, "人口"),
    ({"filter": "站点:like:沭阳"}, "like"),
    ({"filter": "站点数:gt:三个"}, "站点数"),
    ({"filter": "日期:eq:2026-13-45"}, "日期"),
    ({"filter": "水位:in:1|x"}, "水位"),
    ({"filter": "站点数:contains:3"}, "contains"),
    ({"filter": "站点"}, "格式"),
    ({"sort": "-人口"}, "人口"),
    ({"page_size": 1001}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page": 0}, "page"),
    ({"page": "x"}, "page"),
]


def test_every_bad_rows_input_is_a_400_naming_the_problem(client, data):
    url = rows_url(data["water"], data["water_resource"])
    for params, named in BAD_ROWS_INPUT:
        response = get(client, url, **params)
        assert response.status_code == 400, (params, response.content)
        detail = response.json()["detail"]
        assert named in detail, (params, detail)
        assert any("\u4e00" <= char <= "\u9fff" for char in detail), detail  # Chinese


@override_settings(HUIMIN_OPENDATA_MAX_PAGE_SIZE=3)
def test_the_maximum_page_size_is_a_setting(client, data):
    url = rows_url(data["water"], data["water_resource"])
    assert get(client, url, page_size=3).status_code == 200
    response = get(client, url, page_size=4)
    assert response.status_code == 400 and response.json()["detail"] == "参数 page_size 不能大于 3。"


def test_sql_and_script_payloads_are_only_values(client, data):
    url = rows_url(data["water"], data["water_resource"])
    response = get(client, url, filter="站点:eq:' OR '1'='1")
    assert response.status_code == 200 and response.json()["total"] == 0
    response = get(client, url, filter="站点:contains:%")
    assert response.json()["total"] == 0  # a LIKE wildcard is a plain character
    for sort in ("c0; DROP TABLE od_rows_1", "c0 DESC--", "(SELECT 1)"):
        assert get(client, url, sort=sort).status_code == 400
    response = get(client, url, filter="站点数:eq:<script>alert(1)</script>")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert get(client, url).json()["total"] == 5  # the table is intact


def test_a_resource_of_another_dataset_is_not_reachable(client, data):
    response = get(client, rows_url(data["water"], data["school_resource"]))
    assert response.status_code == 404 and response.json()["detail"] == "数据资源不存在。"
    assert get(client, f"/api/v1/datasets/{data['water'].pk}/resources/999999999/rows").status_code == 404


def test_a_resource_without_loaded_rows_is_404_with_a_reason(client, data):
    from huimin.opendata import services

    empty = services.create_resource(data["water"], title="待上传", actor=None)
    response = get(client, rows_url(data["water"], empty))
    assert response.status_code == 404 and "尚未成功导入" in response.json()["detail"]


# --- rate limits and keys ------------------------------------------------------------------------------


@override_settings(HUIMIN_OPENDATA_API_PER_IP_HOUR=3)
def test_anonymous_clients_are_limited_per_address_and_hour(client, data):
    url = f"{LIST}/{data['water'].pk}"
    with time_machine.travel(NOW, tick=False):
        assert [get(client, url).status_code for _ in range(3)] == [200, 200, 200]
        response = get(client, url)
        assert response.status_code == 429 and "每小时最多请求 3 次" in response.json()["detail"]
        other = client.get(url, **HOST, REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200  # another address has its own count
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        assert get(client, url).status_code == 200


@override_settings(HUIMIN_OPENDATA_API_PER_IP_HOUR=1)
def test_a_valid_key_lifts_the_limit_up_to_its_own(client, data):
    _key, raw = apikeys.issue_key("测试应用", hourly_limit=4, now=timezone.now())
    url = f"{LIST}/{data['water'].pk}"
    with time_machine.travel(NOW, tick=False):
        assert get(client, url).status_code == 200
        assert get(client, url).status_code == 429
        header = {"HTTP_X_API_KEY": raw}
        assert [get(client, url, headers=header).status_code for _ in range(2)] == [200, 200]
        assert get(client, url, api_key=raw).status_code == 200  # the query parameter works too
        assert get(client, rows_url(data["water"], data["water_resource"]), api_key=raw).status_code == 200
        response = get(client, url, headers=header)
        assert response.status_code == 429 and "此接口密钥每小时最多请求 4 次" in response.json()["detail"]


def test_a_revoked_or_unknown_key_is_refused(client, data):
    key, raw = apikeys.issue_key("测试应用", hourly_limit=100, now=timezone.now())
    url = f"{LIST}/{data['water'].pk}"
    assert get(client, url, headers={"HTTP_X_API_KEY": raw}).status_code == 200
    apikeys.revoke_key(key, now=timezone.now())
    response = get(client, url, headers={"HTTP_X_API_KEY": raw})
    assert response.status_code == 401 and response.json()["detail"] == "接口密钥无效或已停用。"
    assert get(client, LIST, api_key=raw[:8] + "x" * 35).status_code == 401


def test_the_openapi_schema_describes_the_three_endpoints(client):
    schema = get(client, "/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/datasets" in paths
    assert "/api/v1/datasets/{id}" in paths
    rows = paths["/api/v1/datasets/{id}/resources/{rid}/rows"]["get"]
    names = {parameter["name"] for parameter in rows["parameters"]}
    assert {"filter", "sort", "page", "page_size", "api_key", "X-Api-Key"} <= names
    assert {"400", "401", "404", "429"} <= set(rows["responses"])
