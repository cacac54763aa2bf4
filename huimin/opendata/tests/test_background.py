"""Large files loaded by the task worker: a pending version, loaded once its upload commits; a version
overtaken while it waited; a change of column types on a large version; what the admin and the public
page say meanwhile. The tests' task backend runs a task as soon as it is queued, here when the upload's
transaction commits (`django_capture_on_commit_callbacks`)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import PageLogEntry

from huimin.opendata import datastore, services
from huimin.opendata.models import ResourceVersion
from huimin.opendata.tasks import load_version_task, set_columns_task
from huimin.sites.models import OrgUnit

from .factories import NOW, SAMPLE_ROWS, csv_bytes, make_catalog, make_dataset, make_resource, site_root

pytestmark = pytest.mark.django_db
WATER = {"HTTP_HOST": "slj.localhost:8000"}
LEVELS = csv_bytes([["河道", "水位"], ["古黄河", "12.5"], ["运河", "12.1"], ["新沂河", "9.8"]])


@pytest.fixture
def water(demo, time_machine):
    time_machine.move_to(NOW)
    catalog = make_catalog(site_root("slj.localhost"), slug="sjkf-background")
    dataset = make_dataset(catalog=catalog, unit=OrgUnit.objects.get(name="宿迁市水利局"), title="河道水位")
    resource, _ = make_resource(dataset, csv_bytes([["河道", "水位"], ["古黄河", "12.5"]]))
    return dataset, resource


def _add(resource, data=LEVELS, name="水位.csv", **kwargs):
    return services.add_version(
        resource, upload=data, original_name=name, actor=None, now=NOW, background=True, **kwargs
    )


def test_a_background_upload_is_stored_pending_and_loaded_when_its_transaction_commits(
    water, django_capture_on_commit_callbacks
):
    dataset, resource = water
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = _add(resource)
        assert version.status == "pending" and version.row_count == 0
        assert not datastore.exists(version)
        resource.refresh_from_db()
        assert resource.current_version.number == 1  # the public still reads version 1
    assert len(callbacks) == 1
    callbacks[0]()  # the commit queues the task; the tests' backend runs it at once
    version.refresh_from_db()
    resource.refresh_from_db()
    assert version.status == "loaded" and version.row_count == 3
    assert resource.current_version_id == version.pk
    assert version.changes["rows_added"] == 2 and version.changes["rows_removed"] == 0
    assert datastore.query_rows(version, sort=[("c1", False)]).rows[0]["c0"] == "新沂河"
    loads = PageLogEntry.objects.filter(page=dataset, action="huimin_opendata.version_load")
    assert [entry.data["status"] for entry in loads] == ["loaded"]


def test_a_task_run_twice_leaves_the_version_alone_and_a_deleted_version_is_skipped(water):
    _dataset, resource = water
    version = _add(resource)  # no commit in a test transaction: the task has not run
    assert services.load_pending(version.pk, now=NOW).status == "loaded"
    again = services.load_pending(version.pk, now=NOW + timedelta(hours=1))
    assert again.status == "loaded" and again.loaded_at == NOW
    assert services.load_pending(10**9, now=NOW) is None
    assert load_version_task.call(10**9) == "gone"


def test_a_version_overtaken_while_it_waited_fails_with_its_file_kept(water):
    _dataset, resource = water
    waiting = _add(resource)
    newer = services.add_version(
        resource, upload=csv_bytes(SAMPLE_ROWS), original_name="new.csv", actor=None, now=NOW
    )
    assert newer.status == "loaded"
    waiting = services.load_pending(waiting.pk, now=NOW)
    assert waiting.status == "failed" and waiting.status_message == services.SUPERSEDED
    assert waiting.file.storage.exists(waiting.file.name)
    resource.refresh_from_db()
    assert resource.current_version_id == newer.pk and datastore.exists(newer)


def test_a_pending_file_that_cannot_be_read_fails_and_the_current_version_stays(water):
    _dataset, resource = water
    version = _add(resource, data=b"\x00\x01\x02 not a table", name="broken.csv")
    version = services.load_pending(version.pk, now=NOW)
    resource.refresh_from_db()
    assert version.status == "failed" and version.status_message
    assert resource.current_version.number == 1 and datastore.exists(resource.current_version)


def test_the_admin_loads_a_file_over_the_threshold_in_the_background_and_says_so(
    client, demo, water, settings, django_capture_on_commit_callbacks
):
    dataset, resource = water
    settings.HUIMIN_OPENDATA_BACKGROUND_MB = 0  # every file is "large"
    assert client.login(username="slj-editor", password=demo.password)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("opendata_upload", args=[resource.pk]),
            {"file": SimpleUploadedFile("水位.csv", LEVELS)},
            follow=True,
            **WATER,
        )
    page = response.content.decode()
    version = ResourceVersion.objects.get(resource=resource, number=2)
    assert version.status == "pending"
    assert "正在后台导入" in page and "此版本正在排队" in page and "db_worker" not in page
    public = client.get(dataset.url, **WATER).content.decode()
    assert "（待导入）" in public
    ResourceVersion.objects.filter(pk=version.pk).update(uploaded_at=NOW - timedelta(minutes=31))
    stalled = client.get(reverse("opendata_version", args=[version.pk]), **WATER).content.decode()
    assert "已等待超过 30 分钟" in stalled and "db_worker" in stalled
    for callback in callbacks:
        callback()
    version.refresh_from_db()
    assert version.status == "loaded"
    page = client.get(reverse("opendata_version", args=[version.pk]), **WATER).content.decode()
    assert "此版本正在排队" not in page and "已导入" in page


def test_a_small_file_is_still_loaded_in_the_request(client, demo, water):
    _dataset, resource = water
    assert client.login(username="slj-editor", password=demo.password)
    client.post(
        reverse("opendata_upload", args=[resource.pk]),
        {"file": SimpleUploadedFile("水位.csv", LEVELS)},
        **WATER,
    )
    assert ResourceVersion.objects.get(resource=resource, number=2).status == "loaded"


def _retype(version):
    columns = [dict(column) for column in version.columns]
    columns[1].update(type="text", title="水位（米）")
    return columns


def test_a_change_of_types_on_a_large_version_is_queued_then_done_by_the_worker(
    water, settings, django_capture_on_commit_callbacks
):
    _dataset, resource = water
    version = resource.current_version
    settings.HUIMIN_OPENDATA_BACKGROUND_MB = 0
    editor = get_user_model().objects.get(username="slj-editor")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = services.change_columns(version, _retype(version), actor=editor, now=NOW)
    assert outcome == "queued"
    version.refresh_from_db()
    assert version.status_message == services.RETYPE_QUEUED and version.columns[1]["type"] == "number"
    callbacks[0]()
    version.refresh_from_db()
    assert version.columns[1]["type"] == "text" and version.status_message == ""
    assert datastore.query_rows(version).rows[0]["c1"] == "12.5"


def test_titles_alone_and_small_versions_change_at_once(water):
    _dataset, resource = water
    version = resource.current_version
    editor = get_user_model().objects.get(username="slj-editor")
    titled = [dict(column) for column in version.columns]
    titled[0]["title"] = "河道名称"
    assert services.change_columns(version, titled, actor=editor, now=NOW) == "saved"
    assert services.change_columns(version, _retype(version), actor=editor, now=NOW) == "retyped"
    version.refresh_from_db()
    assert version.columns[0]["title"] == "河道名称" and version.columns[1]["type"] == "text"


def test_a_queued_change_of_types_by_someone_who_lost_the_right_is_recorded_not_applied(water, demo):
    _dataset, resource = water
    version = resource.current_version
    outsider = get_user_model().objects.get(username="shuyang-editor")
    assert set_columns_task.call(version.pk, _retype(version), outsider.pk) == "failed"
    version.refresh_from_db()
    assert version.columns[1]["type"] == "number"
    assert version.status_message.startswith("后台修改字段类型未完成：") and "权限" in version.status_message
    assert set_columns_task.call(version.pk, _retype(version), 10**9) == "gone"
