"""Running an import: choose the library, then read, infer, validate and write one file at a time.

Every file gets a `FileReport`; no problem with one file stops the others. New documents are written in
batches through `services.create_policies` (one bulk transaction per batch; a refused batch is retried
file by file); documents already in the library are updated through `services.upsert_policy`, so an
import is idempotent by 索引号.
"""

from __future__ import annotations

import logging
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from wagtail.models import Site

from huimin.core.tasks import queue_page_indexing
from huimin.policies.enums import NOT_VALID
from huimin.policies.models import PolicyLibraryPage, PolicyPage
from huimin.policies.services import PolicyData, create_policies, upsert_policy
from huimin.sites.models import SiteIdentity

from .infer import Context, Draft, infer_document
from .sources import DEFAULT_MAX_BYTES, SourceError, read_source

logger = logging.getLogger(__name__)

CREATED, UPDATED = "created", "updated"
WOULD_CREATE, WOULD_UPDATE = "would_create", "would_update"
ERROR = "error"
BATCH_SIZE = 100  # new documents written together in one bulk transaction
STATUS_LABELS = {
    CREATED: "新建",
    UPDATED: "更新",
    WOULD_CREATE: "将新建",
    WOULD_UPDATE: "将更新",
    ERROR: "失败",
}
# Foreign keys the importer took from the database itself: validating them again would cost a query each.
_UNCHECKED = {"issuer", "topic"}


class LibraryNotFound(LookupError):
    """No policy library to import into; the message says which site was looked at."""


def find_library(site_hostname: str | None = None) -> PolicyLibraryPage:
    """The first live library of the site with that hostname; without one, the group's aggregating library."""
    if site_hostname:
        hostname, _, port = site_hostname.strip().lower().partition(":")
        sites = Site.objects.filter(hostname=hostname)
        if port.isdigit():
            sites = sites.filter(port=int(port))
        site = sites.order_by("port", "pk").first()
        if site is None:
            raise LibraryNotFound(
                f"站点“{site_hostname}”不存在，请检查主机名（如 127.0.0.1 或 www.suqian.gov.cn）。"
            )
        library = PolicyLibraryPage.objects.live().in_site(site).order_by("path").first()
        if library is None:
            name = site.site_name or site.hostname
            raise LibraryNotFound(
                f"站点“{name}”（{site.hostname}）没有已发布的政策文件库，请先在该站点建立政策文件库。"
            )
        return library
    library = PolicyLibraryPage.objects.filter(aggregate_group=True).order_by("-live", "path").first()
    if library is None:
        raise LibraryNotFound("没有勾选“汇集全市政策”的政策文件库，请先建立，或用 --site 指定站点。")
    return library


@dataclass
class FileReport:
    path: str
    status: str = ERROR
    index_number: str = ""
    title: str = ""
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "index_number": self.index_number,
            "title": self.title,
            "problems": self.problems,
            "missing": self.missing,
            "attachments": self.attachments,
        }


@dataclass
class ImportReport:
    library: PolicyLibraryPage
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> Counter:
        return Counter(report.status for report in self.files)

    @property
    def failed(self) -> int:
        return self.counts[ERROR]

    def summary(self) -> dict:
        counts = self.counts
        return {
            "total": len(self.files),
            "created": counts[CREATED],
            "updated": counts[UPDATED],
            "would_create": counts[WOULD_CREATE],
            "would_update": counts[WOULD_UPDATE],
            "failed": counts[ERROR],
            "dry_run": self.dry_run,
            "library": {
                "id": self.library.pk,
                "title": self.library.title,
                "url_path": self.library.url_path,
            },
            "seconds": round(self.seconds, 3),
        }

    def summary_line(self) -> str:
        counts = self.counts
        if self.dry_run:
            return (
                f"试运行，未写入任何数据：新建 {counts[WOULD_CREATE]}、更新 {counts[WOULD_UPDATE]}、"
                f"失败 {counts[ERROR]}"
            )
        return f"新建 {counts[CREATED]}、更新 {counts[UPDATED]}、失败 {counts[ERROR]}"

    def as_dict(self) -> dict:
        return {"files": [report.as_dict() for report in self.files], "summary": self.summary()}


class PolicyImporter:
    """Imports files into one library. `now` dates documents that carry no date at all."""

    def __init__(
        self,
        library: PolicyLibraryPage,
        *,
        dry_run: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        now: datetime | None = None,
        actor=None,
    ):
        self.library = library
        self.dry_run = dry_run
        self.max_bytes = max_bytes
        self.actor = actor
        site = library.get_site()
        identity = SiteIdentity.objects.select_related("org_unit").filter(site=site).first() if site else None
        self.context = Context.load(
            fallback_issuer=identity.org_unit if identity else None, now=now or timezone.now()
        )
        self._seen: dict[str, str] = {}  # 索引号 -> the file of this run that carried it
        self._pending: list[tuple[FileReport, PolicyData]] = []  # new documents not yet written

    def run(self, paths: Iterable[Path], *, advance: Callable[[], None] = lambda: None) -> ImportReport:
        report = ImportReport(library=self.library, dry_run=self.dry_run)
        started = clock.perf_counter()
        with deferred_index_updates():
            for path in paths:
                file_report, data, new = self._prepare(Path(path))
                report.files.append(file_report)
                if data is not None:
                    if new:
                        self._pending.append((file_report, data))
                        if len(self._pending) >= BATCH_SIZE:
                            self._flush()
                    else:
                        if any(d.index_number == data.index_number for _, d in self._pending):
                            self._flush()  # the earlier file must exist before this one updates it
                        self._write_one(file_report, data)
                advance()
            self._flush()
        report.seconds = clock.perf_counter() - started
        return report

    def import_file(self, path: Path) -> FileReport:
        """Import one file on its own (no batching)."""
        with deferred_index_updates():
            report, data, _ = self._prepare(Path(path))
            if data is not None:
                self._write_one(report, data)
        return report

    def _prepare(self, path: Path) -> tuple[FileReport, PolicyData | None, bool]:
        """Read, infer and validate one file. Returns its report, the data to write (None when there is
        nothing to write: a problem, or a dry run) and whether it is new to the library."""
        report = FileReport(path=str(path))
        try:
            draft = infer_document(read_source(path, max_bytes=self.max_bytes), self.context)
        except SourceError as error:
            report.problems.append(str(error))
            return report, None, False
        except Exception as error:  # a parser tripping over a malformed file must not stop the batch
            logger.exception("Reading %s failed", path)
            report.problems.append(f"无法识别的文件内容：读取时出错（{type(error).__name__}）。")
            return report, None, False
        report.index_number, report.title = draft.index_number, draft.title
        report.missing, report.attachments = draft.missing, draft.attachments
        if draft.errors:
            report.problems = draft.errors + draft.warnings
            return report, None, False
        data = _policy_data(draft)
        errors, existing = self._validate(data)
        if errors:
            report.problems = errors + draft.warnings
            return report, None, False
        earlier = self._seen.get(data.index_number)
        if earlier:
            draft.warnings.append(f"索引号与本批次中的 {earlier} 相同，本文件的内容将覆盖它。")
        report.problems = draft.warnings
        self._seen[data.index_number] = str(path)
        new = existing is None and earlier is None
        if self.dry_run:
            report.status = WOULD_CREATE if new else WOULD_UPDATE
            return report, None, new
        return report, data, new

    def _flush(self) -> None:
        """Create the pending new documents in one bulk write; if that is refused, one by one, so that
        each file gets its own answer."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                create_policies(self.library, [data for _, data in pending], actor=self.actor)
        except Exception as error:
            logger.info(
                "Bulk import of %d documents refused (%s); importing them one by one", len(pending), error
            )
            for report, data in pending:
                self._write_one(report, data)
            return
        for report, _ in pending:
            report.status = CREATED

    def _write_one(self, report: FileReport, data: PolicyData) -> None:
        try:
            with transaction.atomic():
                page, created = upsert_policy(self.library, data, actor=self.actor)
        except ValidationError as error:
            report.problems = _messages(error) + report.problems
            return
        except PermissionDenied as error:
            report.problems = [str(error), *report.problems]
            return
        except Exception as error:  # one broken file must not stop the batch
            logger.exception("Importing %s failed", report.path)
            report.problems = [f"导入时发生意外错误（{type(error).__name__}: {error}），请联系管理员。"]
            return
        queue_page_indexing([page])
        report.status = CREATED if created else UPDATED

    def _validate(self, data: PolicyData) -> tuple[list[str], PolicyPage | None]:
        """The checks `upsert_policy` and the page model make, run before writing (and in a dry run)."""
        errors = []
        existing = PolicyPage.owner_of(data.index_number)
        if existing is not None and not existing.is_descendant_of(self.library):
            errors.append(
                f"索引号 {data.index_number} 已被其他站点的《{existing.title}》使用"
                f"（页面编号 {existing.pk}，{existing.url_path}）。"
            )
            existing = None
        page = PolicyPage(**{name: getattr(data, name) for name in PolicyData.FIELDS})
        checked = set(PolicyData.FIELDS) - _UNCHECKED
        try:
            page.clean_fields(exclude=[f.name for f in PolicyPage._meta.fields if f.name not in checked])
        except ValidationError as error:
            errors.extend(_messages(error))
        if data.validity in NOT_VALID and not data.invalid_date:
            errors.append("时效为失效、废止或已修订的文件须在表头填写“失效日期”或“废止日期”。")
        if data.effective_date and data.invalid_date and data.invalid_date < data.effective_date:
            errors.append("失效/废止日期不能早于生效日期。")
        return errors, existing


def _policy_data(draft: Draft) -> PolicyData:
    return PolicyData(
        title=draft.title,
        index_number=draft.index_number,
        body=draft.body_html,
        pub_date=draft.pub_date,
        issuer=draft.issuer,
        doc_number=draft.doc_number,
        doc_kind=draft.doc_kind,
        topic=draft.topic,
        written_date=draft.written_date,
        keywords=draft.keywords,
        summary=draft.summary,
        validity=draft.validity,
        effective_date=draft.effective_date,
        invalid_date=draft.invalid_date,
    )


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, items in error.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else str(_verbose_name(name))
        for message in items:
            messages.append(message if not label or label in message else f"{label}：{message}")
    return messages


def _verbose_name(name: str) -> str:
    try:
        return PolicyPage._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


@contextmanager
def deferred_index_updates() -> Iterator[None]:
    """Update the search and reference indexes once per imported page instead of once per save.

    Updating a page saves it twice (revision saved, published) and every save queues both index updates.
    Inside this block saving a `PolicyPage` queues neither, and the importer queues one
    `index_pages_task` per written batch or updated page (`queue_page_indexing`). Signal receivers are
    process-wide: this is for commands and tests, not for request handling.
    """
    from modelsearch.signal_handlers import post_save_signal_handler as search_on_save
    from wagtail.signal_handlers import update_reference_index_on_save as references_on_save

    disconnected = [
        receiver
        for receiver in (search_on_save, references_on_save)
        if post_save.disconnect(receiver, PolicyPage)
    ]
    try:
        yield
    finally:
        for receiver in disconnected:
            post_save.connect(receiver, sender=PolicyPage)
