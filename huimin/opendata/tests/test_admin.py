"""The admin side of open data: adding a resource, uploading a version and reading its problems, the
upload limit, correcting columns, the late-data report, and another unit's staff kept out of it all."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import PageLogEntry

from huimin.opendata.models import Resource, ResourceVersion
from huimin.sites.models import OrgUnit

from .factories import NOW, csv_bytes, make_catalog, make_dataset, make_resource, site_root

pytestmark = pytest.mark.django_db
WATER = {"HTTP_HOST": "slj.localhost:8000"}
RAGGED = csv_bytes([["河道", "水位"], ["古黄河", "12.5"], ["运河", "12.1", "多余"], ["新沂河", "高"]])


@pytest.fixture
def water(demo, time_machine):
    """A dataset of the water bureau's site with one resource, at the demo's time."""
    time_machine.move_to(NOW)
    catalog = make_catalog(site_root("slj.localhost"), slug="sjkf-admin")
    dataset = make_dataset(
        catalog=catalog, unit=OrgUnit.objects.get(name="宿迁市水利局"), title="河道水位日报"
    )
    resource, _ = make_resource(
        dataset, csv_bytes([["河道", "水位"], ["古黄河", "12.5"]]), now=NOW - timedelta(days=40)
    )
    return dataset, resource


def _login(client, demo, username):
    assert client.login(username=username, password=demo.password)


def _upload(client, resource, content, name="水位.csv"):
    return client.post(
        reverse("opendata_upload", args=[resource.pk]), {"file": SimpleUploadedFile(name, content)}, **WATER
    )


def test_an_editor_uploads_a_version_and_reads_its_problems_by_row_and_column(client, demo, water):
    dataset, resource = water
    _login(client, demo, "slj-editor")
    assert client.get(reverse("opendata_upload", args=[resource.pk]), **WATER).status_code == 200
    response = _upload(client, resource, RAGGED)
    resource.refresh_from_db()
    version = resource.current_version
    assert version.number == 2 and version.row_count == 3 and version.uploaded_by.username == "slj-editor"
    assert response.status_code == 302 and response["Location"] == reverse(
        "opendata_version", args=[version.pk]
    )
    page = client.get(response["Location"], **WATER).content.decode()
    assert "检测到的编码" in page and version.encoding in page
    assert version.error_count >= 1
    problem = version.errors[0]
    assert f"<td>{problem['row']}</td>" in page and problem["message"] in page
    entry = PageLogEntry.objects.filter(page=dataset, action="huimin_opendata.version_add").latest(
        "timestamp"
    )
    assert log_registry.get_action_label(entry.action) == "上传数据新版本"


@override_settings(HUIMIN_OPENDATA_MAX_UPLOAD_MB=0.01)
def test_an_upload_over_the_limit_is_refused_with_a_clear_message_and_nothing_kept(client, demo, water):
    _, resource = water
    _login(client, demo, "slj-editor")
    big = csv_bytes([["河道", "说明"], *[["古黄河", "水" * 100] for _ in range(200)]])
    assert len(big) > 0.01 * 2**20
    response = _upload(client, resource, big)
    assert response.status_code == 413
    assert "超过了 0.01 MB 的大小上限" in response.content.decode()
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_a_wrong_kind_of_file_is_refused_with_a_message(client, demo, water):
    _, resource = water
    _login(client, demo, "slj-editor")
    response = _upload(client, resource, b"%PDF-1.4 not a table", name="报告.pdf")
    assert response.status_code == 400 and "只支持 CSV、XLSX" in response.content.decode()
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_adding_a_resource_leads_to_its_upload_form(client, demo, water):
    dataset, _ = water
    _login(client, demo, "slj-editor")
    response = client.post(
        reverse("opendata_dataset", args=[dataset.pk]),
        {"title": "河道水位（小时）", "description": ""},
        **WATER,
    )
    resource = Resource.objects.get(dataset=dataset, title="河道水位（小时）")
    assert response["Location"] == reverse("opendata_upload", args=[resource.pk])
    response = client.post(reverse("opendata_dataset", args=[dataset.pk]), {"title": ""}, **WATER)
    assert response.status_code == 200 and "必需字段" in response.content.decode()


def test_the_editor_corrects_column_titles_types_and_descriptions(client, demo, water):
    dataset, resource = water
    version = resource.current_version
    _login(client, demo, "slj-editor")
    data = {
        "c0-title": "河道名称",
        "c0-type": "text",
        "c0-description": "河道的标准名称。",
        "c1-title": "水位（米）",
        "c1-type": "text",
        "c1-description": "<script>x</script>黄海高程。",
    }
    response = client.post(reverse("opendata_version", args=[version.pk]), data, **WATER)
    assert response.status_code == 302
    version.refresh_from_db()
    assert [(c["title"], c["type"]) for c in version.columns] == [
        ("河道名称", "text"),
        ("水位（米）", "text"),
    ]
    assert version.columns[1]["description"] == "<script>x</script>黄海高程。"
    page = client.get(reverse("opendata_version", args=[version.pk]), **WATER).content.decode()
    assert "<script>x</script>" not in page
    public = client.get(dataset.url, **WATER).content.decode()
    assert "水位（米）" in public
    bad = client.post(
        reverse("opendata_version", args=[version.pk]), {**data, "c1-type": "nonsense"}, **WATER
    )
    assert bad.status_code == 400


def test_staff_of_another_unit_can_neither_see_nor_change_the_dataset(client, demo, water):
    dataset, resource = water
    version = resource.current_version
    _login(client, demo, "shuyang-editor")
    host = {"HTTP_HOST": "shuyang.localhost:8000"}
    for url in (
        reverse("opendata_dataset", args=[dataset.pk]),
        reverse("opendata_upload", args=[resource.pk]),
        reverse("opendata_version", args=[version.pk]),
    ):
        assert client.get(url, **host).status_code == 404, url
    assert _upload(client, resource, RAGGED).status_code == 404
    assert (
        client.post(reverse("opendata_version", args=[version.pk]), {"c0-title": "x"}, **host).status_code
        == 404
    )
    assert (
        client.post(reverse("opendata_dataset", args=[dataset.pk]), {"title": "偷加"}, **host).status_code
        == 404
    )
    assert (
        client.post(
            reverse("opendata_fetch", args=[resource.pk]), {"url": "https://example.com/a.csv"}, **host
        ).status_code
        == 404
    )
    assert ResourceVersion.objects.filter(resource=resource).count() == 1
    assert not Resource.objects.filter(title="偷加").exists()
    listing = client.get(reverse("opendata_datasets"), **host).content.decode()
    late = client.get(reverse("opendata_late"), **host).content.decode()
    assert dataset.title not in listing and dataset.title not in late


def test_the_late_report_lists_the_editors_late_datasets(client, demo, water):
    dataset, _ = water  # monthly, last updated 40 days ago
    _login(client, demo, "slj-editor")
    page = client.get(reverse("opendata_late"), **WATER).content.decode()
    assert dataset.title in page and "<td>5</td>" in page  # 40 days - 35 allowed
    listing = client.get(reverse("opendata_datasets"), **WATER).content.decode()
    assert dataset.title in listing and "已逾期" in listing


def test_a_fetch_address_that_is_not_http_is_refused_by_the_form(client, demo, water):
    _, resource = water
    _login(client, demo, "slj-editor")
    response = client.post(
        reverse("opendata_fetch", args=[resource.pk]), {"url": "ftp://example.com/a.csv"}, **WATER
    )
    assert response.status_code == 400
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_the_platform_administrator_edits_themes_and_sees_the_menu(client, demo):
    _login(client, demo, "admin")
    assert client.get("/admin/opendata-themes/", **WATER).status_code == 200
    home = client.get("/admin/", **WATER).content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', home, re.S).group(1)
    menu = json.dumps(json.loads(props), ensure_ascii=False)
    assert all(
        label in menu for label in ("数据开放", "数据集与资源", "数据更新提醒", "数据主题", "数据接口密钥")
    )
