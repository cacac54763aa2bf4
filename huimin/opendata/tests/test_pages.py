"""The public pages of open data: the catalog's facets, counts and search; the dataset page with its
metadata, quality, versions and a paged, sortable preview; the downloads (each version's file as it came,
clean CSV with formulas escaped, JSON); hostile input and markup in metadata; unpublished datasets."""

import csv
import io
import json

import pytest
from wagtail.models import Site

from huimin.opendata import queries, services
from huimin.opendata.enums import UpdateFrequency
from huimin.opendata.models import DataTheme
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup

from .factories import NOW, csv_bytes, make_catalog, make_dataset, make_resource, tiny_site, xlsx_bytes

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "opendata-test.localhost"}
XSS = '<script>alert("x")</script>'


@pytest.fixture
def catalog():
    return make_catalog(tiny_site())


def _theme(name):
    return DataTheme.objects.get(name=name)


def _unit(name):
    return OrgUnit.objects.get_or_create(name=name, defaults={"kind": "dept_tier1"})[0]


def _get(client, path, **params):
    response = client.get(path, params, **HOST)
    return response, soup(response.content)


def _numbers(count):
    rows = [["编号", "名称", "金额"]]
    rows += [[str(n), f"项目{n:02d}", str(n * 10 if n % 2 else 1000 - n)] for n in range(1, count + 1)]
    return csv_bytes(rows)


@pytest.fixture
def three(catalog):
    """Three datasets: two 经济建设 (CSV, monthly) of one unit, one 资源环境 (XLSX, yearly) of another."""
    water = _unit("宿迁市水利局")
    approvals = _unit("宿迁市行政审批局")
    first = make_dataset(
        catalog=catalog, unit=approvals, theme=_theme("经济建设"), title="企业开办数量", keywords="营商环境"
    )
    second = make_dataset(
        catalog=catalog,
        unit=approvals,
        theme=_theme("经济建设"),
        title="个体工商户登记",
        description="按月统计的新登记个体工商户。",
    )
    third = make_dataset(
        catalog=catalog,
        unit=water,
        theme=_theme("资源环境"),
        title="河道水质",
        description="主要断面的水质类别。",
        update_frequency=UpdateFrequency.YEARLY,
    )
    make_resource(first)
    make_resource(second)
    make_resource(third, xlsx_bytes([["断面", "类别"], ["黄河大桥", "Ⅲ类"]]), name="水质.xlsx")
    return first, second, third


def _options(document, name):
    return [o.get_text() for o in document.select(f"#f-{name} option")][1:]


def test_the_catalog_counts_each_facet_option_and_narrows_by_it(client, catalog, three):
    response, document = _get(client, catalog.url)
    assert response.status_code == 200
    assert _options(document, "theme") == ["经济建设（2）", "资源环境（1）"]
    assert sorted(_options(document, "format")) == ["CSV（2）", "XLSX（1）"]
    assert _options(document, "frequency") == ["每月（2）", "每年（1）"]
    assert "共 3 个数据集" in document.select_one(".result-count").get_text()

    response, document = _get(client, catalog.url, theme="经济建设")
    titles = [a.get_text() for a in document.select(".dataset-list h3 a")]
    assert sorted(titles) == ["个体工商户登记", "企业开办数量"]
    # Counts of the other facets follow the chosen theme; the theme facet keeps its own counts.
    assert _options(document, "format") == ["CSV（2）"]
    assert _options(document, "theme") == ["经济建设（2）", "资源环境（1）"]
    assert document.select_one("#f-theme option[selected]").get_text() == "经济建设（2）"

    _, document = _get(client, catalog.url, format="xlsx")
    assert [a.get_text() for a in document.select(".dataset-list h3 a")] == ["河道水质"]
    water = OrgUnit.objects.get(name="宿迁市水利局")
    _, document = _get(client, catalog.url, unit=str(water.pk), frequency="yearly")
    assert [a.get_text() for a in document.select(".dataset-list h3 a")] == ["河道水质"]


def test_the_search_matches_title_description_and_keywords_as_substrings(client, catalog, three):
    for query, expected in (("开办", ["企业开办数量"]), ("断面", ["河道水质"]), ("营商", ["企业开办数量"])):
        _, document = _get(client, catalog.url, q=query)
        assert [a.get_text() for a in document.select(".dataset-list h3 a")] == expected, query
    _, document = _get(client, catalog.url, q="没有这样的数据")
    assert "没有符合条件的数据集" in document.get_text()


@pytest.mark.parametrize(
    "params",
    [
        {"q": XSS, "theme": "' OR 1=1 --", "unit": "abc", "format": "exe", "frequency": "hourly"},
        {"unit": "99999999999999999999", "page": "99999999999999999999999"},
        {"page": "-1", "q": "%00" * 40},
    ],
)
def test_hostile_catalog_queries_get_the_page_with_nothing_executed(client, catalog, three, params):
    response, document = _get(client, catalog.url, **params)
    assert response.status_code == 200
    assert XSS.encode() not in response.content
    if "q" in params and params["q"] == XSS:
        assert document.select_one("#f-q")["value"] == XSS  # shown back as text, escaped by the template


def test_markup_in_metadata_resource_and_column_titles_is_escaped(client, catalog):
    dataset = make_dataset(
        catalog=catalog, title=f"数据{XSS}", description=f"<img src=x onerror=alert(1)>{XSS}"
    )
    make_resource(dataset, csv_bytes([[f"列{XSS}", "数"], ["<b>粗体</b>", "1"]]), title=f"资源{XSS}")
    for url in (catalog.url, dataset.url):
        response = client.get(url, **HOST)
        assert response.status_code == 200
        assert XSS.encode() not in response.content
        assert b"<img src=x" not in response.content and b"<b>" not in response.content
    document = soup(client.get(dataset.url, **HOST).content)
    assert document.h1.get_text() == f"数据{XSS}"
    assert XSS in document.select_one(".preview thead").get_text()


def test_the_dataset_page_shows_metadata_freshness_quality_versions_and_the_api_address(
    client, catalog, time_machine
):
    time_machine.move_to(NOW)
    dataset = make_dataset(
        catalog=catalog,
        title="公共自行车站点",
        open_type="conditional",
        open_condition="向市交通运输局书面申请。",
        licence="宿迁市公共数据开放许可协议",
    )
    resource, first = make_resource(dataset, _numbers(3), now=NOW.replace(month=9))
    second = services.add_version(resource, upload=_numbers(5), original_name="v2.csv", actor=None, now=NOW)
    _, document = _get(client, dataset.url)
    text = document.get_text(" ")
    info = {
        th.get_text(): th.find_next("td").get_text(" ", strip=True)
        for th in document.select(".dataset-info th")
    }
    assert info["开放属性"] == "有条件开放" and info["开放条件"] == "向市交通运输局书面申请。"
    assert info["开放许可"] == "宿迁市公共数据开放许可协议" and info["更新频率"] == "每月"
    assert "2026年11月2日" in document.select_one(".freshness").get_text()  # last updated = v2's upload
    assert "按期更新" in text and "质量评分" in text
    versions = document.select(".versions tbody tr")
    assert [tr.th.get_text(strip=True) for tr in versions] == ["第 2 版", "第 1 版"]
    assert "新增 2 行" in versions[0].get_text() and "首个版本" in versions[1].get_text()
    assert versions[1].a["href"] == f"{dataset.url}download/{resource.pk}/v1/"
    assert (
        f"/api/v1/datasets/{dataset.pk}/resources/{resource.pk}/rows"
        in document.select_one(".api code").get_text()
    )
    links = {a.get_text(strip=True): a["href"] for a in document.select(".downloads a")}
    assert links["下载 CSV（UTF-8）"] == f"{dataset.url}download/{resource.pk}/csv/"
    assert second.number == 2 and first.number == 1


def test_the_preview_pages_and_sorts_with_aria_sort_on_the_sorted_column(client, catalog):
    dataset = make_dataset(catalog=catalog)
    resource, _ = make_resource(dataset, _numbers(45))
    _, document = _get(client, dataset.url, resource=resource.pk, page=2)
    rows = document.select(".preview tbody tr")
    assert [tr.th.get_text() for tr in rows][:2] == ["21", "22"] and len(rows) == 20
    assert "第 2 页，共 3 页" in document.select_one(".preview caption").get_text()
    headers = document.select(".preview thead th[aria-sort]")
    assert all(th["aria-sort"] == "none" for th in headers)
    amount = next(th for th in headers if "金额" in th.get_text())
    assert "sort=c2" in amount.a["href"]

    _, document = _get(client, dataset.url, resource=resource.pk, sort="c2")
    amount = next(th for th in document.select(".preview thead th[aria-sort]") if "金额" in th.get_text())
    assert amount["aria-sort"] == "ascending" and "sort=-c2" in amount.a["href"]
    values = [int(tr.select("td")[2].get_text()) for tr in document.select(".preview tbody tr")]
    assert values == sorted(values)

    _, document = _get(client, dataset.url, resource=resource.pk, sort="-c2", page=1)
    amount = next(th for th in document.select(".preview thead th[aria-sort]") if "金额" in th.get_text())
    assert amount["aria-sort"] == "descending"
    values = [int(tr.select("td")[2].get_text()) for tr in document.select(".preview tbody tr")]
    assert values == sorted(values, reverse=True) and values[0] == 998
    next_link = document.select_one('.pagination a[rel="next"]')["href"]
    assert "sort=-c2" in next_link and "page=2" in next_link


@pytest.mark.parametrize("sort", ["nosuchcolumn", f"-{XSS}", "c0,,c9"])
def test_an_unknown_sort_column_gives_a_clear_message_not_an_error(client, catalog, sort):
    dataset = make_dataset(catalog=catalog)
    resource, _ = make_resource(dataset, _numbers(5))
    response, document = _get(client, dataset.url, resource=resource.pk, sort=sort, page="abc")
    assert response.status_code == 200
    assert "无法按所给字段排序" in document.select_one(".preview .notice").get_text()
    assert len(document.select(".preview tbody tr")) == 5
    assert XSS.encode() not in response.content


def test_a_page_beyond_the_last_shows_the_last_and_an_unknown_resource_the_first(client, catalog):
    dataset = make_dataset(catalog=catalog)
    resource, _ = make_resource(dataset, _numbers(25))
    _, document = _get(client, dataset.url, resource=resource.pk, page=99999)
    assert "第 2 页，共 2 页" in document.select_one(".preview caption").get_text()
    _, document = _get(client, dataset.url, resource="999999")
    assert "没有找到所选的数据资源" in document.select_one(".preview").get_text()
    assert len(document.select(".preview tbody tr")) == 20


def test_the_clean_csv_is_utf8_with_a_bom_streamed_with_formula_cells_escaped(client, catalog):
    dataset = make_dataset(catalog=catalog)
    rows = [["名称", "公式", "数量"], ["甲", "=SUM(A1:A9)", "-5"], ["乙", "+86 527", "3"], ["@丙", "-x", "7"]]
    resource, _ = make_resource(dataset, csv_bytes(rows))
    response = client.get(f"{dataset.url}download/{resource.pk}/csv/", **HOST)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == ["名称", "公式", "数量"]
    assert table[1] == ["甲", "'=SUM(A1:A9)", "-5"]  # a negative number stays a number
    assert table[2][1] == "'+86 527" and table[3][0] == "'@丙" and table[3][1] == "'-x"


def test_the_json_download_streams_the_columns_and_rows(client, catalog):
    dataset = make_dataset(catalog=catalog)
    resource, version = make_resource(dataset, _numbers(3))
    response = client.get(f"{dataset.url}download/{resource.pk}/json/", **HOST)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(b"".join(response.streaming_content))
    assert data["version"] == version.number
    assert [c["title"] for c in data["columns"]] == ["编号", "名称", "金额"]
    assert data["rows"][0] == {"c0": 1, "c1": "项目01", "c2": 10}
    assert len(data["rows"]) == 3


def test_every_version_stays_downloadable_as_it_came(client, catalog):
    dataset = make_dataset(catalog=catalog)
    gbk = csv_bytes([["区县", "人数"], ["沭阳县", "12"]], encoding="gbk")
    resource, _ = make_resource(dataset, gbk, name="旧版.csv")
    newer = xlsx_bytes([["区县", "人数"], ["沭阳县", 13], ["泗阳县", 9]])
    services.add_version(resource, upload=newer, original_name="新版.xlsx", actor=None, now=NOW)
    first = client.get(f"{dataset.url}download/{resource.pk}/v1/", **HOST)
    assert b"".join(first.streaming_content) == gbk
    assert first["Content-Type"] == "text/csv; charset=gbk"
    current = client.get(f"{dataset.url}download/{resource.pk}/original/", **HOST)
    assert b"".join(current.streaming_content) == newer
    assert current["Content-Type"].startswith("application/vnd.openxmlformats")
    for kind in ("v3", "v0", "pdf", "v" + "9" * 20):
        assert client.get(f"{dataset.url}download/{resource.pk}/{kind}/", **HOST).status_code == 404


def test_a_resource_of_another_dataset_is_not_served_through_this_one(client, catalog):
    one, other = make_dataset(catalog=catalog), make_dataset(catalog=catalog)
    resource, _ = make_resource(other)
    assert client.get(f"{one.url}download/{resource.pk}/csv/", **HOST).status_code == 404
    assert client.get(f"{other.url}download/{resource.pk}/csv/", **HOST).status_code == 200


def test_unpublished_datasets_are_neither_listed_nor_served(client, catalog):
    shown = make_dataset(catalog=catalog, title="公开的数据集")
    hidden = make_dataset(catalog=catalog, title="撤下的数据集")
    resource, _ = make_resource(hidden)
    url = hidden.url
    hidden.unpublish()
    _, document = _get(client, catalog.url)
    assert [a.get_text() for a in document.select(".dataset-list h3 a")] == [shown.title]
    assert "撤下" not in "".join(o.get_text() for o in document.select("option"))
    assert client.get(url, **HOST).status_code == 404
    assert client.get(f"{url}download/{resource.pk}/csv/", **HOST).status_code == 404
    site = Site.objects.get(hostname="opendata-test.localhost")
    assert list(queries.datasets_for_site(site)) == [shown]


def test_only_an_aggregating_catalog_gathers_the_group(catalog):
    own = make_dataset(catalog=catalog)
    elsewhere = make_dataset(catalog=make_catalog(tiny_site("opendata-other.localhost")))
    assert list(queries.catalog_scope(catalog)) == [own]
    site = Site.objects.get(hostname="opendata-test.localhost")
    assert list(queries.datasets_for_site(site)) == [own]
    catalog.aggregate_group = True
    catalog.save()
    # The group may hold other datasets too (the session demo's); both of these are gathered.
    assert {own, elsewhere} <= set(queries.catalog_scope(catalog))
    assert {own, elsewhere} <= set(queries.datasets_for_site(site))
