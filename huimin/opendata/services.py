"""Every write to a dataset's resources and their versions goes through these functions.

A new file (uploaded or fetched) becomes a new `ResourceVersion`: the file is stored as it came (streamed,
never read whole into memory), read by `ingest.py`, loaded into the datastore (`datastore.py`), compared
with the version it replaces, and made current; the replaced version's rows table is dropped, its file
kept. A file that cannot be read is kept too, as a FAILED version with the reason in Chinese, and the
current version stays as it was. Every write is checked against the dataset page's permissions (`actor`
None is the system: commands, the demo, platform data) and logged on the dataset page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import socket
import tempfile
import time
from datetime import datetime
from functools import partial
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.db.models import Max
from wagtail.log_actions import log

from . import datastore, ingest
from .enums import ColumnType, ResourceFormat, VersionStatus
from .models import DatasetPage, Resource, ResourceVersion

logger = logging.getLogger(__name__)

DENIED = "您没有管理此数据集的权限。"
FORMAT_REFUSED = (
    "只支持 CSV、XLSX（Excel 2007 及以上）和 JSON 文件；.xls 文件请在 Excel 中另存为 .xlsx 后上传。"
)
CONTENT_TYPES = {
    "text/csv": ResourceFormat.CSV,
    "application/csv": ResourceFormat.CSV,
    "text/plain": ResourceFormat.CSV,
    "application/json": ResourceFormat.JSON,
    "text/json": ResourceFormat.JSON,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ResourceFormat.XLSX,
}
SUPERSEDED = "此版本排队导入期间，已有更新的版本导入；此版本未导入，原始文件已保留。"
MAX_REDIRECTS = 3
SPOOL_BYTES = 8 * 2**20


class UploadRefused(Exception):
    """A file not taken: too big, of a wrong type, empty, or not to be fetched. The message is Chinese."""


# ----------------------------------------------------------------------------------------- permissions


def max_upload_bytes() -> int:
    return int(float(getattr(settings, "HUIMIN_OPENDATA_MAX_UPLOAD_MB", 200)) * 2**20)


def too_big_message() -> str:
    limit = float(getattr(settings, "HUIMIN_OPENDATA_MAX_UPLOAD_MB", 200))
    return f"文件超过了 {limit:g} MB 的大小上限，未能接收；请拆分文件或联系管理员。"


def can_manage(user, dataset) -> bool:
    """Whether `user` may change the dataset's resources: the person can edit the dataset page."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return dataset.permissions_for_user(user).can_edit()


def _require(actor, dataset) -> None:
    if actor is not None and not can_manage(actor, dataset):
        raise PermissionDenied(DENIED)


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _dataset(resource: Resource) -> DatasetPage:
    return DatasetPage.objects.get(pk=resource.dataset_id)


# ------------------------------------------------------------------------------------------- resources


@transaction.atomic
def create_resource(
    dataset: DatasetPage, *, title: str, description: str = "", source_url: str = "", actor
) -> Resource:
    """Add an (empty) resource to a dataset; its rows come with its first version."""
    _require(actor, dataset)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写资源名称。"})
    if source_url and not re.match(r"^https?://", source_url, re.IGNORECASE):
        raise ValidationError({"source_url": "来源地址必须以 http:// 或 https:// 开头。"})
    last = Resource.objects.filter(dataset=dataset).aggregate(last=Max("sort_order"))["last"]
    resource = Resource(
        dataset=dataset,
        title=title[:200],
        description=description or "",
        source_url=source_url or "",
        sort_order=(last or 0) + 1,
    )
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def delete_resource(resource: Resource, *, actor) -> None:
    """Delete a resource with all its versions: their rows tables now, their files once committed."""
    dataset = _dataset(resource)
    _require(actor, dataset)
    versions = list(resource.versions.all())
    names = [version.file.name for version in versions if version.file]
    storage = ResourceVersion._meta.get_field("file").storage
    for version in versions:
        datastore.drop(version)
    title, pk = resource.title, resource.pk
    Resource.objects.filter(pk=pk).update(current_version=None)
    resource.delete()
    log(
        instance=dataset,
        action="huimin_opendata.resource_delete",
        user=_person(actor),
        data={"resource": pk, "title": title, "versions": len(versions)},
    )

    def remove_files():
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover - a file already gone is fine
                logger.warning("could not delete %s", name)

    transaction.on_commit(remove_files)


# -------------------------------------------------------------------------------------------- versions


def _as_file(upload, original_name: str) -> File:
    if isinstance(upload, (bytes, bytearray)):
        return ContentFile(bytes(upload), name=original_name)
    if isinstance(upload, File):
        return upload
    return File(upload, name=original_name)


def _head(upload: File, size: int = 4096) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def background_bytes() -> int:
    """Files larger than this are loaded by the task worker, not in the request
    (HUIMIN_OPENDATA_BACKGROUND_MB)."""
    return int(getattr(settings, "HUIMIN_OPENDATA_BACKGROUND_MB", 5)) * 2**20


def add_version(
    resource: Resource, *, upload, original_name: str, actor, now: datetime, background: bool = False
) -> ResourceVersion:
    """Store a new file of a resource and load it as the resource's new current version.

    Refused (`UploadRefused`, nothing stored) when too big, empty or of a wrong type. Otherwise the version
    is kept whatever happens: LOADED and current, or FAILED with the reason in `status_message`. With
    `background` the file is stored as a PENDING version and loaded by the task worker (`load_pending`),
    once this transaction commits: a million rows take longer than a web request may.
    """
    dataset = _dataset(resource)
    _require(actor, dataset)
    original_name = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "data"
    upload = _as_file(upload, original_name)
    size = upload.size
    if size is None or size > max_upload_bytes():
        raise UploadRefused(too_big_message())
    if size == 0:
        raise UploadRefused("文件是空的，没有表头和数据。")
    fmt = ingest.detect_format(original_name, _head(upload))
    if fmt is None:
        raise UploadRefused(FORMAT_REFUSED)
    sha256 = _sha256(upload)
    stored = []
    try:
        return _store_and_load(
            resource, dataset, upload, original_name, fmt, size, sha256, actor, now, stored, background
        )
    except BaseException:
        storage = ResourceVersion._meta.get_field("file").storage
        for name in stored:  # the version row is gone with the transaction: so is its file
            storage.delete(name)
        raise


def _store_and_load(
    resource, dataset, upload, original_name, fmt, size, sha256, actor, now, stored: list, background: bool
):
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        last = resource.versions.aggregate(last=Max("number"))["last"] or 0
        version = ResourceVersion(
            resource=resource,
            number=last + 1,
            original_name=original_name[:255],
            format=fmt,
            size=size,
            sha256=sha256,
            uploaded_at=now,
            uploaded_by=_person(actor),
        )
        version.file.save(f"{fmt}.{fmt}", upload, save=False)
        stored.append(version.file.name)
        version.save()
        if background:
            from .tasks import load_version_task

            transaction.on_commit(partial(load_version_task.enqueue, version.pk))
        else:
            _load_new(version, resource.current_version, resource, now)
        _log_version(dataset, "huimin_opendata.version_add", actor, resource, version)
    return version


def _log_version(dataset, action: str, actor, resource: Resource, version: ResourceVersion) -> None:
    data = {
        "resource": resource.pk,
        "title": resource.title,
        "version": version.number,
        "status": version.status,
        "rows": version.row_count,
        "file": version.original_name,
    }
    log(instance=dataset, action=action, user=_person(actor), data=data)


def load_pending(version_id: int, *, now: datetime) -> ResourceVersion | None:
    """Load a version stored for the background (`add_version(background=True)`) and make it current.

    Run by the task worker. A version no longer pending (the task ran twice) is left as it is; one that a
    newer version overtook while it waited is marked FAILED, its file kept. None when the version is gone.
    """
    with transaction.atomic():
        version = ResourceVersion.objects.filter(pk=version_id).first()
        if version is None:
            logger.warning("version %s to load is gone (its resource was deleted)", version_id)
            return None
        resource = Resource.objects.select_for_update().get(pk=version.resource_id)
        version.refresh_from_db()
        if version.status != VersionStatus.PENDING:
            return version
        previous = resource.current_version
        if previous is not None and previous.number > version.number:
            _fail(version, SUPERSEDED, ingest.Problems())
        else:
            started = time.monotonic()
            _load_new(version, previous, resource, now)
            logger.info(
                "loaded %s in the background: %s, %d rows in %.1f s",
                version,
                version.status,
                version.row_count,
                time.monotonic() - started,
            )
        _log_version(_dataset(resource), "huimin_opendata.version_load", None, resource, version)
    return version


def _read_into_store(version: ResourceVersion, columns: list[dict] | None, problems: ingest.Problems):
    """Read the version's stored file into its datastore table; returns (columns, rows, table)."""
    storage = version.file.storage
    with storage.open(version.file.name, "rb") as stream:
        table = ingest.open_table(stream, version.format, problems)
        if columns is None:
            columns = ingest.infer_columns(table)
        elif [column["name"] for column in columns] != table.headers:
            raise ingest.Unreadable("文件的表头与字段设置不一致。")
        datastore.create(version, columns)
        count = datastore.load(version, columns, ingest.typed_rows(table, columns))
    if count == 0:
        raise ingest.Unreadable("文件只有表头，没有数据行。")
    datastore.finish(version, columns)
    return columns, count, table


def _load_new(version: ResourceVersion, previous, resource: Resource, now: datetime) -> None:
    problems = ingest.Problems()
    try:
        with transaction.atomic():
            columns, count, table = _read_into_store(version, None, problems)
            version.columns = columns
            version.row_count = count
            version.encoding = table.encoding
            version.delimiter = table.delimiter
            version.changes = _changes(previous, version, columns, count)
            version.status = VersionStatus.LOADED
            version.status_message = ""
            version.loaded_at = now
            _set_problems(version, problems)
            version.save()
            resource.current_version = version
            resource.save(update_fields=["current_version"])
            if previous is not None:
                datastore.drop(previous)
    except ingest.Unreadable as exc:
        _fail(version, str(exc), problems)
    except Exception as exc:  # a file we cannot read must never take the upload with it
        logger.exception("loading %s failed", version)
        _fail(version, f"读取文件时出错（{type(exc).__name__}），未能导入；原始文件已保留。", problems)


def _fail(version: ResourceVersion, message: str, problems: ingest.Problems) -> None:
    version.status = VersionStatus.FAILED
    version.status_message = message
    version.columns = []
    version.row_count = 0
    version.changes = {}
    version.loaded_at = None
    _set_problems(version, problems)
    version.save()


def _set_problems(version: ResourceVersion, problems: ingest.Problems) -> None:
    version.errors = problems.as_list()
    version.error_count = problems.count


def _changes(previous, version: ResourceVersion, columns: list[dict], count: int) -> dict:
    """What changed from the previous current version: rows added and removed, columns changed."""
    if previous is None or not datastore.exists(previous):
        return {
            "previous": None,
            "rows_before": 0,
            "rows_after": count,
            "rows_added": count,
            "rows_removed": 0,
            "columns_added": [],
            "columns_removed": [],
            "columns_retyped": [],
        }
    added, removed = datastore.row_changes(previous, version)
    old = {column["name"]: column for column in previous.columns}
    new = {column["name"]: column for column in columns}
    return {
        "previous": previous.number,
        "rows_before": previous.row_count,
        "rows_after": count,
        "rows_added": added,
        "rows_removed": removed,
        "columns_added": [name for name in new if name not in old],
        "columns_removed": [name for name in old if name not in new],
        "columns_retyped": [
            {"name": name, "from": old[name]["type"], "to": column["type"]}
            for name, column in new.items()
            if name in old and old[name]["type"] != column["type"]
        ],
    }


def set_columns(version: ResourceVersion, columns: list[dict], *, actor, now: datetime) -> ResourceVersion:
    """The editor's corrections of the current version's columns: titles, descriptions and types.

    Keys and original headers cannot change. When a type changes the table is loaded again from the stored
    file with the new types (cells that do not fit are reported by row and column, as on upload).
    """
    resource = version.resource
    dataset = _dataset(resource)
    _require(actor, dataset)
    version.refresh_from_db()
    if version.status != VersionStatus.LOADED or resource.current_version_id != version.pk:
        raise ValidationError("只能修改当前已导入版本的字段。")
    cleaned = _clean_columns(version.columns, columns)
    retyped = [new["type"] for new in cleaned] != [old["type"] for old in version.columns]
    with transaction.atomic():
        if retyped:
            problems = ingest.Problems()
            try:
                with transaction.atomic():
                    _columns, count, _table = _read_into_store(version, cleaned, problems)
            except ingest.Unreadable as exc:
                raise ValidationError(f"按新的字段类型重新导入失败：{exc}") from None
            version.row_count = count
            _set_problems(version, problems)
        version.columns = cleaned
        version.loaded_at = now if retyped else version.loaded_at
        version.status_message = ""
        version.save()
        log(
            instance=dataset,
            action="huimin_opendata.columns_set",
            user=_person(actor),
            data={
                "resource": resource.pk,
                "version": version.number,
                "retyped": retyped,
                "columns": [{"key": c["key"], "title": c["title"], "type": c["type"]} for c in cleaned],
            },
        )
    return version


RETYPE_QUEUED = "字段类型的修改已提交，正在后台按新的类型重新导入；完成前仍按原来的字段提供数据。"


def change_columns(version: ResourceVersion, columns: list[dict], *, actor, now: datetime) -> str:
    """`set_columns` now, or (a change of types on a file larger than `background_bytes`) by the task
    worker once this transaction commits, the version saying so meanwhile. Returns "saved" (titles and
    descriptions only), "retyped" (loaded again now) or "queued"."""
    _require(actor, _dataset(version.resource))
    version.refresh_from_db()
    if version.status != VersionStatus.LOADED or version.resource.current_version_id != version.pk:
        raise ValidationError("只能修改当前已导入版本的字段。")
    cleaned = _clean_columns(version.columns, columns)
    retyped = [new["type"] for new in cleaned] != [old["type"] for old in version.columns]
    if not retyped or version.size <= background_bytes() or actor is None:
        set_columns(version, cleaned, actor=actor, now=now)
        return "retyped" if retyped else "saved"
    from .tasks import set_columns_task

    ResourceVersion.objects.filter(pk=version.pk).update(status_message=RETYPE_QUEUED)
    version.status_message = RETYPE_QUEUED
    transaction.on_commit(partial(set_columns_task.enqueue, version.pk, cleaned, actor.pk))
    return "queued"


def record_column_failure(version: ResourceVersion, error: Exception) -> None:
    """A background change of column types that failed: the version keeps its columns and says why."""
    reason = "；".join(getattr(error, "messages", None) or [str(error)])
    message = f"后台修改字段类型未完成：{reason} 字段保持原样。"
    ResourceVersion.objects.filter(pk=version.pk).update(status_message=message[:1000])


def _clean_columns(current: list[dict], columns: list[dict]) -> list[dict]:
    by_key = {column.get("key"): column for column in columns if isinstance(column, dict)}
    if set(by_key) != {column["key"] for column in current} or len(columns) != len(current):
        raise ValidationError("字段设置与该版本的字段不一致，请刷新后重试。")
    cleaned, errors = [], []
    for old in current:
        given = by_key[old["key"]]
        title = str(given.get("title") or "").strip() or old["name"]
        description = str(given.get("description") or "").strip()
        column_type = given.get("type") or old["type"]
        if column_type not in ColumnType.values:
            errors.append(f"字段“{title}”的类型“{column_type}”无效。")
        if len(title) > 100:
            errors.append(f"字段“{title[:20]}…”的显示名不能超过 100 个字。")
        if len(description) > 500:
            errors.append(f"字段“{title}”的说明不能超过 500 个字。")
        cleaned.append(
            {
                "key": old["key"],
                "name": old["name"],
                "title": title,
                "type": column_type,
                "description": description,
            }
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


# ----------------------------------------------------------------------------------------------- fetch


def _allow_private() -> bool:
    return bool(getattr(settings, "HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE", False))


def _check_url(url: str):
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UploadRefused("只能从 http:// 或 https:// 地址抓取文件。")
    if _allow_private():
        return parts
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise UploadRefused(f"无法解析主机名：{parts.hostname}。") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise UploadRefused(f"不能从内网或本机地址抓取文件：{parts.hostname}。")
    return parts


def _fetched_name(url: str, response) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    found = re.search(r"filename\*=UTF-8''([^;]+)", disposition, re.IGNORECASE) or re.search(
        r'filename="?([^";]+)"?', disposition, re.IGNORECASE
    )
    name = unquote(found.group(1)) if found else unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "data"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "tsv", "txt", "json", "xlsx"):
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        fmt = CONTENT_TYPES.get(content_type)
        if fmt:
            name = f"{name}.{fmt}"
    return name


def fetch_version(
    resource: Resource, *, url: str, actor, now: datetime, background: bool | None = None
) -> ResourceVersion:
    """GET a file over HTTP(S) (size limit, timeout, redirects checked) and add it as a new version.

    Private, loopback and link-local addresses are refused unless HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE.
    `background` None: a file larger than `background_bytes` is loaded by the task worker.
    """
    import requests

    _require(actor, _dataset(resource))
    url = (url or "").strip()
    timeout = int(getattr(settings, "HUIMIN_OPENDATA_FETCH_TIMEOUT", 30))
    limit = max_upload_bytes()
    current = url
    response = None
    for _hop in range(MAX_REDIRECTS + 1):
        parts = _check_url(current)
        try:
            response = requests.get(
                current,
                stream=True,
                timeout=(min(10, timeout), timeout),
                allow_redirects=False,
                headers={"User-Agent": "Huimin-OpenData/1.0", "Accept-Encoding": "identity"},
            )
        except requests.RequestException as exc:
            raise UploadRefused(f"无法从 {parts.hostname} 抓取文件（{type(exc).__name__}）。") from None
        if response.is_redirect and response.headers.get("Location"):
            current = urljoin(current, response.headers["Location"])
            response.close()
            continue
        break
    else:
        raise UploadRefused("抓取地址重定向次数过多。")
    with response:
        if response.status_code != 200:
            raise UploadRefused(f"抓取失败：服务器返回 HTTP {response.status_code}。")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise UploadRefused(too_big_message())
        name = _fetched_name(current, response)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed below
        try:
            total = 0
            deadline = time.monotonic() + timeout * 4
            try:
                for chunk in response.iter_content(65536):
                    total += len(chunk)
                    if total > limit:
                        raise UploadRefused(too_big_message())
                    if time.monotonic() > deadline:
                        raise UploadRefused("抓取超时，文件未能在规定时间内下载完成。")
                    spool.write(chunk)
            except requests.RequestException as exc:
                raise UploadRefused(f"下载文件时连接中断（{type(exc).__name__}）。") from None
            spool.seek(0)
            upload = File(spool, name=name)
            upload.size = total
            later = total > background_bytes() if background is None else background
            version = add_version(
                resource, upload=upload, original_name=name, actor=actor, now=now, background=later
            )
            if resource.source_url != url and len(url) <= 1000:
                Resource.objects.filter(pk=resource.pk).update(source_url=url)
                resource.source_url = url
            return version
        finally:
            spool.close()


# ------------------------------------------------------------------------------------------- uploads


class LimitedUploadHandler(FileUploadHandler):
    """Stops a file upload as soon as it is known to pass `max_upload_bytes()`, before it is stored.

    Install it first on the upload view, before request.POST or request.FILES is read (so the view is
    csrf_exempt and checks CSRF itself after installing it)::

        request.upload_handlers.insert(0, LimitedUploadHandler(request))

    then `upload_refusal(request)` is the Chinese message ("" when the upload was taken). A body whose
    Content-Length is already over the limit is not read at all; one that passes the limit while streaming
    stops there. With `drain=True` the rest of the body is read and discarded instead of resetting the
    connection, so that the browser surely shows the answer.
    """

    ALLOWANCE = 256 * 1024  # the multipart envelope and the form's other fields

    def __init__(self, request=None, *, drain: bool = False):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.drain = drain
        self.too_big = False
        self.received = 0

    def _refuse(self):
        if self.request is not None:
            self.request.huimin_upload_refused = too_big_message()
        raise StopUpload(connection_reset=not self.drain)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_big = bool(content_length) and content_length > self.limit + self.ALLOWANCE
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.too_big:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_refusal(request) -> str:
    """The Chinese message of an upload `LimitedUploadHandler` stopped, or ""."""
    return getattr(request, "huimin_upload_refused", "")
