"""Attachments to a letter: what may be uploaded, checked by content and not only by name, and where the
files live (a private storage that no public URL serves; staff and the citizen download them through views
that check who is asking).

The kinds allowed and the limits are data (settings): HUIMIN_LETTER_ATTACHMENT_TYPES,
HUIMIN_LETTER_ATTACHMENT_MAX_MB and HUIMIN_LETTER_ATTACHMENT_MAX_FILES.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    "jpg": FileKind("JPG 图片", (".jpg", ".jpeg"), "image/jpeg"),
    "png": FileKind("PNG 图片", (".png",), "image/png"),
    "pdf": FileKind("PDF 文档", (".pdf",), "application/pdf"),
    "docx": FileKind(
        "Word 文档", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": FileKind(
        "Excel 表格", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "doc": FileKind("Word 97-2003 文档", (".doc",), "application/msword"),
    "xls": FileKind("Excel 97-2003 表格", (".xls",), "application/vnd.ms-excel"),
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_IMAGE_PIXELS = 50_000_000


def storage():
    return storages["letters"]


def allowed() -> dict[str, FileKind]:
    return {key: KINDS[key] for key in settings.HUIMIN_LETTER_ATTACHMENT_TYPES}


def rules_text() -> str:
    names = "、".join(kind.label for kind in allowed().values())
    return (
        f"可上传 {settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES} 个以内的{names}，"
        f"每个不超过 {settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB} MB。"
    )


def _sniff(head: bytes, upload) -> str | None:
    """The kind of file the content says it is, whatever its name claims."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def _image_is_whole(upload) -> bool:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def check(upload) -> str:
    """The kind key of an uploaded file, or a ValidationError saying in Chinese what is wrong with it."""
    name = PurePath(upload.name or "").name
    limit = settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            f"附件“{name[:40]}”超过 {settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB} MB，请压缩后再上传。"
        )
    if upload.size == 0:
        raise ValidationError(f"附件“{name[:40]}”是空文件。")
    suffix = PurePath(name).suffix.lower()
    kinds = allowed()
    claimed = next((key for key, kind in kinds.items() if suffix in kind.extensions), None)
    if claimed is None:
        raise ValidationError(f"不支持“{suffix or '无扩展名'}”类型的附件。" + rules_text())
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = _sniff(head, upload)
    upload.seek(0)
    matches = found == claimed or (found == "ole" and claimed in ("doc", "xls"))
    if not matches or (claimed in ("jpg", "png") and not _image_is_whole(upload)):
        raise ValidationError(f"附件“{name[:40]}”的内容与其类型不符或已损坏，请检查后重新上传。")
    upload.seek(0)
    return claimed


def check_all(uploads: list) -> list[tuple[object, str]]:
    """Every upload with its kind; a ValidationError listing each problem when any is refused."""
    if len(uploads) > settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES:
        raise ValidationError(f"附件最多 {settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES} 个。")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, check(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def save(upload, kind: str, *, into=None, prefix: str = "", today=None) -> str:
    """Store a checked file under a random name in `into` (a storage; the letters' by default), below
    `prefix` and the month of `today`; returns the storage path. The original name is kept apart."""
    today = today or timezone.localdate()
    path = f"{prefix}{today:%Y/%m}/{secrets.token_hex(16)}{KINDS[kind].extensions[0]}"
    upload.seek(0)
    return (into or storage()).save(path, upload)


def clean_name(name: str) -> str:
    """The original file name as shown to people: no path, no control characters, at most 100 characters."""
    name = PurePath(name or "").name
    name = "".join(c for c in name if c.isprintable() and c not in '\\/:*?"<>|')
    return name[-100:] or "附件"


def download(attachment) -> FileResponse:
    """The file as a download (never shown inline, so no uploaded content runs in the site's origin)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=KINDS[attachment.kind].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
