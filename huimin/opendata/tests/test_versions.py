"""Versions of a resource: uploads, what changed, failures kept, column corrections, limits, fetching."""

import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from wagtail.models import PageLogEntry

from huimin.opendata import datastore, services
from huimin.opendata.models import Resource, ResourceVersion
from huimin.opendata.services import UploadRefused
from huimin.opendata.tests.factories import (
    NOW,
    SAMPLE_ROWS,
    csv_bytes,
    json_bytes,
    make_dataset,
    make_resource,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(demo):
    return make_dataset()


def user(name):
    return get_user_model().objects.get(username=name)


def stored_bytes(version):
    with version.file.storage.open(version.file.name, "rb") as handle:
        return handle.read()


def actions(dataset, action):
    return list(PageLogEntry.objects.filter(page=dataset, action=action).order_by("pk"))


# ---------------------------------------------------------------------------------------------- upload


def test_a_first_upload_is_version_1_loaded_current_stored_as_it_came_and_logged(dataset):
    data = csv_bytes(SAMPLE_ROWS, encoding="gbk")
    resource, version = make_resource(dataset, data, name="低保发放.csv", actor=user("portal-editor"))
    assert version.number == 1
    assert version.status == "loaded" and version.status_message == ""
    assert resource.current_version == version
    assert (version.format, version.encoding, version.delimiter) == ("csv", "gbk", ",")
    assert version.original_name == "低保发放.csv"
    assert version.row_count == 3 and version.error_count == 0
    assert version.size == len(data) and version.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_bytes(version) == data
    assert [c["type"] for c in version.columns] == ["text", "date", "text", "number", "integer", "boolean"]
    assert version.uploaded_by == user("portal-editor") and version.loaded_at == NOW
    entry = actions(dataset, "huimin_opendata.version_add")[-1]
    assert entry.user == user("portal-editor")
    assert entry.data["version"] == 1 and entry.data["rows"] == 3


def test_a_second_upload_is_version_2_with_what_changed_and_version_1_stays_downloadable(dataset):
    first = csv_bytes([["区县", "人数"], ["沭阳县", "12"], ["泗阳县", "7"], ["宿城区", "9"]])
    resource, v1 = make_resource(dataset, first)
    second = csv_bytes(
        [
            ["区县", "人数", "金额"],
            ["沭阳县", "12", "1"],
            ["宿城区", "9", "2"],
            ["宿豫区", "4", "3"],
            ["泗洪县", "x", ""],
        ]
    )
    v2 = services.add_version(resource, upload=second, original_name="第二版.csv", actor=None, now=NOW)
    resource.refresh_from_db()
    assert v2.number == 2 and resource.current_version == v2
    assert stored_bytes(ResourceVersion.objects.get(pk=v1.pk)) == first
    assert not datastore.exists(v1) and datastore.exists(v2)
    assert v2.changes["previous"] == 1
    assert v2.changes["rows_before"] == 3 and v2.changes["rows_after"] == 4
    assert v2.changes["columns_added"] == ["金额"] and v2.changes["columns_removed"] == []
    assert v2.changes["columns_retyped"] == [{"name": "人数", "from": "integer", "to": "text"}]
    # Adding a column changes every row's cells: all rows count as replaced.
    assert (v2.changes["rows_added"], v2.changes["rows_removed"]) == (4, 3)


def test_rows_added_and_removed_are_counted_between_versions(dataset):
    resource, _v1 = make_resource(
        dataset, csv_bytes([["区县", "人数"], ["甲", "1"], ["乙", "2"], ["丙", "3"]])
    )
    v2 = services.add_version(
        resource,
        upload=csv_bytes([["人数", "区县"], ["1", "甲"], ["3", "丙"], ["4", "丁"], ["5", "戊"]]),
        original_name="v2.csv",
        actor=None,
        now=NOW,
    )
    assert (v2.changes["rows_added"], v2.changes["rows_removed"]) == (2, 1)
    assert v2.changes["columns_added"] == v2.changes["columns_removed"] == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("区县,人数\r\n".encode(), "header.csv", "只有表头"),
        (b"   \r\n\r\n", "blank.csv", "空"),
        (b'{"rows": []}', "bad.json", "data"),
        (b"PK\x03\x04broken", "broken.xlsx", "XLSX"),
    ],
)
def test_a_file_that_cannot_be_read_is_kept_as_failed_and_the_current_version_stays(
    dataset, data, name, message
):
    resource, v1 = make_resource(dataset)
    failed = services.add_version(resource, upload=data, original_name=name, actor=None, now=NOW)
    resource.refresh_from_db()
    assert failed.number == 2 and failed.status == "failed"
    assert message in failed.status_message
    assert ResourceVersion.objects.get(pk=failed.pk).status == "failed"
    assert stored_bytes(failed) == data
    assert resource.current_version == v1 and datastore.exists(v1) and not datastore.exists(failed)
    assert datastore.query_rows(v1).total == 3
    assert actions(dataset, "huimin_opendata.version_add")[-1].data["status"] == "failed"


def test_problems_are_recorded_on_the_version_by_row_and_column(dataset):
    rows = [["区县", "人数"]] + [["区", str(n)] for n in range(1, 6)] + [["短行"], ["长", "1", "多余"]]
    _resource, version = make_resource(dataset, csv_bytes(rows))
    assert version.status == "loaded" and version.row_count == 7
    assert version.error_count == 2
    assert version.errors[0] == {"row": 6, "column": "人数", "message": version.errors[0]["message"]}
    assert "少于表头" in version.errors[0]["message"]
    assert version.errors[1]["row"] == 7 and "多余" in version.errors[1]["message"]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (json_bytes(SAMPLE_ROWS, wrap=True), "低保.json", "json"),
        (xlsx_bytes([["区县", "人数"], ["沭阳县", 12], ["泗阳县", 7]]), "低保.xlsx", "xlsx"),
        (csv_bytes(SAMPLE_ROWS, delimiter="\t"), "低保.txt", "csv"),
    ],
)
def test_json_xlsx_and_text_files_load_too(dataset, data, name, expected):
    _resource, version = make_resource(dataset, data, name=name)
    assert version.format == expected and version.status == "loaded", version.status_message
    assert datastore.query_rows(version).rows[0]["c0"] == "沭阳县"


def test_an_upload_over_the_limit_is_refused_with_the_limit_named_and_nothing_stored(dataset, settings):
    settings.HUIMIN_OPENDATA_MAX_UPLOAD_MB = 1
    resource = services.create_resource(dataset, title="大文件", actor=None)
    data = b"a,b\r\n" + b"1,2\r\n" * (2**20 // 5 + 1)
    assert len(data) > 2**20
    with pytest.raises(UploadRefused, match="超过了 1 MB 的大小上限"):
        services.add_version(resource, upload=data, original_name="big.csv", actor=None, now=NOW)
    assert not ResourceVersion.objects.filter(resource=resource).exists()
    assert services.max_upload_bytes() == 2**20


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "另存为 .xlsx"),
        (b"MZ\x90\x00", "tool.exe", "只支持 CSV、XLSX"),
        (b"a,b\r\n1,2\r\n", "fake.xlsx", "只支持 CSV、XLSX"),
    ],
)
def test_empty_files_and_wrong_types_are_refused(dataset, data, name, message):
    resource = services.create_resource(dataset, title="资源", actor=None)
    with pytest.raises(UploadRefused, match=message):
        services.add_version(resource, upload=data, original_name=name, actor=None, now=NOW)
    assert not resource.versions.exists()


# ------------------------------------------------------------------------------------------- columns


def test_set_columns_retypes_and_reloads_reporting_cells_that_do_not_fit(dataset):
    _resource, version = make_resource(dataset)
    columns = [dict(column) for column in version.columns]
    columns[4].update(type="text", title="救助人数", description="当月人数")
    columns[0].update(type="date")
    updated = services.set_columns(version, columns, actor=user("portal-editor"), now=NOW)
    row = datastore.query_rows(updated).rows[0]
    assert row["c4"] == "12" and row["c0"] is None
    assert updated.columns[4]["title"] == "救助人数" and updated.columns[4]["name"] == "人数"
    assert updated.error_count == 3 and updated.errors[0]["column"] == "区县"
    assert datastore.parse_filters(["救助人数:eq:12"], updated.columns)
    assert ResourceVersion.objects.get(pk=version.pk).columns[4]["type"] == "text"
    assert actions(dataset, "huimin_opendata.columns_set")[-1].data["retyped"] is True


def test_set_columns_refuses_bad_types_other_keys_and_versions_not_current(dataset):
    resource, version = make_resource(dataset)
    columns = [dict(column) for column in version.columns]
    with pytest.raises(ValidationError, match="类型“money”无效"):
        services.set_columns(version, [{**columns[0], "type": "money"}, *columns[1:]], actor=None, now=NOW)
    with pytest.raises(ValidationError, match="不一致"):
        services.set_columns(version, columns[1:], actor=None, now=NOW)
    v2 = services.add_version(
        resource, upload=csv_bytes(SAMPLE_ROWS[:3]), original_name="v2.csv", actor=None, now=NOW
    )
    with pytest.raises(ValidationError, match="当前已导入版本"):
        services.set_columns(version, columns, actor=None, now=NOW)
    assert services.set_columns(v2, columns, actor=None, now=NOW).columns == columns


# ------------------------------------------------------------------------------------------ permissions


def test_only_editors_of_the_dataset_may_manage_it(dataset):
    from django.contrib.auth.models import AnonymousUser

    assert services.can_manage(user("portal-editor"), dataset)
    assert services.can_manage(user("admin"), dataset)  # the platform administrator
    assert not services.can_manage(user("slj-editor"), dataset)
    assert not services.can_manage(user("portal-handler"), dataset)
    assert not services.can_manage(AnonymousUser(), dataset)
    with pytest.raises(PermissionDenied, match="没有管理此数据集的权限"):
        services.create_resource(dataset, title="越权", actor=user("slj-editor"))
    resource, version = make_resource(dataset)
    for call in (
        lambda: services.add_version(
            resource, upload=csv_bytes(SAMPLE_ROWS), original_name="x.csv", actor=user("slj-editor"), now=NOW
        ),
        lambda: services.set_columns(version, version.columns, actor=user("slj-editor"), now=NOW),
        lambda: services.fetch_version(
            resource, url="http://example.invalid/x.csv", actor=user("slj-editor"), now=NOW
        ),
        lambda: services.delete_resource(resource, actor=user("slj-editor")),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert resource.versions.count() == 1


def test_a_superuser_may_manage_any_dataset(dataset):
    boss = get_user_model().objects.create_superuser("od-boss", password="x")
    assert services.can_manage(boss, dataset)


def test_deleting_a_resource_drops_its_rows_and_files_and_is_logged(
    dataset, django_capture_on_commit_callbacks
):
    resource, v1 = make_resource(dataset)
    v2 = services.add_version(
        resource, upload=csv_bytes(SAMPLE_ROWS), original_name="v2.csv", actor=None, now=NOW
    )
    storage = v1.file.storage
    names = [v1.file.name, v2.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_resource(resource, actor=user("portal-editor"))
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert not datastore.exists(v2)
    assert not any(storage.exists(name) for name in names)
    assert actions(dataset, "huimin_opendata.resource_delete")[-1].data["versions"] == 2


# -------------------------------------------------------------------------------------- upload handler


class Endless(io.RawIOBase):
    """A request body that starts like a multipart upload and never ends; counts what was read."""

    def __init__(self, head: bytes):
        self.head = head
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = len(buffer)
        data = (self.head + b"x" * size)[:size]
        self.head = self.head[size:]
        buffer[:size] = data
        self.read_bytes += size
        return size


def test_the_upload_handler_stops_a_500_mb_upload_without_reading_it(settings):
    settings.HUIMIN_OPENDATA_MAX_UPLOAD_MB = 200
    head = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )
    body = Endless(head)
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(500 * 2**20),
        **{"wsgi.input": body},
    )
    request = WSGIRequest(environ)
    request.upload_handlers.insert(0, services.LimitedUploadHandler(request))
    assert "file" not in request.FILES
    assert (
        services.upload_refusal(request) == "文件超过了 200 MB 的大小上限，未能接收；请拆分文件或联系管理员。"
    )
    assert body.read_bytes < 2**20


def test_the_upload_handler_stops_an_upload_passing_the_limit_while_streaming_and_takes_smaller_ones(
    settings,
):
    settings.HUIMIN_OPENDATA_MAX_UPLOAD_MB = (
        0.1  # 104,857 bytes; the envelope allowance lets 150 KB through the header
    )
    factory = RequestFactory()
    request = factory.post("/", {"file": SimpleUploadedFile("big.csv", b"a" * 150_000)})
    request.upload_handlers.insert(0, services.LimitedUploadHandler(request))
    assert "file" not in request.FILES
    assert "0.1 MB" in services.upload_refusal(request)
    request = factory.post("/", {"file": SimpleUploadedFile("small.csv", b"a,b\r\n1,2\r\n")})
    request.upload_handlers.insert(0, services.LimitedUploadHandler(request))
    assert request.FILES["file"].read() == b"a,b\r\n1,2\r\n"
    assert services.upload_refusal(request) == ""


# --------------------------------------------------------------------------------------------- fetch


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits.append(self.path)
        if self.path == "/data.csv":
            self._send(200, csv_bytes(SAMPLE_ROWS), "text/csv")
        elif self.path == "/export":
            self._send(200, json_bytes(SAMPLE_ROWS), "application/json; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/data.csv")
            self.end_headers()
        elif self.path == "/big.csv":
            self._send(200, b"a,b\r\n" + b"1,2\r\n" * 100_000, "text/csv")
        elif self.path == "/big-unannounced.csv":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"1,2\r\n" * 1000)
            except (ConnectionResetError, BrokenPipeError):
                pass  # the client stopped reading at its limit
        else:
            self._send(404, "找不到".encode(), "text/plain; charset=utf-8")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_private(settings):
    settings.HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE = True
    settings.HUIMIN_OPENDATA_MAX_UPLOAD_MB = 0.25


def test_a_file_is_fetched_from_a_url_following_redirects(dataset, server, allow_private):
    resource = services.create_resource(dataset, title="抓取", actor=None)
    version = services.fetch_version(resource, url=f"{server}/moved", actor=user("portal-editor"), now=NOW)
    assert Handler.hits == ["/moved", "/data.csv"]
    assert version.status == "loaded" and version.original_name == "data.csv" and version.row_count == 3
    assert stored_bytes(version) == csv_bytes(SAMPLE_ROWS)
    resource.refresh_from_db()
    assert resource.source_url == f"{server}/moved" and resource.current_version == version
    json_version = services.fetch_version(resource, url=f"{server}/export", actor=None, now=NOW)
    assert json_version.format == "json" and json_version.original_name == "export.json"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.csv", "服务器返回 HTTP 404"),
        ("/big.csv", "超过了 0.25 MB 的大小上限"),
        ("/big-unannounced.csv", "超过了 0.25 MB 的大小上限"),
    ],
)
def test_fetching_refuses_error_answers_and_files_over_the_limit(
    dataset, server, allow_private, path, message
):
    resource = services.create_resource(dataset, title="抓取", actor=None)
    with pytest.raises(UploadRefused, match=message):
        services.fetch_version(resource, url=server + path, actor=None, now=NOW)
    assert not resource.versions.exists()


def test_fetching_from_private_or_loopback_addresses_is_refused_by_default(dataset, server):
    resource = services.create_resource(dataset, title="抓取", actor=None)
    for url in (
        f"{server}/data.csv",
        "http://10.0.0.8/data.csv",
        "http://[::1]/data.csv",
        "http://169.254.169.254/",
    ):
        with pytest.raises(UploadRefused, match="不能从内网或本机地址抓取"):
            services.fetch_version(resource, url=url, actor=None, now=NOW)
    assert Handler.hits == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.csv", "gopher://x", "data.csv", ""]
)
def test_fetching_only_takes_http_and_https_urls(dataset, url, settings):
    settings.HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE = True
    resource = services.create_resource(dataset, title="抓取", actor=None)
    with pytest.raises(UploadRefused, match="只能从 http:// 或 https:// 地址抓取"):
        services.fetch_version(resource, url=url, actor=None, now=NOW)
