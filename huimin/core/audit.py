"""The audit log (审计日志): Wagtail's own log tables, read whole, kept append-only, and written to whenever
someone reads personal data (docs/decisions/0013).

- `record_read` and `record_export` are the one way a view records that a person opened or exported
  personal data (a letter, its attachment, a list of people): an entry on the object read, with who, from
  which address, and what.
- `entries(filters)` lists `PageLogEntry` and `ModelLogEntry` together, newest first; `rows` makes them
  readable (Chinese action labels, the data's keys and codes in words), `csv_stream` and `xlsx_file` export
  them without holding the whole log in memory. The viewer is in `audit_views.py`.
- Append-only: the models refuse `save()` of an existing entry and `delete()` here, and database triggers
  (migration 0002) refuse UPDATE and DELETE whoever sends them; `huimin.W030` reports a missing trigger.

Core imports no app: who may read the log is the permission `huimin_core.view_auditlog`, which the security
auditor's group gets from `huimin.sites.services`; superusers have every permission.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import import_module
from itertools import islice

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, IntegrityError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail import hooks
from wagtail.coreutils import get_content_type_label
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Site

from .exports import safe_cell
from .throttle import client_ip

AUDIT_PERMISSION = "huimin_core.view_auditlog"
READ = "huimin.personal_data.read"
EXPORT = "huimin.personal_data.export"
VIEW = "huimin.audit.view"
AUDIT_EXPORT = "huimin.audit.export"
LOG_ACTIONS = {
    READ: ("查看个人信息", "查看了含个人信息的内容"),
    EXPORT: ("导出个人信息", "导出了含个人信息的数据"),
    VIEW: ("查看审计日志", "查看了审计日志"),
    AUDIT_EXPORT: ("导出审计日志", "导出了审计日志"),
}
PAGE_SIZE = 50
BATCH = 500
MAX_TEXT = 200  # a value written into an entry's data (a filter someone typed) is cut to this length
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
KINDS = {"P": (PageLogEntry, "页面日志"), "M": (ModelLogEntry, "操作日志")}
GUARD_MIGRATION = "0002_audit_log"
TRIGGERS = {
    "sqlite": [
        f"huimin_{table}_{what}"
        for table in ("wagtailcore_modellogentry", "wagtailcore_pagelogentry")
        for what in ("no_delete", "no_update")
    ],
    "postgresql": [
        f"huimin_{table}_{what}"
        for table in ("wagtailcore_modellogentry", "wagtailcore_pagelogentry")
        for what in ("append_only", "no_truncate")
    ],
}
# How the keys of entries' data read in the viewer and the exports; other keys are shown as they are.
DATA_LABELS = {
    # Citizen accounts, push, profiles and surveys.
    "account": "用户账号",
    "kept": "依法保留",
    "publication": "推送发布记录",
    "key": "标签类别",
    "value": "标签",
    "interests": "清除的兴趣",
    "interactions": "清除的浏览记录",
    "comment": "意见编号",
    "decision": "采纳情况",
    "feedback": "结果反馈",
    "address": "来源地址",
    "idle": "因长时间未操作退出",
    "user": "账号",
    "username": "账号",
    "role": "角色",
    "site": "站点",
    "hostname": "主机名",
    "site_code": "网站标识码",
    "what": "内容",
    "format": "格式",
    "count": "条数",
    "filters": "筛选条件",
    "page": "页码",
    "attachment": "附件编号",
    "removed": "清除的失败记录",
    "invalid": "筛选条件有误",
    "start": "开始日期",
    "end": "结束日期",
    "action": "操作",
    "object_type": "对象类型",
    "q": "关键词",
    "title": "标题",
    "reason": "原因",
    "revision": "版本",
    "at": "时间",
    "columns": "字段",
    "date": "日期",
    "days": "天数",
    "devices": "设备数",
    "fields": "修改的字段",
    "from": "原值",
    "to": "新值",
    "hidden": "已隐藏",
    "interpretation": "解读",
    "line": "直播内容",
    "method": "验证方式",
    "policies": "政策文件",
    "prefix": "密钥前缀",
    "provisioned": "由管理员开通",
    "query": "搜索词",
    "question": "问题",
    "resource": "数据资源",
    "retyped": "改过类型的字段",
    "revoked": "已吊销",
    "source": "来源",
    "stage": "步骤",
    "status": "状态",
    "template": "模板",
    "throttled": "因尝试过多被拒绝",
    "version": "数据版本",
    "versions": "数据版本",
    "word": "词语",
    "words": "词语",
    "old": "原值",
    "new": "新值",
    "id": "编号",
    "created": "创建时间",
    "file": "文件",
    "unit": "单位",
    "year": "年度",
    # 年度考核
    "adoption": "采用方式",
    "amount": "分值",
    "before": "修改前",
    "changed": "修改的内容",
    "deduction": "扣分",
    "indicator": "指标",
    "kind": "类型",
    "knowledge_entry": "问答知识条目",
    "note": "说明",
    "points": "积分",
    "quarter": "季度",
    "rows": "指标数",
    "score": "得分",
    "total": "总分",
    "unchecked": "未抽查的指标",
    # 网站工单
    "number": "工单编号",
}
EXPORT_HEADER = ["记录编号", "时间", "用户", "账号", "操作", "说明", "对象类型", "对象", "对象编号", "详情"]
FORMATS = {"csv": "CSV", "xlsx": "Excel（XLSX）"}


class AppendOnlyError(IntegrityError):
    """A log entry was about to be changed or deleted."""


# --- writing ---------------------------------------------------------------------------------------------


def _text(value, limit: int = MAX_TEXT) -> str:
    """What someone typed, fit to be stored: no NUL or other control characters, at most `limit` long."""
    text = "".join(c for c in str(value) if c.isprintable() or c == " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_read(request, instance, what: str, **details):
    """Record that the person behind `request` read personal data in `instance` (a letter, …); `what` names
    the screen or file in Chinese ("留言详情", "留言附件"), `details` adds identifiers (never the data)."""
    data = {"what": what, "address": client_ip(request), **details}
    return log(instance=instance, action=READ, user=_user(request), data=data)


def record_export(request, instance, what: str, *, count: int, fmt: str, filters=None, action: str = EXPORT):
    """Record an export of personal data: `count` records as `fmt`, chosen by `filters` (shown as typed)."""
    data = {"what": what, "format": fmt, "count": count, "address": client_ip(request)}
    if filters:
        data["filters"] = {key: _text(value) for key, value in filters.items()}
    return log(instance=instance, action=action, user=_user(request), data=data)


def record_view(request, filters: dict, **extra):
    """Record that someone opened the audit log (with the filters they used)."""
    data = {"filters": filters, "address": client_ip(request), **extra}
    return log(instance=request.user, action=VIEW, user=_user(request), data=data)


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- append-only -----------------------------------------------------------------------------------------


@receiver(pre_delete, sender=ModelLogEntry, dispatch_uid="huimin_audit_no_delete_model")
@receiver(pre_delete, sender=PageLogEntry, dispatch_uid="huimin_audit_no_delete_page")
def _refuse_delete(sender, instance, **kwargs):
    raise AppendOnlyError("审计日志只能追加，不能删除。")


@receiver(pre_save, sender=ModelLogEntry, dispatch_uid="huimin_audit_no_change_model")
@receiver(pre_save, sender=PageLogEntry, dispatch_uid="huimin_audit_no_change_page")
def _refuse_change(sender, instance, raw=False, **kwargs):
    if not raw and not instance._state.adding:
        raise AppendOnlyError("审计日志只能追加，不能修改。")


class _Statements:
    """Enough of a schema editor for the migration's installer: runs each statement as it is."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def install_guard() -> None:
    """(Re)install the triggers with migration 0002's own installer (`huimin audit-log-guard`)."""
    import_module(f"huimin.core.migrations.{GUARD_MIGRATION}").install_guard(None, _Statements())


@register(Tags.database)
def check_append_only_guard(app_configs=None, databases=None, **kwargs):
    """The triggers of migration huimin_core 0002 must be in place once it ran (an SQLite table rebuild drops
    them). A warning, not an error: `migrate` runs the database checks too and must not be stopped by one."""
    if not databases or connection.vendor not in TRIGGERS:
        return []
    try:
        applied = MigrationRecorder(connection).migration_qs.filter(app="huimin_core", name=GUARD_MIGRATION)
        if not applied.exists():
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            else:
                cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            present = {name for (name,) in cursor.fetchall()}
    except DatabaseError:
        return []
    missing = [name for name in TRIGGERS[connection.vendor] if name not in present]
    if not missing:
        return []
    return [
        Warning(
            f"审计日志的防篡改触发器缺失：{'、'.join(missing)}",
            hint="运行 huimin audit-log-guard 重新安装。",
            id="huimin.W030",
        )
    ]


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    user: str = ""
    action: str = ""
    object_type: str = ""  # "page", or a content type's id
    site: Site | None = None
    q: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(model, filters: Filters) -> QuerySet:
    entries = model.objects.all()
    if filters.start:
        entries = entries.filter(timestamp__gte=_day_start(filters.start))
    if filters.end:
        entries = entries.filter(timestamp__lt=_day_start(filters.end + timedelta(days=1)))
    if filters.user:
        people = get_user_model().objects.filter(
            Q(username__icontains=filters.user)
            | Q(first_name__icontains=filters.user)
            | Q(last_name__icontains=filters.user)
        )
        entries = entries.filter(user_id__in=people.values("pk"))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.object_type:
        if filters.object_type == "page":
            entries = entries if model is PageLogEntry else entries.none()
        else:
            entries = (
                entries.none()
                if model is PageLogEntry
                else entries.filter(content_type_id=filters.object_type)
            )
    if filters.site:
        if model is PageLogEntry:
            pages = Page.objects.filter(path__startswith=filters.site.root_page.path)
            entries = entries.filter(page_id__in=pages.values("pk"))
        else:
            site_type = ContentType.objects.get_for_model(Site)
            entries = entries.filter(
                Q(content_type=site_type, object_id=str(filters.site.pk))
                | Q(data__site=filters.site.hostname)
            )
    if filters.q:
        # JSON keeps non-ASCII text escaped (\\uXXXX) on SQLite and as it is on PostgreSQL: look for both.
        escaped = json.dumps(filters.q)[1:-1]
        entries = entries.filter(
            Q(label__icontains=filters.q) | Q(data__icontains=filters.q) | Q(data__icontains=escaped)
        )
    return entries


def entries(filters: Filters) -> QuerySet:
    """Both log tables, filtered, newest first: rows of (id, timestamp, kind) to page through, then `rows`."""
    combined = None
    for kind, (model, _label) in KINDS.items():
        part = (
            _filtered(model, filters)
            .values("id", "timestamp")
            .annotate(kind=Value(kind, output_field=CharField()))
            .order_by()
        )
        combined = part if combined is None else combined.union(part, all=True)
    return combined.order_by("-timestamp", "-id")


def _value_labels() -> dict[str, dict]:
    labels = {"format": FORMATS, "action": {a: str(label) for a, label in log_action_registry.get_choices()}}
    for hook in hooks.get_hooks("register_audit_value_labels"):
        for key, names in hook().items():
            labels.setdefault(key, {}).update({str(code): str(name) for code, name in names.items()})
    return labels


def describe(data, labels: dict[str, dict] | None = None) -> str:
    """An entry's data in words: `来源地址：10.0.0.1；角色：编辑`."""
    labels = _value_labels() if labels is None else labels

    def word(key, value) -> str:
        if value in ({}, []):
            return "无"
        if isinstance(value, dict):
            return "｛" + "，".join(f"{DATA_LABELS.get(k, k)}：{word(k, v)}" for k, v in value.items()) + "｝"
        if isinstance(value, list):
            return "、".join(word(key, v) for v in value)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "是" if value else "否"
        return labels.get(key, {}).get(str(value), str(value))

    if not isinstance(data, dict):
        return "" if data in (None, "") else str(data)
    return "；".join(f"{DATA_LABELS.get(key, key)}：{word(key, value)}" for key, value in data.items())


@dataclass
class Row:
    number: str
    when: datetime
    user_name: str
    username: str
    action: str
    action_label: str
    message: str
    type_label: str
    label: str
    object_id: str
    details: str


def _action_label(action: str) -> str:
    if log_action_registry.action_exists(action):  # also loads the registry on first use
        return str(log_action_registry.get_action_label(action))
    return action


def _message(entry) -> str:
    """The action's sentence from its formatter; an old entry whose data the formatter no longer understands
    must not take the viewer down with it."""
    try:
        return str(entry.message)
    except Exception:  # any formatter's failure
        return _action_label(entry.action)


def rows(page_rows) -> list[Row]:
    """Full, readable rows for (id, timestamp, kind) rows, in their order."""
    wanted: dict[str, list[int]] = {}
    for row in page_rows:
        wanted.setdefault(row["kind"], []).append(row["id"])
    found = {}
    for kind, ids in wanted.items():
        model = KINDS[kind][0]
        for entry in model.objects.select_related("user", "content_type").filter(pk__in=ids):
            found[(kind, entry.pk)] = entry
    labels = _value_labels()
    result = []
    for row in page_rows:
        entry = found.get((row["kind"], row["id"]))
        if entry is None:
            continue
        user = entry.user if entry.user_id else None
        result.append(
            Row(
                number=f"{KINDS[row['kind']][1]} {entry.pk}",
                when=timezone.localtime(entry.timestamp),
                user_name=str(entry.user_display_name),
                username=user.get_username() if user else ("（已删除的用户）" if entry.user_id else "系统"),
                action=entry.action,
                action_label=_action_label(entry.action),
                message=_message(entry),
                type_label=str(get_content_type_label(entry.content_type)) if entry.content_type_id else "—",
                label=entry.label,
                object_id=str(entry.page_id if row["kind"] == "P" else entry.object_id),
                details=describe(entry.data, labels),
            )
        )
    return result


def _batches(queryset: QuerySet):
    iterator = queryset.iterator(chunk_size=BATCH)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _cells(row: Row) -> list:
    return [
        row.number,
        row.when.strftime("%Y-%m-%d %H:%M:%S"),
        row.user_name,
        row.username,
        row.action_label,
        row.message,
        row.type_label,
        row.label,
        row.object_id,
        row.details,
    ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(queryset: QuerySet):
    """The rows as CSV text, a line at a time, starting with a byte-order mark so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)
    for batch in _batches(queryset):
        for row in rows(batch):
            yield writer.writerow([safe_cell(cell) for cell in _cells(row)])


def xlsx_file(queryset: QuerySet):
    """The rows as an XLSX workbook in a temporary file (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(EXPORT_HEADER)
    for batch in _batches(queryset):
        for row in rows(batch):
            cells = [safe_cell(cell) for cell in _cells(row)]
            when = WriteOnlyCell(sheet, value=row.when.replace(tzinfo=None))
            when.number_format = "yyyy-mm-dd hh:mm:ss"
            sheet.append([cells[0], when, *cells[2:]])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    book.save(output)
    output.seek(0)
    return output


# --- the filter form -------------------------------------------------------------------------------------


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": f"{label}须按“年-月-日”填写，例如 2026-11-02。"},
    )


def _text_field(label: str, limit: int, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        error_messages={
            "max_length": f"{label}最多 {limit} 个字。",
            "null_characters_not_allowed": f"{label}含有不能识别的字符。",
        },
    )


def _choice_field(label: str, wrong: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, error_messages={"invalid_choice": wrong})


def action_choices() -> list:
    platform, content = [], []
    for action, label in log_action_registry.get_choices():
        (content if action.startswith("wagtail.") else platform).append((action, str(label)))
    return [
        ("", "全部操作"),
        ("平台操作", sorted(platform, key=lambda choice: choice[1])),
        ("内容管理", sorted(content, key=lambda choice: choice[1])),
    ]


def object_type_choices() -> list:
    used = ModelLogEntry.objects.order_by().values_list("content_type_id", flat=True).distinct()
    types = [
        (str(content_type.pk), str(get_content_type_label(content_type)))
        for content_type in ContentType.objects.filter(pk__in=used)
        if content_type.model_class() is not None
    ]
    return [("", "全部对象"), ("page", "页面"), *sorted(types, key=lambda choice: choice[1])]


class AuditFilterForm(forms.Form):
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    user = _text_field("用户", 150, "账号或姓名的一部分")
    action = _choice_field("操作", "没有这种操作，请从列表中选择。")
    object_type = _choice_field("对象类型", "没有这种对象类型，请从列表中选择。")
    site = _choice_field("站点", "没有这个站点，请从列表中选择。")
    q = _text_field("关键词", 100, "在对象名称和详情（如来源地址、账号）中查找")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()
        self.fields["object_type"].choices = object_type_choices()
        self.sites = {str(site.pk): site for site in Site.objects.order_by("hostname")}
        self.fields["site"].choices = [("", "全部站点")] + [
            (pk, f"{site.site_name or site.hostname}（{site.hostname}）") for pk, site in self.sites.items()
        ]

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name, f"{self.fields[name].label}须在 {EARLIEST.year} 年至 {LATEST.year} 年之间。"
                )
        start, end = data.get("start"), data.get("end")
        if start and end and start > end and not self.errors:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            user=(data.get("user") or "").strip(),
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            site=self.sites.get(data.get("site") or ""),
            q=(data.get("q") or "").strip(),
        )

    def described(self) -> dict[str, str]:
        """The filters in use, readable, for the entry that records this view or export."""
        shown = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name) if self.is_valid() else self.data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and self.is_valid():
                value = dict(_flat(field.choices)).get(str(value), value)
            shown[name] = _text(value)
        return shown

    def error_text(self) -> str:
        return "；".join(f"{self.fields[name].label}：{'，'.join(errors)}" if name in self.fields
                        else "，".join(errors) for name, errors in self.errors.items())  # fmt: skip


def _flat(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label
