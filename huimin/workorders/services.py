"""Every change of a work order's state, one function per step: each checks who acts, runs in a transaction,
writes the order's event and the audit log entry (`huimin_workorders.<action>`), and refreshes the time
limit. Views, commands and the finding synchronisers call these and nothing else.

Who may do what (the screens ask the same predicates through `queries`):

- submit: anyone holding a site role on the site (the order's unit is that role's unit); platform admins for
  any site (the unit is the site's own unit).
- edit (修改), withdraw: the requester or a colleague (a site role in the requester's unit on that site),
  before dispatch. Orders opened from findings are withdrawn by the site's 站点管理员 or the platform.
- accept, return, merge: the site's 站点管理员 or a platform admin.
- dispatch: platform admins, to a platform admin or an active vendor account.
- start, fix: the assignee.
- confirm, reopen: the requester's side; for orders from findings the site admin or the platform.

Refusals: `PermissionDenied` (who), `WorkOrderError` (the state does not allow the step), `ValidationError`
(what was typed or uploaded, by field). All messages are Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Site

from huimin.letters import attachments
from huimin.sites.models import SiteIdentity

from . import deadlines
from .enums import (
    DONE_STATES,
    EDITABLE_STATES,
    OPEN_STATES,
    Action,
    Assignee,
    Closure,
    Priority,
    Source,
    State,
)
from .models import VendorAccount, WorkOrder, WorkOrderEvent, WorkOrderFile, WorkOrderKind
from .queries import (
    DISPATCH_FROM,
    FIX_FROM,
    from_findings,
    is_assignee,
    is_platform,
    may_add_files,
    may_confirm,
    may_dispatch,
    may_dispatch_to,
    may_edit,
    may_review,
    may_withdraw,
    site_unit,
    submit_unit,
)

SYSTEM = "系统"
MAX_FINDINGS = 200  # finding rows kept on one order; the count says how many there were
AUDIT_TEXT = 200  # a note or a changed value is cut to this length in the audit log (the event keeps it all)
NUMBER_ATTEMPTS = 5

LOG_ACTIONS = {
    f"huimin_workorders.{action.value}": (action.label, f"工单：{action.label}") for action in Action
}

# What a person may type, with its label and length limit.
TEXT_FIELDS = {
    "title": ("标题", 100),
    "description": ("问题描述", 5000),
    "url": ("页面地址", 500),
    "reason": ("理由", 500),
    "note": ("处理情况", 3000),
}
# The fields 修改 may change, with the label the history shows.
EDITABLE_FIELDS = {
    "kind": "类型",
    "priority": "紧急程度",
    "title": "标题",
    "description": "问题描述",
    "url": "页面地址",
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class WorkOrderError(Exception):
    """A step that cannot be taken; the message says why, in Chinese."""


# ---------------------------------------------------------------------------------------------------------
# The record of each step


def _label(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return SYSTEM
    name = actor.get_full_name() or actor.get_username()
    vendor = VendorAccount.objects.filter(user=actor).values_list("company", flat=True).first()
    return (f"{vendor}·{name}" if vendor else name)[:100]


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= AUDIT_TEXT else text[: AUDIT_TEXT - 1] + "…"


def _event(order, action: Action, actor, from_state: str, now: datetime, *, note: str = "", changes=None):
    user = actor if actor is not None and actor.is_authenticated else None
    WorkOrderEvent.objects.create(
        order=order,
        at=now,
        actor=user,
        actor_label=_label(actor),
        action=action,
        from_state=from_state,
        to_state=order.state,
        note=note[:3000],
        changes=changes or {},
    )
    data = {"status": order.get_state_display(), "number": order.number}
    if from_state and from_state != order.state:
        data["from"] = State(from_state).label
    if note:
        data["note"] = _short(note)
    if changes:
        data["changed"] = {label: [_short(old), _short(new)] for label, (old, new) in changes.items()}
    log(instance=order, action=f"huimin_workorders.{action.value}", user=user, data=data)


def next_number(now: datetime) -> str:
    """GD<yyyymmdd>-<nnnn>, counted per day."""
    prefix = f"GD{timezone.localtime(now):%Y%m%d}-"
    last = (
        WorkOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"


# ---------------------------------------------------------------------------------------------------------
# What was typed and uploaded


def _text(name: str, value, *, required: bool, errors: dict, one_line: bool = False) -> str:
    label, limit = TEXT_FIELDS[name]
    text = "" if value is None else str(value)
    if CONTROL_CHARACTERS.search(text):
        errors[name] = f"{label}含有无法识别的控制字符（如 NUL），请删除后重新提交。"
        return ""
    text = text.replace("\r\n", "\n").strip()
    if one_line:
        text = " ".join(text.split())
    if required and not text:
        errors[name] = f"请填写{label}。"
    elif len(text) > limit:
        errors[name] = f"{label}最多 {limit} 个字（现有 {len(text)} 个字）。"
    return text


def _url(value, errors: dict) -> str:
    url = _text("url", value, required=False, errors=errors, one_line=True)
    if not url or "url" in errors:
        return url
    if url.startswith("/") and not url.startswith("//"):
        return url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = "页面地址须是以 http:// 或 https:// 开头的完整网址，或以 / 开头的本站路径。"
    return url


def page_for(site: Site, url: str) -> Page | None:
    """The site's page a URL (or a site path) points to, if any."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc:
        hosts = {site.hostname.lower()}
        domain = SiteIdentity.objects.filter(site=site).values_list("domain", flat=True).first()
        if domain:
            hosts.add(domain.lower())
        if (parts.hostname or "").lower() not in hosts:
            return None
    root = site.root_page
    path = "/".join(part for part in parts.path.split("/") if part)
    url_path = root.url_path + (f"{path}/" if path else "")
    return Page.objects.filter(url_path=url_path, path__startswith=root.path).first()


def _kind(value, errors: dict, *, current: WorkOrderKind | None = None) -> WorkOrderKind | None:
    if isinstance(value, WorkOrderKind):
        kind = value
    else:
        kind = WorkOrderKind.objects.filter(code=str(value or "")).first()
    if kind is None:
        errors["kind"] = "请选择工单类型。"
    elif not kind.active and (current is None or kind.pk != current.pk):
        errors["kind"] = f"工单类型“{kind.name}”已停用，请选择其他类型。"
    return kind


def _priority(value, errors: dict) -> str:
    if value not in Priority.values:
        errors["priority"] = "请选择紧急程度。"
    return value


def _check_uploads(uploads: Iterable, errors: dict, *, already: int = 0) -> list[tuple[object, str]]:
    uploads = [upload for upload in uploads or () if upload]
    if not uploads:
        return []
    limit = settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES
    if already + len(uploads) > limit:
        errors["uploads"] = f"每个工单的材料最多 {limit} 个（已有 {already} 个）。"
        return []
    try:
        return attachments.check_all(uploads)
    except ValidationError as error:
        errors["uploads"] = error.messages
        return []


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _storage():
    return WorkOrderFile._meta.get_field("file").storage


@contextmanager
def _stored_files():
    """Paths saved while a step runs; removed again when the step fails."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for path in stored:
            _storage().delete(path)
        raise


def _store(order, role: str, checked, actor, now: datetime, stored: list[str]) -> list[WorkOrderFile]:
    files = []
    for upload, kind in checked:
        saved = attachments.save(upload, kind, into=_storage(), today=timezone.localdate(now))
        stored.append(saved)
        files.append(
            WorkOrderFile(
                order=order,
                role=role,
                file=saved,
                name=attachments.clean_name(upload.name),
                kind=kind,
                size=upload.size,
                added_at=now,
                added_by=actor if actor is not None and actor.is_authenticated else None,
            )
        )
    return WorkOrderFile.objects.bulk_create(files)


def _files_note(files) -> str:
    return f"附件 {len(files)} 个：" + "、".join(f.name for f in files) if files else ""


# ---------------------------------------------------------------------------------------------------------
# The manual steps


def _locked(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update(of=("self",)).select_related("kind", "site").get(pk=order.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_state(order: WorkOrder, states, doing: str) -> None:
    if order.state not in states:
        raise WorkOrderError(f"工单当前为“{order.get_state_display()}”，不能{doing}。")


def submit(
    site: Site,
    actor,
    *,
    kind,
    priority: str,
    title: str,
    description: str,
    page: Page | None = None,
    url: str = "",
    uploads=(),
    now: datetime,
) -> WorkOrder:
    """A person of a unit reports a problem of a site (待审核); the time limit starts now."""
    unit = submit_unit(actor, site)
    if unit is None:
        if is_platform(actor):
            raise WorkOrderError("该网站尚未设置主管单位，不能提交工单。")
        raise PermissionDenied("您在该网站没有岗位，不能为其提交工单。")
    errors: dict = {}
    values = {
        "kind": _kind(kind, errors),
        "priority": _priority(priority, errors),
        "title": _text("title", title, required=True, errors=errors, one_line=True),
        "description": _text("description", description, required=True, errors=errors),
        "url": _url(url, errors),
    }
    checked = _check_uploads(uploads, errors)
    if page is not None and not page.path.startswith(site.root_page.path):
        errors["url"] = "所选页面不属于该网站。"
    _raise(errors)
    order = WorkOrder(
        site=site,
        unit=unit,
        page=page or page_for(site, values["url"]),
        source=Source.MANUAL,
        requester=actor,
        state=State.SUBMITTED,
        submitted_at=now,
        clock_from=now,
        **values,
    )
    deadlines.refresh(order)
    with _stored_files() as stored, transaction.atomic():
        for attempt in range(NUMBER_ATTEMPTS):
            order.number = next_number(now)
            try:
                with transaction.atomic():
                    order.save()
                break
            except IntegrityError:  # two submissions took the same number at once
                if attempt == NUMBER_ATTEMPTS - 1:
                    raise
        files = _store(order, WorkOrderFile.Role.REQUEST, checked, actor, now, stored)
        _event(order, Action.SUBMIT, actor, "", now, note=_files_note(files))
    return order


def _shown(name: str, value) -> str:
    if name == "kind":
        return value.name if value is not None else ""
    if name == "priority":
        return Priority(value).label if value in Priority.values else str(value)
    return value or "（空）"


def edit(order: WorkOrder, actor, *, changes: dict, uploads=(), now: datetime) -> WorkOrder:
    """修改 by the requester's side before dispatch; recorded field by field. A returned order goes back to
    审核 with its clock restarted."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError("工单的这些内容不能修改：" + "、".join(sorted(unknown)))
    with _stored_files() as stored, transaction.atomic():
        order = _locked(order)
        if from_findings(order):
            raise WorkOrderError("自动生成的工单不能修改，问题明细由复查自动更新。")
        _require(may_edit(actor, order), "只有提交人或同单位人员可以修改工单。")
        _require_state(order, EDITABLE_STATES, "修改（派发后不能再修改）")
        errors: dict = {}
        new = {}
        if "kind" in changes:
            new["kind"] = _kind(changes["kind"], errors, current=order.kind)
        if "priority" in changes:
            new["priority"] = _priority(changes["priority"], errors)
        if "title" in changes:
            new["title"] = _text("title", changes["title"], required=True, errors=errors, one_line=True)
        if "description" in changes:
            new["description"] = _text("description", changes["description"], required=True, errors=errors)
        if "url" in changes:
            new["url"] = _url(changes["url"], errors)
        already = order.files.filter(role=WorkOrderFile.Role.REQUEST).count()
        checked = _check_uploads(uploads, errors, already=already)
        _raise(errors)
        diff = {}
        for name, value in new.items():
            old = getattr(order, name)
            same = (old.pk == value.pk) if name == "kind" else old == value
            if not same:
                diff[EDITABLE_FIELDS[name]] = [_shown(name, old), _shown(name, value)]
                setattr(order, name, value)
        if not diff and not checked:
            raise WorkOrderError("没有修改任何内容。")
        if "url" in new and EDITABLE_FIELDS["url"] in diff:
            order.page = page_for(order.site, order.url)
        before = order.state
        if order.state == State.RETURNED:
            order.state, order.clock_from, order.reminded_level = State.SUBMITTED, now, ""
            order.return_reason = ""
        deadlines.refresh(order)
        order.save()
        files = _store(order, WorkOrderFile.Role.REQUEST, checked, actor, now, stored)
        note = "退回后修改，重新提交审核。" if before == State.RETURNED else ""
        note = "；".join(part for part in (note, _files_note(files)) if part)
        _event(order, Action.EDIT, actor, before, now, note=note, changes=diff)
    return order


def accept(order: WorkOrder, actor, *, now: datetime) -> WorkOrder:
    """审核通过: the order waits for dispatch."""
    with transaction.atomic():
        order = _locked(order)
        _require(may_review(actor, order), "只有该网站的站点管理员或平台管理员可以审核工单。")
        _require_state(order, (State.SUBMITTED,), "审核")
        before = order.state
        order.state, order.reviewed_at, order.reviewed_by = State.ACCEPTED, now, actor
        order.save()
        _event(order, Action.ACCEPT, actor, before, now)
    return order


def return_order(order: WorkOrder, actor, *, reason: str, now: datetime) -> WorkOrder:
    """退回 with a reason: the requester changes the order (修改) to submit it again, or withdraws it."""
    with transaction.atomic():
        order = _locked(order)
        _require(may_review(actor, order), "只有该网站的站点管理员或平台管理员可以退回工单。")
        _require_state(order, (State.SUBMITTED,), "退回")
        errors: dict = {}
        reason = _text("reason", reason, required=True, errors=errors)
        _raise(errors)
        before = order.state
        order.state, order.reviewed_at, order.reviewed_by = State.RETURNED, now, actor
        order.return_reason = reason
        order.save()
        _event(order, Action.RETURN, actor, before, now, note=reason)
    return order


def merge(order: WorkOrder, actor, *, duplicate_of: WorkOrder, now: datetime) -> WorkOrder:
    """合并: the order repeats another open order of the same site and is closed into it."""
    with transaction.atomic():
        order = _locked(order)
        _require(may_review(actor, order), "只有该网站的站点管理员或平台管理员可以合并工单。")
        _require_state(order, (State.SUBMITTED, State.ACCEPTED), "合并")
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": "请填写要合并到的工单编号。"})
        target = WorkOrder.objects.select_for_update().get(pk=duplicate_of.pk)
        if target.pk == order.pk:
            raise ValidationError({"duplicate_of": "不能合并到工单自身。"})
        if target.site_id != order.site_id:
            raise ValidationError({"duplicate_of": "只能合并到同一网站的工单。"})
        if target.state in DONE_STATES:
            raise ValidationError(
                {"duplicate_of": f"工单 {target.number} 已{target.get_state_display()}，不能合并到该工单。"}
            )
        before = order.state
        order.state, order.duplicate_of, order.closed_at = State.MERGED, target, now
        if order.reviewed_at is None:
            order.reviewed_at, order.reviewed_by = now, actor
        order.save()
        _event(order, Action.MERGE, actor, before, now, note=f"与工单 {target.number} 重复，合并到该工单。")
        _event(
            target,
            Action.MERGE,
            actor,
            target.state,
            now,
            note=f"工单 {order.number} 作为重复工单合并到本工单。",
        )
    return order


def dispatch(order: WorkOrder, actor, *, assignee_kind: str, assignee, now: datetime) -> WorkOrder:
    """派发 to the platform team (a platform admin) or an outside vendor's account; again to change hands."""
    with transaction.atomic():
        order = _locked(order)
        _require(may_dispatch(actor), "只有平台管理员可以派发工单。")
        _require_state(order, DISPATCH_FROM, "派发")
        if assignee_kind not in Assignee.values:
            raise ValidationError({"assignee_kind": "请选择承办方：平台运维团队或外包服务商。"})
        if assignee is None:
            raise ValidationError({"assignee": "请选择承办人。"})
        if not may_dispatch_to(assignee_kind, assignee):
            message = (
                "平台运维团队的承办人须是平台管理员。"
                if assignee_kind == Assignee.PLATFORM
                else "该账号不是可派发的外包服务商账号。"
            )
            raise ValidationError({"assignee": message})
        if order.state != State.ACCEPTED and order.assignee_id == assignee.pk:
            raise WorkOrderError("工单已派发给该承办人。")
        before = order.state
        again = before != State.ACCEPTED
        order.state, order.assignee_kind, order.assignee = State.DISPATCHED, assignee_kind, assignee
        order.dispatched_at, order.started_at = now, None
        order.save()
        note = f"{'改派' if again else '派发'}给{Assignee(assignee_kind).label}：{_label(assignee)}"
        _event(order, Action.DISPATCH, actor, before, now, note=note)
    return order


def start(order: WorkOrder, actor, *, now: datetime) -> WorkOrder:
    """开始处理, by the assignee."""
    with transaction.atomic():
        order = _locked(order)
        _require(is_assignee(actor, order), "只有工单的承办人可以开始处理。")
        _require_state(order, (State.DISPATCHED,), "开始处理")
        before = order.state
        order.state, order.started_at = State.IN_PROGRESS, now
        order.save()
        _event(order, Action.START, actor, before, now)
    return order


def fix(order: WorkOrder, actor, *, note: str, uploads=(), now: datetime) -> WorkOrder:
    """处理完成, by the assignee, saying what was done (with evidence files if any); waits for
    confirmation."""
    with _stored_files() as stored, transaction.atomic():
        order = _locked(order)
        _require(is_assignee(actor, order), "只有工单的承办人可以填写处理结果。")
        _require_state(order, FIX_FROM, "填写处理结果")
        errors: dict = {}
        note = _text("note", note, required=True, errors=errors)
        checked = _check_uploads(uploads, errors)
        _raise(errors)
        before = order.state
        order.state, order.fixed_at, order.fix_note = State.FIXED, now, note
        order.started_at = order.started_at or now
        order.save()
        files = _store(order, WorkOrderFile.Role.FIX, checked, actor, now, stored)
        text = note + (f"（{_files_note(files)}）" if files else "")
        _event(order, Action.FIX, actor, before, now, note=text)
    return order


def confirm(order: WorkOrder, actor, *, now: datetime) -> WorkOrder:
    """确认办结 of a fixed order."""
    with transaction.atomic():
        order = _locked(order)
        _require(
            may_confirm(actor, order),
            "只有站点管理员或平台管理员可以确认自动生成的工单。"
            if from_findings(order)
            else "只有提交人或同单位人员可以确认办结。",
        )
        _require_state(order, (State.FIXED,), "确认办结")
        before = order.state
        order.state, order.closure, order.closed_at = State.CLOSED, Closure.CONFIRMED, now
        order.save()
        _event(order, Action.CONFIRM, actor, before, now)
    return order


def reopen(order: WorkOrder, actor, *, reason: str, now: datetime) -> WorkOrder:
    """重新打开 a fixed order that is not right yet: back to its assignee, the clock restarts."""
    with transaction.atomic():
        order = _locked(order)
        _require(
            may_confirm(actor, order),
            "只有站点管理员或平台管理员可以重新打开自动生成的工单。"
            if from_findings(order)
            else "只有提交人或同单位人员可以重新打开工单。",
        )
        _require_state(order, (State.FIXED,), "重新打开")
        errors: dict = {}
        reason = _text("reason", reason, required=True, errors=errors)
        _raise(errors)
        before = order.state
        order.state = State.DISPATCHED if order.assignee_id else State.ACCEPTED
        order.reopened += 1
        order.fixed_at, order.started_at, order.clock_from, order.reminded_level = None, None, now, ""
        deadlines.refresh(order)
        order.save()
        _event(order, Action.REOPEN, actor, before, now, note=reason)
    return order


def withdraw(order: WorkOrder, actor, *, reason: str, now: datetime) -> WorkOrder:
    """撤销: by the requester's side before dispatch; orders from findings by the site's reviewers at any
    time while open (the next check does not open them again)."""
    with transaction.atomic():
        order = _locked(order)
        if from_findings(order):
            _require(may_withdraw(actor, order), "只有站点管理员或平台管理员可以撤销自动生成的工单。")
            _require_state(order, OPEN_STATES, "撤销")
        else:
            _require(may_withdraw(actor, order), "只有提交人或同单位人员可以撤销工单。")
            _require_state(order, EDITABLE_STATES, "撤销（派发后不能撤销）")
        errors: dict = {}
        reason = _text("reason", reason, required=True, errors=errors)
        _raise(errors)
        before = order.state
        order.state, order.closed_at = State.WITHDRAWN, now
        order.save()
        _event(order, Action.WITHDRAW, actor, before, now, note=reason)
    return order


def add_files(order: WorkOrder, actor, uploads, *, role: str = WorkOrderFile.Role.REQUEST, now: datetime):
    """补充材料: the requester's side adds problem files while the order is open, the assignee evidence."""
    with _stored_files() as stored, transaction.atomic():
        order = _locked(order)
        _require(
            may_add_files(actor, order, role),
            "只有承办人可以补充处理材料。" if role == WorkOrderFile.Role.FIX else "您不能为该工单补充材料。",
        )
        errors: dict = {}
        already = order.files.filter(role=role).count() if role == WorkOrderFile.Role.REQUEST else 0
        checked = _check_uploads(uploads, errors, already=already)
        if not checked and not errors:
            errors["uploads"] = "请选择要上传的文件。"
        _raise(errors)
        files = _store(order, role, checked, actor, now, stored)
        _event(order, Action.ATTACH, actor, order.state, now, note=_files_note(files))
    return order


# ---------------------------------------------------------------------------------------------------------
# Orders opened and closed from findings (the patrol, the guide checker, the content sweep, security alerts)


def _finding_rows(findings: list[dict]) -> list[dict]:
    return [dict(row) for row in findings[:MAX_FINDINGS]]


def sync_findings(
    site: Site,
    *,
    source: Source,
    problem: str,
    kind_code: str,
    title: str,
    findings: list[dict],
    now: datetime,
    priority: Priority = Priority.NORMAL,
) -> WorkOrder | None:
    """One order per site and problem (`<source>:<problem>`), never one per finding.

    With findings: open the order (as 待派发, it needs no review), or update its finding rows, or reopen it
    when it was closed and the problem is back. Without findings (the check ran and saw nothing): close an
    open order as verified fixed. A withdrawn order (dismissed by the site's administrator) or one merged
    into another stays closed.
    Each finding is a dict with at least "url" and "evidence". Returns the order, or None when there is none.
    """
    key = f"{source}:{problem}"[:80]
    rows = _finding_rows(findings)
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().filter(site=site, finding_key=key).first()
        if not rows:
            if order is not None and order.state not in DONE_STATES:
                before = order.state
                order.state, order.closure, order.closed_at = State.CLOSED, Closure.VERIFIED, now
                order.save()
                _event(order, Action.VERIFY, None, before, now, note="复查未再发现该问题，工单自动办结。")
            return order
        description = f"{title}：共 {len(findings)} 处，详见问题明细。"
        if order is None:
            unit = site_unit(site)
            if unit is None:
                return None  # a site without identity has no unit to carry the order
            order = WorkOrder(
                number=next_number(now),
                site=site,
                unit=unit,
                kind=WorkOrderKind.objects.get(code=kind_code),
                priority=priority,
                title=title[:100],
                description=description,
                source=source,
                finding_key=key,
                findings=rows,
                url=rows[0].get("url", "")[:500],
                state=State.ACCEPTED,
                submitted_at=now,
                clock_from=now,
            )
            deadlines.refresh(order)
            order.save()
            _event(order, Action.OPEN, None, "", now, note=description)
            return order
        if order.state in (State.WITHDRAWN, State.MERGED):  # dismissed, or carried by the order merged into
            order.findings = rows
            order.save(update_fields=["findings"])
            return order
        before = order.state
        if order.state in DONE_STATES:
            order.state = State.DISPATCHED if order.assignee_id else State.ACCEPTED
            order.reopened += 1
            order.closed_at, order.closure, order.fixed_at = None, "", None
            order.clock_from, order.reminded_level = now, ""
            order.findings, order.description = rows, description
            deadlines.refresh(order)
            order.save()
            _event(order, Action.REOPEN, None, before, now, note="复查再次发现该问题，工单重新打开。")
            return order
        if order.findings != rows:
            order.findings, order.description = rows, description
            order.save(update_fields=["findings", "description"])
            _event(order, Action.UPDATE, None, before, now, note=description)
        return order


# ---------------------------------------------------------------------------------------------------------
# Vendor accounts


def save_vendor_account(account: VendorAccount, actor) -> VendorAccount:
    """Save an outside vendor's account (platform admins only). While the account is active its person may
    open the admin, where they see only the orders dispatched to them."""
    from django.contrib.auth.models import Permission

    if actor is not None and not is_platform(actor):
        raise PermissionDenied("只有平台管理员可以管理外包服务商账号。")
    with transaction.atomic():
        created = account.pk is None
        account.save()
        permission = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        if account.active:
            account.user.user_permissions.add(permission)
        else:
            account.user.user_permissions.remove(permission)
        log(
            instance=account,
            action="wagtail.create" if created else "wagtail.edit",
            user=actor,
            data={"user": account.user.get_username(), "status": "可派发" if account.active else "停用"},
        )
    return account
