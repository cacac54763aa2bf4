"""Every write of the security app, one function per step: each checks who acts, runs in a transaction and
writes the audit entry (`huimin_security.<action>`).

- `observe(target, kind, problems, now)`: the one door for conditions the probes, the patrol and the scan
  see. With problems it raises an alert (e-mail, a work order) or keeps the active one current; without, it
  resolves the active alert (the condition cleared) and the work order is closed as verified.
- `acknowledge` and `resolve`: what a person does with an alert; acknowledging stops the escalation.
- `escalate_due(now)`: alerts unanswered for the times in data/thresholds.json go up, step by step.
- `record_exercise` and `add_exercise_files`: the register of 应急演练 and 渗透测试.
- `record_scan`: one scan's results, which also feed the exposure alert.
- `accept_baseline`, `seen_baseline`, `note_different`: the homepage text defacement is judged against.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from huimin.inspection.models import Target
from huimin.letters import attachments as checked_files

from . import notify, queries, rules
from .enums import ACTIVE_STATES, Action, AlertKind, AlertState, ExerciseKind, Severity
from .models import Alert, Exercise, ExerciseFile, HomeBaseline, ScanResult

logger = logging.getLogger(__name__)
LOG_ACTIONS = {f"huimin_security.{action.value}": (action.label, action.label) for action in Action}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
NOTE_MAX = 500
MAX_PROBLEMS = 200
TEXT_MAX = 200_000  # characters of homepage text kept as a baseline
DENIED = "您不能处理此网站的安全预警。"


def _name(alert_or_target) -> str:
    target = getattr(alert_or_target, "target", alert_or_target)
    site = getattr(alert_or_target, "site", None) or getattr(target, "site", None)
    return queries.site_name(site, target)


def _text(
    value, field_name: str, label: str, limit: int, *, lines: bool = True, required: bool = True
) -> str:
    text = str(value or "")
    if CONTROL.search(text.replace("\r\n", "\n") if lines else text):
        raise ValidationError({field_name: f"{label}含有不可见的控制字符，请删除后重新填写。"})
    if not lines and ("\n" in text or "\r" in text):
        raise ValidationError({field_name: f"{label}不能换行。"})
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not lines:
        text = " ".join(text.split())
    if required and not text:
        raise ValidationError({field_name: f"请填写{label}。"})
    if len(text) > limit:
        raise ValidationError({field_name: f"{label}不能超过 {limit} 个字（现为 {len(text)} 个字）。"})
    return text


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _log(alert: Alert, action: Action, actor, now: datetime, **data) -> None:
    log(
        instance=alert,
        action=f"huimin_security.{action.value}",
        user=_user(actor),
        timestamp=now,
        data={
            "kind": alert.get_kind_display(),
            "site": _name(alert),
            "status": alert.get_state_display(),
            **data,
        },
    )


# --- alerts ----------------------------------------------------------------------------------------------


def _clean_problems(problems) -> list[dict]:
    return [
        {"url": str(p.get("url", ""))[:500], "evidence": str(p.get("evidence", ""))[:300]}
        for p in list(problems)[:MAX_PROBLEMS]
    ]


def _sync_order(alert: Alert, problems: list[dict], now: datetime) -> None:
    """Open, update or close the site's security work order of this kind (`workorders.sync_findings`). A
    failure there is logged and never undoes the alert."""
    if alert.site_id is None:
        return
    from huimin.workorders.enums import Priority, Source
    from huimin.workorders.services import sync_findings

    priority = {Severity.CRITICAL: Priority.URGENT, Severity.HIGH: Priority.HIGH}.get(
        alert.severity, Priority.NORMAL
    )
    try:
        with transaction.atomic():
            order = sync_findings(
                alert.site,
                source=Source.SECURITY,
                problem=alert.kind,
                kind_code="security",
                title=f"安全预警：{alert.get_kind_display()}",
                findings=problems,
                now=now,
                priority=priority,
            )
    except Exception:
        logger.exception("The work order of security alert %s could not be synchronised", alert.pk)
        return
    if order is not None and alert.work_order_id != order.pk:
        alert.work_order = order
        alert.save(update_fields=["work_order"])


def observe(target: Target, kind: AlertKind, problems, now: datetime, *, detail: str = "") -> Alert | None:
    """What a check saw of one condition on one target: `problems` (dicts with "url" and "evidence") raise
    or refresh the active alert of that kind; none resolve it. Returns the alert concerned, if any."""
    kind = AlertKind(kind)
    problems = _clean_problems(problems)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .filter(target=target, kind=kind, state__in=ACTIVE_STATES)
            .select_related("target", "site")
            .first()
        )
        if not problems:
            if alert is not None:
                _close(alert, None, now, "复查未再发现该问题，预警自动解除。")
            return alert
        if alert is None:
            alert = Alert.objects.create(
                target=target,
                site_id=target.site_id,
                kind=kind,
                severity=rules.thresholds().severity[kind],
                state=AlertState.OPEN,
                title=f"{_name(target)}：{kind.label}"[:200],
                detail=detail[:2000],
                evidence=problems,
                first_seen=now,
                last_seen=now,
            )
            _log(alert, Action.RAISE, None, now, count=len(problems), note=detail[:200])
            notify.raised(alert)
            _sync_order(alert, problems, now)
            return alert
        changed = alert.evidence != problems
        alert.last_seen, alert.evidence, alert.detail = now, problems, detail[:2000] or alert.detail
        alert.save(update_fields=["last_seen", "evidence", "detail"])
        if changed:
            _log(alert, Action.UPDATE, None, now, count=len(problems))
            _sync_order(alert, problems, now)
        return alert


def _close(alert: Alert, actor, now: datetime, note: str) -> None:
    before = alert.get_state_display()
    alert.state, alert.resolved_at = AlertState.RESOLVED, now
    alert.resolved_by, alert.resolve_note = _user(actor), note[:NOTE_MAX]
    alert.save(update_fields=["state", "resolved_at", "resolved_by", "resolve_note"])
    _log(alert, Action.RESOLVE, actor, now, **{"from": before, "note": note[:200]})
    notify.resolved(alert)
    _sync_order(alert, [], now)


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update(of=("self",)).select_related("target", "site").get(pk=alert.pk)


def acknowledge(alert: Alert, *, actor, now: datetime, note: str = "") -> Alert:
    """确认: someone has the alert in hand; it no longer escalates."""
    if not queries.may_handle(actor, alert):
        raise PermissionDenied(DENIED)
    note = _text(note, "note", "处置说明", NOTE_MAX, required=False)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state != AlertState.OPEN:
            raise ValidationError("此预警已确认或已解除，无需再次确认。")
        alert.state, alert.acknowledged_at = AlertState.ACKNOWLEDGED, now
        alert.acknowledged_by, alert.acknowledge_note = actor, note
        alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "acknowledge_note"])
        _log(alert, Action.ACKNOWLEDGE, actor, now, **{"from": AlertState.OPEN.label, "note": note[:200]})
    return alert


def resolve(alert: Alert, *, actor, now: datetime, note: str) -> Alert:
    """解除 by hand, with a reason: the problem was fixed (the next check would resolve it anyway), or the
    change was a normal one. A defaced alert's latest homepage text then becomes the baseline."""
    if not queries.may_handle(actor, alert):
        raise PermissionDenied(DENIED)
    note = _text(note, "note", "解除说明", NOTE_MAX)
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state not in ACTIVE_STATES:
            raise ValidationError("此预警已经解除。")
        if alert.kind == AlertKind.DEFACED:
            baseline = HomeBaseline.objects.select_for_update().filter(target=alert.target).first()
            if baseline is not None and baseline.latest_digest:
                _take(baseline, baseline.latest_text, baseline.latest_digest, now)
        _close(alert, actor, now, note)
    return alert


def escalate_due(now: datetime) -> list[Alert]:
    """Raise the level of every alert still unacknowledged past the next step's time (counted from when it
    was first seen), telling that step's people; several steps due at once make one e-mail. Idempotent, and
    safe with several workers (rows another holds are skipped)."""
    steps = rules.thresholds().escalation
    done = []
    due_ids = Alert.objects.filter(state=AlertState.OPEN, escalation_level__lt=len(steps)).values_list(
        "pk", flat=True
    )
    for pk in list(due_ids):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, state=AlertState.OPEN)
                .first()
            )
            if alert is None:
                continue
            level = sum(
                1 for step in steps if alert.first_seen + timedelta(minutes=step.after_minutes) <= now
            )
            if level <= alert.escalation_level:
                continue
            audiences = []
            for step in steps[alert.escalation_level : level]:
                audiences += [a for a in step.notify if a not in audiences]
            alert.escalation_level, alert.escalated_at = level, now
            alert.save(update_fields=["escalation_level", "escalated_at"])
            _log(alert, Action.ESCALATE, None, now, count=level, note=f"第 {level} 次升级")
            notify.escalated(alert, audiences)
            done.append(alert)
    return done


# --- the homepage baseline -------------------------------------------------------------------------------


def _take(baseline: HomeBaseline, text: str, digest: str, now: datetime) -> None:
    baseline.text, baseline.digest = text[:TEXT_MAX], digest
    baseline.taken_at = baseline.checked_at = now
    baseline.latest_text, baseline.latest_digest, baseline.latest_at = "", "", None
    baseline.save()


def accept_baseline(target: Target, text: str, digest: str, now: datetime) -> HomeBaseline:
    """Take `text` as the homepage's normal text (the first probe, a small change, a publish)."""
    baseline = HomeBaseline.objects.filter(target=target).first()
    if baseline is None:
        return HomeBaseline.objects.create(
            target=target, text=text[:TEXT_MAX], digest=digest, taken_at=now, checked_at=now
        )
    _take(baseline, text, digest, now)
    return baseline


def seen_baseline(baseline: HomeBaseline, now: datetime) -> None:
    """The homepage showed the baseline text again at `now`."""
    baseline.checked_at = now
    baseline.latest_text, baseline.latest_digest, baseline.latest_at = "", "", None
    baseline.save(update_fields=["checked_at", "latest_text", "latest_digest", "latest_at"])


def note_different(baseline: HomeBaseline, text: str, digest: str, now: datetime) -> None:
    """The homepage showed a text far from the baseline at `now` (kept for a resolution by hand)."""
    baseline.latest_text, baseline.latest_digest, baseline.latest_at = text[:TEXT_MAX], digest, now
    baseline.save(update_fields=["latest_text", "latest_digest", "latest_at"])


# --- the register of 应急演练 and 渗透测试 ---------------------------------------------------------------


@dataclass
class ExerciseData:
    site: Site | None
    kind: str
    held_on: date | None
    title: str
    scope: str
    organiser: str = ""
    findings: str = ""
    fixes: str = ""
    uploads: list = field(default_factory=list)


def _store(exercise: Exercise, upload, kind: str, actor, now: datetime) -> ExerciseFile:
    storage = ExerciseFile._meta.get_field("file").storage
    stored = checked_files.save(upload, kind, into=storage, prefix="security/", today=timezone.localdate(now))
    return ExerciseFile.objects.create(
        exercise=exercise,
        file=stored,
        name=checked_files.clean_name(upload.name),
        kind=kind,
        size=upload.size,
        added_at=now,
        added_by=_user(actor),
    )


def record_exercise(data: ExerciseData, *, actor, now: datetime) -> Exercise:
    """登记 an 应急演练 or 渗透测试 of a site, with its files (checked as letters' attachments are)."""
    if data.site is None:
        raise ValidationError({"site": "请选择网站。"})
    if actor is not None and not queries.may_record(actor, data.site):  # None: the system (the demo)
        raise PermissionDenied("您只能为本人管理的网站登记演练或测试。")
    if data.kind not in ExerciseKind.values:
        raise ValidationError({"kind": "请选择应急演练或渗透测试。"})
    today = timezone.localdate(now)
    if data.held_on is None:
        raise ValidationError({"held_on": "请填写开展日期。"})
    if data.held_on > today:
        raise ValidationError({"held_on": "开展日期不能晚于今天。"})
    if data.held_on < date(2000, 1, 1):
        raise ValidationError({"held_on": "开展日期有误。"})
    values = {
        "title": _text(data.title, "title", "名称", 100, lines=False),
        "organiser": _text(data.organiser, "organiser", "实施单位", 100, lines=False, required=False),
        "scope": _text(data.scope, "scope", "范围和内容", 3000),
        "findings": _text(data.findings, "findings", "发现的问题", 5000, required=False),
        "fixes": _text(data.fixes, "fixes", "整改情况", 5000, required=False),
    }
    try:
        checked = checked_files.check_all(list(data.uploads))
    except ValidationError as error:
        raise ValidationError({"uploads": error.messages}) from None
    stored: list[ExerciseFile] = []
    try:
        with transaction.atomic():
            exercise = Exercise.objects.create(
                site=data.site,
                kind=data.kind,
                held_on=data.held_on,
                recorded_at=now,
                recorded_by=_user(actor),
                **values,
            )
            stored = [_store(exercise, upload, kind, actor, now) for upload, kind in checked]
            log(
                instance=exercise,
                action=f"huimin_security.{Action.RECORD_EXERCISE.value}",
                user=_user(actor),
                timestamp=now,
                data={
                    "kind": exercise.get_kind_display(),
                    "site": queries.site_name(data.site),
                    "title": exercise.title,
                    "date": f"{exercise.held_on:%Y-%m-%d}",
                    "count": len(stored),
                },
            )
    except Exception:
        for item in stored:
            item.file.storage.delete(item.file.name)
        raise
    return exercise


def add_exercise_files(exercise: Exercise, uploads, *, actor, now: datetime) -> list[ExerciseFile]:
    """Add files to a register entry (the report arrives after the drill)."""
    if not queries.may_record(actor, exercise.site):
        raise PermissionDenied("您只能为本人管理的网站上传材料。")
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"uploads": "请选择要上传的文件。"})
    try:
        checked = checked_files.check_all(uploads)
    except ValidationError as error:
        raise ValidationError({"uploads": error.messages}) from None
    stored: list[ExerciseFile] = []
    try:
        with transaction.atomic():
            stored = [_store(exercise, upload, kind, actor, now) for upload, kind in checked]
            log(
                instance=exercise,
                action=f"huimin_security.{Action.ADD_EXERCISE_FILE.value}",
                user=_user(actor),
                timestamp=now,
                data={
                    "title": exercise.title,
                    "count": len(stored),
                    "file": "、".join(f.name for f in stored)[:200],
                },
            )
    except Exception:
        for item in stored:
            item.file.storage.delete(item.file.name)
        raise
    return stored


# --- scans -----------------------------------------------------------------------------------------------


def record_scan(target: Target, result, now: datetime) -> ScanResult:
    """Store a scan (`scans.Scan`) of a target; its exposure problems feed the exposure alert (when the
    site answered: a site that did not says nothing about what it exposes)."""
    from .scans import counts

    checks = [check.as_json() for check in result.checks]
    found = counts(checks)
    with transaction.atomic():
        saved = ScanResult.objects.create(
            target=target,
            site_id=target.site_id,
            at=now,
            url=result.url[:300],
            checks=checks,
            counts=found,
            failed=found.get("fail", 0),
            warned=found.get("warn", 0),
        )
        log(
            instance=saved,
            action=f"huimin_security.{Action.SCAN.value}",
            user=None,
            timestamp=now,
            data={"site": _name(target), "count": found.get("fail", 0), "what": "安全扫描"},
        )
    if result.exposed is not None:
        observe(target, AlertKind.EXPOSED, result.exposed, now)
    return saved
