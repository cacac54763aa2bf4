"""信息报送 and 采用 (content assurance, issue 22 §3): a unit's staff submit items to the portal (news for
one of its columns, a quarterly 政务专题选题计划, an 答复口径), revise or withdraw them while they wait;
the portal office adopts them (as they are, rewritten, or as 专题 material) for the points the year's
indicator table sets, or rejects them with a reason. A decision is final.

Every change is one function here: it checks who is asking, runs in a transaction and writes a Wagtail log
entry (`LOG_ACTIONS`). An adopted 答复口径 becomes a draft entry of the portal's Q&A knowledge base, an
adopted 信息 may become a draft article in its column; both wait for the portal's reviewers.

`progress` is the read a unit's staff and the portal office see during the year: the 内容保障 part of the
sheet, computed by the sheet engine itself (`sheets`), so the two can never disagree.
"""

from __future__ import annotations

import html
import re
import secrets
from datetime import datetime
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page

from huimin.letters import attachments as files
from huimin.sites.models import ColumnPage, OrgUnit, SiteIdentity
from huimin.workdays.working_time import SHANGHAI

from .. import queries, sheets
from ..enums import Adoption, SheetState, SubmissionKind, SubmissionState, UnitClass
from ..models import IndicatorTable, ScoreSheet, Submission

LOG_ACTIONS = {
    "huimin_assessment.submission_submit": ("报送信息", "报送信息"),
    "huimin_assessment.submission_revise": ("修改报送信息", "修改报送信息"),
    "huimin_assessment.submission_withdraw": ("撤回报送信息", "撤回报送信息"),
    "huimin_assessment.submission_adopt": ("采用报送信息", "采用报送信息"),
    "huimin_assessment.submission_reject": ("不予采用报送信息", "不予采用报送信息"),
}
TITLE_MAX = 200
BODY_MAX = 20000
CALIBER_MAX = 2000  # an 答复口径 becomes a knowledge entry, whose answer is at most 2000 characters
REASON_MAX = 500
# Control characters (C0 except tab, line feed and carriage return; DEL; C1) and the Unicode line and
# paragraph separators: never part of a title or a text a clerk typed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
DENIED_UNIT = "您只能为本人所在单位报送信息，或处理本单位的报送。"
DENIED_OFFICE = "只有门户网站管理部门可以采用或退回报送的信息。"


# --- checks ------------------------------------------------------------------------------------------------


def _text(value, field: str, label: str, limit: int, *, lines: bool) -> str:
    text = str(value or "")
    if "\x00" in text or CONTROL.search(text.replace("\r\n", "\n") if lines else text):
        raise ValidationError({field: f"{label}含有不可见的控制字符，请删除后重新填写。"})
    if not lines and ("\n" in text or "\r" in text):
        raise ValidationError({field: f"{label}不能换行。"})
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not lines:
        text = " ".join(text.split())
    if not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 个字（现为 {len(text)} 个字）。"})
    return text


def _assessed(unit: OrgUnit) -> str:
    try:
        return sheets.unit_class(unit)
    except sheets.AssessmentError as error:
        raise ValidationError(str(error)) from None


def _column(column, kind: str) -> ColumnPage | None:
    """The portal's column an item is offered to: a live ColumnPage below the portal's home page."""
    if column in (None, ""):
        if kind == SubmissionKind.INFO:
            raise ValidationError({"column": "请选择拟投的门户网站栏目。"})
        return None
    pk = column.pk if isinstance(column, Page) else column
    portal = queries.portal_site()
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    found = None
    if portal is not None and pk is not None:
        found = ColumnPage.objects.live().descendant_of(portal.root_page).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"column": "所选栏目不是门户网站的栏目，请从列表中选择。"})
    return found


def _quarter(quarter, kind: str) -> int | None:
    if kind != SubmissionKind.TOPIC_PLAN:
        return None
    try:
        value = int(quarter)
    except (TypeError, ValueError):
        value = None
    if value not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "政务专题选题计划须选择季度（第一至第四季度）。"})
    return value


def _check_attachment(upload) -> str:
    try:
        return files.check(upload)
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from None


def _store_attachment(submission: Submission, upload, kind: str, now: datetime) -> None:
    """The file under a random name in the private storage; the original name (cleaned) kept apart."""
    moment = now.astimezone(SHANGHAI)
    name = f"submissions/{moment:%Y/%m}/{secrets.token_hex(16)}{files.KINDS[kind].extensions[0]}"
    upload.seek(0)
    submission.attachment.save(name, upload, save=False)
    shown = files.clean_name(upload.name)
    if "\ufffd" in shown:  # a name sent in another encoding (GBK from old clients) cannot be read back
        shown = "附件" + files.KINDS[kind].extensions[0]
    submission.attachment_name = shown


def content_type(submission: Submission) -> str:
    """The MIME type of a submission's attachment, from its stored (checked) extension."""
    suffix = PurePath(submission.attachment.name).suffix.lower()
    for kind in files.KINDS.values():
        if suffix in kind.extensions:
            return kind.content_type
    return "application/octet-stream"


def _require_staff(actor, unit) -> None:
    if not queries.may_submit_for(actor, unit):
        raise PermissionDenied(DENIED_UNIT)


def _require_office(actor) -> None:
    if not queries.is_portal_office(actor):
        raise PermissionDenied(DENIED_OFFICE)


def _locked(submission: Submission) -> Submission:
    """The submission re-read under a row lock, refused unless it is still waiting for a decision."""
    current = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
    if current.state != SubmissionState.SUBMITTED:
        raise ValidationError(f"该信息已{current.get_state_display()}，不能再修改或处理。")
    return current


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# --- the unit's side ----------------------------------------------------------------------------------------


@transaction.atomic
def submit(
    unit: OrgUnit,
    kind: str,
    *,
    title: str,
    body: str,
    actor,
    now: datetime,
    column=None,
    quarter=None,
    attachment=None,
) -> Submission:
    """A unit's staff offer an item to the portal. `column` (a page or its id) must be a column of the
    portal (required for 信息报送); a 选题计划 names its quarter; an 答复口径 is at most 2000 characters."""
    _require_staff(actor, unit)
    _assessed(unit)
    if kind not in SubmissionKind.values:
        raise ValidationError({"kind": "请选择报送类型。"})
    limit = CALIBER_MAX if kind == SubmissionKind.ANSWER_CALIBER else BODY_MAX
    submission = Submission(
        unit=unit,
        kind=kind,
        title=_text(title, "title", "标题", TITLE_MAX, lines=False),
        body=_text(body, "body", "正文", limit, lines=True),
        column=_column(column, kind),
        quarter=_quarter(quarter, kind),
        submitted_by=actor,
        submitted_at=now,
        state=SubmissionState.SUBMITTED,
    )
    if attachment is not None:
        _store_attachment(submission, attachment, _check_attachment(attachment), now)
    submission.full_clean()
    submission.save()
    log(
        submission,
        "huimin_assessment.submission_submit",
        user=actor,
        data={"unit": unit.name, "kind": kind, "title": submission.title, "attachment": bool(attachment)},
    )
    return submission


@transaction.atomic
def revise(
    submission: Submission,
    *,
    title: str,
    body: str,
    actor,
    now: datetime,
    column=None,
    quarter=None,
    attachment=None,
    remove_attachment: bool = False,
) -> Submission:
    """The submitting unit changes an item while it waits; the fields changed (and the former title) are
    recorded."""
    _require_staff(actor, submission.unit_id)
    current = _locked(submission)
    kind = current.kind
    limit = CALIBER_MAX if kind == SubmissionKind.ANSWER_CALIBER else BODY_MAX
    values = {
        "title": _text(title, "title", "标题", TITLE_MAX, lines=False),
        "body": _text(body, "body", "正文", limit, lines=True),
        "column": _column(column, kind),
        "quarter": _quarter(quarter, kind),
    }
    changed = []
    before = {"title": current.title}
    for name, value in values.items():
        old = getattr(current, f"{name}_id" if name == "column" else name)
        new = value.pk if name == "column" and value is not None else value
        if old != new:
            changed.append(name)
            setattr(current, name, value)
    if attachment is not None:
        kind_key = _check_attachment(attachment)
        old_name = current.attachment.name
        _store_attachment(current, attachment, kind_key, now)
        changed.append("attachment")
        if old_name:
            transaction.on_commit(lambda: current.attachment.storage.delete(old_name))
    elif remove_attachment and current.attachment:
        old_name = current.attachment.name
        current.attachment, current.attachment_name = "", ""
        changed.append("attachment")
        transaction.on_commit(lambda: current.attachment.storage.delete(old_name))
    if not changed:
        raise ValidationError("没有修改任何内容。")
    current.full_clean()
    current.save()
    log(
        current,
        "huimin_assessment.submission_revise",
        user=actor,
        data={"changed": changed, "before": before, "at": now.astimezone(SHANGHAI).isoformat()},
    )
    return current


@transaction.atomic
def withdraw(submission: Submission, *, actor, now: datetime) -> Submission:
    """The submitting unit takes an item back while it waits; it no longer counts as reported."""
    _require_staff(actor, submission.unit_id)
    current = _locked(submission)
    current.state = SubmissionState.WITHDRAWN
    current.decided_at = now
    current.save(update_fields=["state", "decided_at"])
    log(current, "huimin_assessment.submission_withdraw", user=actor, data={"title": current.title})
    return current


# --- the portal office's side -----------------------------------------------------------------------------


def adoption_points(kind: str, adoption: str, now: datetime) -> tuple[IndicatorTable, float]:
    """The points an adoption earns, from the indicator table of the year of `now`."""
    year = now.astimezone(SHANGHAI).year
    table = IndicatorTable.objects.filter(year=year).first()
    if table is None:
        raise ValidationError(f"{year} 年尚无考核指标表，无法计算采用积分：请先由考核人员建立本年度指标表。")
    value = (table.adoption_points or {}).get(kind, {}).get(adoption)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(
            f"{year} 年指标表未设定“{SubmissionKind(kind).label}·{Adoption(adoption).label}”的采用积分。"
        )
    return table, float(value)


def _portal_owner(portal) -> OrgUnit | None:
    identity = SiteIdentity.objects.filter(site=portal).select_related("org_unit").first()
    return identity.org_unit if identity is not None else None


def _knowledge_entry(submission: Submission, actor, now: datetime):
    """The adopted 答复口径 as a draft Q&A entry of the portal (草稿，待审核), owned by the portal's unit so
    that the portal's reviewers publish it."""
    from huimin.search.services import add_adopted_entry

    portal = queries.portal_site()
    if portal is None:
        raise ValidationError("尚未设置门户网站，无法将答复口径加入问答知识库。")
    return add_adopted_entry(
        question=submission.title,
        answer=submission.body,
        unit=_portal_owner(portal) or submission.unit,
        site=portal,
        source_key=f"submission:{submission.pk}",
        actor=actor,
        now=now,
    )


def _free_slug(column: Page, base: str) -> str:
    taken = set(column.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _draft_article(submission: Submission, actor, now: datetime):
    """A draft article (not published) in the item's column, for the portal's editors to finish."""
    from huimin.articles.models import ArticlePage

    column = submission.column.specific
    if actor is not None and not column.permissions_for_user(actor).can_add_subpage():
        raise PermissionDenied(f"您没有在“{column.title}”栏目新建文章的权限：请取消“生成文章草稿”后再采用。")
    paragraphs = [line.strip() for line in submission.body.split("\n") if line.strip()]
    article = ArticlePage(
        title=submission.title,
        slug=_free_slug(column, f"xxbs-{submission.pk}"),
        body="".join(f"<p>{html.escape(text)}</p>" for text in paragraphs),
        pub_date=now,
        source=submission.unit.name,
        live=False,
        has_unpublished_changes=True,
    )
    column.add_child(instance=article)
    article.save_revision(user=actor, log_action=False)
    log(instance=article, action="wagtail.create", user=actor)
    return article


@transaction.atomic
def adopt(
    submission: Submission, adoption: str, *, actor, now: datetime, note: str = "", make_page: bool = True
) -> Submission:
    """The portal office adopts a waiting item for the points of the year's table. An 答复口径 becomes a
    draft Q&A entry of the portal; a 信息 adopted as it is or rewritten becomes a draft article in its
    column unless `make_page` is off."""
    _require_office(actor)
    current = _locked(submission)
    if adoption not in Adoption.values:
        raise ValidationError({"adoption": "请选择采用方式。"})
    if current.submitted_by_id == getattr(actor, "pk", None) and not actor.is_superuser:
        raise PermissionDenied("不能采用本人报送的信息，请由门户网站的其他工作人员处理。")
    year = now.astimezone(SHANGHAI).year
    if ScoreSheet.objects.filter(unit=current.unit, year=year, state=SheetState.CLOSED).exists():
        raise ValidationError(f"{current.unit.name} {year} 年的评分表已定稿，不能再采用该单位的信息。")
    _, points = adoption_points(current.kind, adoption, now)
    note = str(note or "").strip()
    if CONTROL.search(note.replace("\r\n", "\n")):
        raise ValidationError({"note": "说明含有不可见的控制字符，请删除后重新填写。"})
    if len(note) > REASON_MAX:
        raise ValidationError({"note": f"说明不能超过 {REASON_MAX} 个字。"})
    current.state = SubmissionState.ADOPTED
    current.adoption = adoption
    current.points = points
    current.reason = note
    current.decided_by, current.decided_at = actor, now
    if current.kind == SubmissionKind.ANSWER_CALIBER:
        current.knowledge_entry = _knowledge_entry(current, actor, now)
    elif (
        current.kind == SubmissionKind.INFO
        and make_page
        and adoption in (Adoption.AS_IS, Adoption.REWRITTEN)
        and current.column_id
    ):
        current.page = _draft_article(current, actor, now)
    current.save()
    log(
        current,
        "huimin_assessment.submission_adopt",
        user=actor,
        data={
            "unit": current.unit.name,
            "adoption": adoption,
            "points": str(current.points),
            "note": note,
            "page": current.page_id,
            "knowledge_entry": current.knowledge_entry_id,
        },
    )
    return current


@transaction.atomic
def reject(submission: Submission, reason: str, *, actor, now: datetime) -> Submission:
    """The portal office does not adopt a waiting item, and says why."""
    _require_office(actor)
    current = _locked(submission)
    reason = _text(reason, "reason", "不予采用的理由", REASON_MAX, lines=True)
    current.state = SubmissionState.REJECTED
    current.reason = reason
    current.decided_by, current.decided_at = actor, now
    current.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    log(
        current,
        "huimin_assessment.submission_reject",
        user=actor,
        data={"unit": current.unit.name, "reason": reason},
    )
    return current


# --- progress during the year -----------------------------------------------------------------------------


def progress(unit: OrgUnit, year: int, now: datetime, *, table=None, points=None, best=None) -> dict:
    """A unit's 内容保障 so far: reports / base / report score, adoption points / class max / adoption
    score, and 在线访谈 for a key department. The sheet engine's own figures (`sheets`); `table`, `points`
    and `best` may be passed when many units are read at once. Raises `sheets.AssessmentError` without a
    table for the year."""
    table = table or sheets.table_for(year)
    klass = _assessed(unit)
    if points is None:
        points = sheets.adoption_points_by_unit(year, now)
    if best is None:
        best = sheets.class_max_points(year, now)
    part = sheets.assurance(
        unit, year, now, table=table, unit_points=points.get(unit.pk, 0.0), class_max=best.get(klass, 0.0)
    )
    interviews = part["interviews"]
    weights = table.weights.get(klass, {})
    return {
        **part,
        "unit": unit,
        "year": year,
        "unit_class": klass,
        "unit_class_label": UnitClass(klass).label,
        "report_points": float(table.assurance_points.get("report", 30)),
        "adoption_points_max": float(table.assurance_points.get("adoption", 70)),
        "assurance_weight": weights.get("assurance"),
        "base_met": part["base"] > 0 and part["reports"] >= part["base"],
        "report_percent": min(100, round(part["reports"] * 100 / part["base"])) if part["base"] else 100,
        "interviews_met": interviews["held"] >= interviews["required"],
    }


def progress_all(year: int, now: datetime, unit_ids=None) -> list[dict]:
    """Every assessed unit's progress (or the named ones'), for the portal office and the assessors."""
    table = sheets.table_for(year)
    points = sheets.adoption_points_by_unit(year, now)
    best = sheets.class_max_points(year, now)
    return [
        progress(unit, year, now, table=table, points=points, best=best)
        for unit in sheets.assessed_units(unit_ids)
    ]


def describe(submission: Submission) -> str:
    """One line on what became of an item, for lists."""
    if submission.state == SubmissionState.ADOPTED:
        by = _person(submission.decided_by)
        return f"{submission.get_adoption_display()}，{submission.points:g} 分（{by}）"
    if submission.state == SubmissionState.REJECTED:
        return f"未采用：{submission.reason}"
    return submission.get_state_display()
