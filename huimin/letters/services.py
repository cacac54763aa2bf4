"""Every change to a letter goes through these functions: each checks who may do it and from which state,
runs in a transaction with the letter row locked, recomputes the deadlines and writes a `LetterEvent`."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from huimin.core import throttle
from huimin.search import tasks as search_tasks
from huimin.sites.enums import Role
from huimin.sites.models import Membership, OrgUnit
from huimin.workdays.queries import default_calendar, descendants, schedule_for
from huimin.workdays.working_time import working_time_between

from . import attachments, deadlines, dispatch_link, notify, sensitive
from .enums import OPEN_STATES, Channel, Kind, Rating, Referral, State
from .models import Attachment, Letter, LetterEvent

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
UNIT_ROLES = (Role.MESSAGE_HANDLER, Role.UNIT_LEADER)
DEADLINE_FIELDS = ["dispatch_due", "accept_due", "reply_due", "warn_at", "due_at", "serious_at"]


class LetterStateError(ValidationError):
    """The action is not possible from the letter's current state."""


class TooManyLetters(ValidationError):
    """One mobile number sent too many letters through the public web channel in the last hour."""


QUERY_HASHER = "huimin_query_pbkdf2"


# --- who may act -------------------------------------------------------------------------------------


class PlatformActor:
    """The city's event-dispatch platform acting through its signed callbacks (no user account)."""

    is_authenticated = False
    is_superuser = False
    label = "市域治理平台"


PLATFORM = PlatformActor()


def is_dispatcher(user, letter: Letter) -> bool:
    """Platform administrators dispatch for the whole group; a site's administrators for their site; the
    dispatch platform (through its signed callbacks) for all."""
    if user is PLATFORM:
        return True
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, site=letter.site, role=Role.SITE_ADMIN).exists()
    )


def is_unit_member(user, letter: Letter, roles=UNIT_ROLES) -> bool:
    if user is PLATFORM:
        return letter.unit_id is not None
    if user is None or not user.is_authenticated or letter.unit_id is None:
        return False
    return Membership.objects.filter(user=user, org_unit_id=letter.unit_id, role__in=roles).exists()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- intake ------------------------------------------------------------------------------------------


@dataclass
class LetterData:
    site: object
    kind: str
    title: str
    content: str
    contact_name: str
    contact_phone: str
    contact_email: str = ""
    may_publish: bool = False
    chosen_unit: OrgUnit | None = None
    channel: str = Channel.WEB
    external_id: str = ""
    client_ip: str = ""  # counted against the per-address limit of the web channel; never stored
    attachments: list = field(default_factory=list)  # uploaded files, checked by `attachments.check_all`
    author: object = None  # the citizen's user when written while signed in (我的留言)


# Control characters no channel may hand in (tab, line feed and carriage return are text). The web form
# refuses NUL by itself; the API and Open311 reach the database through here, where SQLite would store it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_FIELDS = {
    "title": "标题",
    "content": "内容",
    "contact_name": "姓名",
    "contact_phone": "手机号码",
    "contact_email": "电子邮箱",
    "external_id": "渠道留言编号",
}


def _refuse_control_characters(data: LetterData) -> None:
    problems = {
        name: f"{label}含有无法识别的控制字符（如 NUL），请删除后重新提交。"
        for name, label in TEXT_FIELDS.items()
        if CONTROL_CHARACTERS.search(getattr(data, name) or "")
    }
    if problems:
        raise ValidationError(problems)


def _retry_password(data: LetterData) -> str:
    """The query password of a letter a token channel hands in with its own id: derived from the secret key,
    the channel and that id, so a retry after a lost answer (the server died after committing) receives the
    same password again. Only the channel can ask: its token decides the channel, and the id is its own.
    The web channel has no token, so its letters always get a random password, returned once."""
    if not data.external_id or data.channel == Channel.WEB:
        return ""
    message = f"letter-password:{data.channel}:{data.external_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**6:06d}"


def _password_again(letter: Letter, data: LetterData) -> str:
    """The password of a retried letter, when it is the derived one (it is not after the secret key changed,
    and never for the web channel); empty otherwise."""
    password = _retry_password(data)
    return password if password and check_password(password, letter.query_password) else ""


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not Letter.objects.filter(query_code=code).exists():
            return code


def submit_letter(data: LetterData, *, now: datetime | None = None) -> tuple[Letter, str]:
    """Receive a letter. Returns it with the query password, which is shown to the citizen once and kept
    only as a hash. A letter with the `external_id` of one already received on the same channel is that
    letter (marked `retried = True`), returned with the same password when a token channel sent it
    (`_retry_password`), else with an empty password. Error reports (找错) go to the site's administrators,
    who dispatch them.

    The slow parts (hashing the password, computing the deadlines) are done before the transaction, which
    only writes: on SQLite the write lock is held for milliseconds, not for the hashing. A unique
    constraint on (channel, external_id) makes two concurrent retries of one letter store it once."""
    now = now or timezone.now()
    _refuse_control_characters(data)
    if data.channel == Channel.WEB:
        recent = Letter.objects.filter(
            contact_phone=data.contact_phone, channel=Channel.WEB, received_at__gte=now - timedelta(hours=1)
        )
        if recent.count() >= settings.HUIMIN_LETTERS_PER_PHONE_HOUR:
            raise TooManyLetters("同一手机号码一小时内留言过多，请稍后再试；紧急事项请拨打 12345。")
        per_ip = settings.HUIMIN_LETTERS_PER_IP_HOUR
        if not throttle.hit("letter-ip", data.client_ip, limit=per_ip, window=timedelta(hours=1), now=now):
            raise TooManyLetters("您所在网络一小时内提交的留言过多，请稍后再试；紧急事项请拨打 12345。")
    if data.external_id:
        earlier = Letter.objects.filter(channel=data.channel, external_id=data.external_id).first()
        if earlier is not None:  # the same letter sent again (a retry): never stored twice
            earlier.retried = True
            return earlier, _password_again(earlier, data)
    password = _retry_password(data) or f"{secrets.randbelow(10**6):06d}"
    calendar = default_calendar()
    letter = Letter(
        site=data.site,
        kind=data.kind,
        channel=data.channel,
        chosen_unit=data.chosen_unit,
        title=data.title,
        content=data.content,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        may_publish=data.may_publish,
        external_id=data.external_id,
        query_code=_new_code(),
        query_password=make_password(password, hasher=QUERY_HASHER),
        author=data.author,
        calendar=calendar,
        received_at=now,
        is_simple=data.kind == Kind.CONSULT,
        flagged=bool(sensitive.found_in(data.title, data.content)),
    )
    letter.full_clean(exclude=["query_password"], validate_constraints=False)  # the insert enforces them
    checked = attachments.check_all(data.attachments)
    schedule = schedule_for(calendar)
    letter.reply_limit = deadlines.reply_limit(schedule, deadlines.rule_for(letter.kind), letter.is_simple)
    deadlines.refresh(letter, schedule)
    files = [
        Attachment(
            file=attachments.save(upload, kind),
            name=attachments.clean_name(upload.name),
            kind=kind,
            size=upload.size,
        )
        for upload, kind in checked
    ]
    try:
        with transaction.atomic():
            letter.save()
            for attachment in files:
                attachment.letter = letter
            Attachment.objects.bulk_create(files)
            _event(
                letter, "submit", None, "", now, actor_label="留言人",
                note=f"来源：{letter.get_channel_display()}" + (f"，附件 {len(files)} 个" if files else ""),
            )  # fmt: skip
            dispatch_link.enqueue(letter)
    except BaseException as error:
        for attachment in files:
            attachments.storage().delete(attachment.file.name)
        if not (isinstance(error, IntegrityError) and data.external_id):
            raise
        earlier = Letter.objects.get(channel=data.channel, external_id=data.external_id)
        earlier.retried = True
        return earlier, _password_again(earlier, data)
    return letter, password


def check_query(code: str, password: str) -> Letter | None:
    """The letter a citizen's query code and password open, or None (same answer for either being wrong)."""
    letter = Letter.objects.filter(query_code=(code or "").strip().upper()[:12]).first()
    if letter is None:
        check_password(password or "", make_password("x", hasher=QUERY_HASHER))  # same work either way
        return None
    return letter if check_password(password or "", letter.query_password) else None


# --- the steps ---------------------------------------------------------------------------------------


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().get(pk=letter.pk)


def _from(letter: Letter, *states) -> str:
    if letter.state not in states:
        raise LetterStateError(f"留言当前为“{letter.get_state_display()}”，不能进行此操作。")
    return letter.state


def _event(letter, action, actor, from_state, now, *, actor_label="", note="", unit=None) -> LetterEvent:
    if actor is PLATFORM:
        label = PLATFORM.label
    else:
        label = actor_label or (actor.get_full_name() or actor.get_username() if actor else "系统")
    return LetterEvent.objects.create(
        letter=letter,
        at=now,
        actor=actor if actor is not None and actor is not PLATFORM and actor.is_authenticated else None,
        actor_label=label[:100],
        action=action,
        from_state=from_state,
        to_state=letter.state,
        unit=unit or letter.unit,
        note=note,
    )


def _save(letter: Letter, action: str, actor, before: str, now: datetime, **event) -> Letter:
    deadlines.refresh(letter)
    letter.save()
    _event(letter, action, actor, before, now, **event)
    return letter


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reason": f"请填写{what}。"})
    return text[:500]


@transaction.atomic
def dispatch(letter: Letter, unit: OrgUnit, *, actor, simple: bool | None = None, now=None) -> Letter:
    """Send a letter to the unit that will answer it (also after a return)."""
    letter = _locked(letter)
    _require(is_dispatcher(actor, letter), "只有分办人员可以分办留言。")
    before = _from(letter, State.SUBMITTED, State.RETURNED)
    now = now or timezone.now()
    if simple is not None and simple != letter.is_simple:
        letter.is_simple = simple and letter.kind == Kind.CONSULT
        letter.reply_limit = deadlines.reply_limit(
            schedule_for(letter.calendar), deadlines.rule_for(letter.kind), letter.is_simple
        )
    letter.unit, letter.state, letter.dispatched_at, letter.reason = unit, State.DISPATCHED, now, ""
    _save(letter, "dispatch", actor, before, now, note=f"分办至{unit.name}")
    notify.dispatched(letter)
    return letter


@transaction.atomic
def transfer(letter: Letter, unit: OrgUnit, reason: str, *, actor, now=None) -> Letter:
    """转办: give a letter already with one unit to another; the acceptance clock starts again."""
    letter = _locked(letter)
    _require(is_dispatcher(actor, letter), "只有分办人员可以转办留言。")
    before = _from(letter, State.DISPATCHED, State.ACCEPTED)
    now = now or timezone.now()
    previous = letter.unit
    letter.unit, letter.state, letter.dispatched_at, letter.accepted_at = unit, State.DISPATCHED, now, None
    _save(
        letter,
        "transfer",
        actor,
        before,
        now,
        note=f"由{previous}转办至{unit.name}：{_reason(reason, '转办理由')}",
    )
    notify.dispatched(letter)
    return letter


@transaction.atomic
def accept(letter: Letter, *, actor, now=None) -> Letter:
    letter = _locked(letter)
    _require(is_unit_member(actor, letter), "只有承办单位的人员可以签收。")
    before = _from(letter, State.DISPATCHED)
    now = now or timezone.now()
    letter.state, letter.accepted_at = State.ACCEPTED, now
    return _save(letter, "accept", actor, before, now)


@transaction.atomic
def return_letter(letter: Letter, reason: str, *, actor, now=None) -> Letter:
    """退回: the unit says the letter is not theirs; it goes back to the dispatcher with the reason."""
    letter = _locked(letter)
    _require(is_unit_member(actor, letter), "只有承办单位的人员可以退回。")
    before = _from(letter, State.DISPATCHED, State.ACCEPTED)
    now = now or timezone.now()
    letter.reason = _reason(reason, "退回理由")
    letter.state = State.RETURNED
    return _save(letter, "return", actor, before, now, note=letter.reason)


@transaction.atomic
def request_info(letter: Letter, request: str, *, actor, now=None) -> Letter:
    """Ask the citizen for more information; the reply clock pauses until they answer."""
    letter = _locked(letter)
    _require(is_unit_member(actor, letter), "只有承办单位的人员可以要求补充材料。")
    before = _from(letter, State.ACCEPTED)
    now = now or timezone.now()
    letter.info_request = _reason(request, "需要补充的内容")
    letter.state, letter.paused_since = State.AWAITING_INFO, now
    return _save(letter, "request_info", actor, before, now, note=letter.info_request)


@transaction.atomic
def add_supplement(letter: Letter, text: str, *, now=None) -> Letter:
    """The citizen's answer (through the query code); the clock runs again."""
    letter = _locked(letter)
    before = _from(letter, State.AWAITING_INFO)
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"supplement": "请填写补充内容。"})
    letter.supplement = (letter.supplement + "\n\n" + text).strip()[:5000]
    letter.paused += working_time_between(schedule_for(letter.calendar), letter.paused_since, now)
    letter.paused_since, letter.state = None, State.ACCEPTED
    return _save(letter, "supplement", None, before, now, actor_label="留言人", note=text[:5000])


@transaction.atomic
def extend(letter: Letter, working_days, reason: str, *, actor, now=None) -> Letter:
    """Approve an extension (延期) of the reply deadline by a number of working days."""
    letter = _locked(letter)
    _require(is_dispatcher(actor, letter), "只有分办人员可以批准延期。")
    before = _from(letter, State.ACCEPTED, State.AWAITING_INFO)
    days = float(working_days)
    if not 0 < days <= 30:
        raise ValidationError({"working_days": "延期须大于 0 且不超过 30 个工作日。"})
    now = now or timezone.now()
    letter.extension += schedule_for(letter.calendar).day_length * days
    return _save(
        letter, "extend", actor, before, now, note=f"延期 {days:g} 个工作日：{_reason(reason, '延期理由')}"
    )


@transaction.atomic
def reply(letter: Letter, text: str, *, actor, now=None) -> Letter:
    letter = _locked(letter)
    _require(is_unit_member(actor, letter), "只有承办单位的人员可以答复。")
    before = _from(letter, State.ACCEPTED)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": "请填写答复内容。"})
    return _answer(letter, text, actor=actor, before=before, now=now or timezone.now())


def _answer(letter: Letter, text: str, *, actor, before, now, referral: str = "", action="reply", note=""):
    """The unit's answer, waiting for review: a reply, or a referral to another channel (`referral`)."""
    letter.reply, letter.reply_unit, letter.replied_at, letter.state = (
        text[:10000],
        letter.unit,
        now,
        State.REPLIED,
    )
    letter.referred_to = referral
    return _save(letter, action, actor, before, now, note=note)


def may_review(actor, letter) -> bool:
    return is_dispatcher(actor, letter) or is_unit_member(actor, letter, roles=(Role.UNIT_LEADER,))


@transaction.atomic
def send_back(letter: Letter, reason: str, *, actor, now=None) -> Letter:
    """Review: the answer is not good enough; the unit reworks it."""
    letter = _locked(letter)
    _require(may_review(actor, letter), "只有单位审核人或分办人员可以审核答复。")
    before = _from(letter, State.REPLIED)
    now = now or timezone.now()
    letter.state = State.ACCEPTED
    return _save(letter, "send_back", actor, before, now, note=_reason(reason, "退回修改的意见"))


@transaction.atomic
def approve(letter: Letter, *, actor, publish: bool, now=None) -> Letter:
    """Review: the answer stands. It is published only if the citizen allowed it and the reviewer agrees
    (nothing touching state secrets, privacy or trade secrets); otherwise the letter is closed."""
    letter = _locked(letter)
    _require(may_review(actor, letter), "只有单位审核人或分办人员可以审核答复。")
    before = _from(letter, State.REPLIED)
    now = now or timezone.now()
    if publish and letter.may_publish:
        letter.state, letter.published_at = State.PUBLISHED, now
    else:
        letter.state = State.CLOSED
    letter.closed_at = now
    _save(letter, "approve", actor, before, now)
    notify.answered(letter)
    if letter.state == State.PUBLISHED:
        search_tasks.queue_letter(letter.pk)  # the search index follows publication
    return letter


@transaction.atomic
def set_aside(letter: Letter, duplicate: bool, reason: str, *, actor, now=None) -> Letter:
    """Mark a letter invalid (无效) or a duplicate (重复) of another, with the reason."""
    letter = _locked(letter)
    _require(is_dispatcher(actor, letter), "只有分办人员可以认定无效或重复留言。")
    before = _from(letter, State.SUBMITTED, State.RETURNED, State.DISPATCHED)
    now = now or timezone.now()
    letter.reason = _reason(reason, "理由")
    letter.state, letter.closed_at = (State.DUPLICATE if duplicate else State.INVALID), now
    return _save(letter, "duplicate" if duplicate else "invalid", actor, before, now, note=letter.reason)


@transaction.atomic
def rate(letter: Letter, rating: str, comment: str = "", *, now=None) -> Letter:
    """The citizen rates the answer; 不满意 goes back to the dispatcher's board."""
    letter = _locked(letter)
    before = _from(letter, State.PUBLISHED, State.CLOSED)
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    now = now or timezone.now()
    letter.rating, letter.rating_comment = rating, (comment or "").strip()[:500]
    return _save(letter, "rate", None, before, now, actor_label="留言人", note=Rating(rating).label)


@transaction.atomic
def reopen(letter: Letter, reason: str, *, actor, now=None) -> Letter:
    """After an unsatisfied rating the dispatcher may send the letter back to its unit for a new answer."""
    letter = _locked(letter)
    _require(is_dispatcher(actor, letter), "只有分办人员可以重新交办。")
    before = _from(letter, State.PUBLISHED, State.CLOSED)
    now = now or timezone.now()
    letter.state, letter.closed_at, letter.published_at = State.ACCEPTED, None, None
    letter.extension += max(timedelta(0), _elapsed_beyond_limit(letter, now))
    if before == State.PUBLISHED:
        search_tasks.queue_letter(letter.pk)  # no longer published: out of the search index
    return _save(letter, "reopen", actor, before, now, note=_reason(reason, "重新交办的理由"))


def _elapsed_beyond_limit(letter: Letter, now: datetime) -> timedelta:
    """A reopened letter gets its original reply time again, counted from now."""
    schedule = schedule_for(letter.calendar)
    used = working_time_between(schedule, letter.received_at, now) - letter.paused
    return used - letter.extension


# --- calendars change --------------------------------------------------------------------------------


def recompute_for_calendar(sender=None, calendar=None, years=(), **kwargs) -> int:
    """Recompute the deadlines of open letters counted on a calendar (or one inheriting from it)."""
    calendars = [calendar, *descendants(calendar)] if calendar is not None else []
    count = 0
    with transaction.atomic():
        for letter in Letter.objects.select_for_update().filter(
            calendar__in=calendars, state__in=OPEN_STATES
        ):
            before = [getattr(letter, name) for name in DEADLINE_FIELDS]
            deadlines.refresh(letter)
            if [getattr(letter, name) for name in DEADLINE_FIELDS] != before:
                letter.save(update_fields=DEADLINE_FIELDS)
                count += 1
    return count


# --- reminders ---------------------------------------------------------------------------------------


def send_reminders(*, now=None, batch: int = 500) -> int:
    """Remind units of letters past 80 % of their current time limit, once per deadline. Claims rows with
    SKIP LOCKED, so several workers running it at once never remind twice. Returns how many reminded."""
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            due = list(
                Letter.objects.select_for_update(skip_locked=True)
                .filter(state__in=deadlines.WAITING_STATES, unit__isnull=False, warn_at__lte=now)
                .exclude(reminded_for=models.F("due_at"))
                .order_by("due_at")[:batch]
            )
            for letter in due:
                notify.deadline_near(letter)
                letter.reminded_for = letter.due_at
                letter.save(update_fields=["reminded_for"])
                _event(letter, "remind", None, letter.state, now, actor_label="系统", note="临期提醒")
            count += len(due)
        if len(due) < batch:
            return count


# --- outside the remit, and removing improper content (附件1) ------------------------------------------

REFERRALS_FILE = Path(__file__).parent / "data" / "referrals.json"
# What the public sees where improper content was removed from a published letter.
REDACTION_MARK = "（部分内容已依规删除）"
# The fields of a published letter content may be removed from, with their names.
REDACTABLE = {"content": "留言内容", "reply": "答复内容"}


@cache
def referral_texts() -> dict:
    """The structured reply of a letter outside the remit, as data (`data/referrals.json`)."""
    return json.loads(REFERRALS_FILE.read_text(encoding="utf-8"))


def referral_reply(referral: str, note: str = "") -> str:
    """The reply telling the citizen the proper channel: opening, the channel's paragraph (where to go),
    the handler's note if any, closing; one paragraph a line."""
    data = referral_texts()
    paragraphs = [data["opening"], data["channels"][referral]["text"]]
    if note:
        paragraphs.append(data["note_prefix"] + note)
    paragraphs.append(data["closing"])
    return "\n".join(paragraphs)


@transaction.atomic
def refer_elsewhere(letter: Letter, referral: str, note: str = "", *, actor, now=None) -> Letter:
    """不属于受理范围: the unit tells the citizen the proper channel (信访, 诉讼, 仲裁 or another
    authority) in a reply made from data, extended by its note. The letter then goes the way of any reply
    (待审核, then published or closed by the reviewer); `referred_to` keeps the channel."""
    letter = _locked(letter)
    _require(is_unit_member(actor, letter), "只有承办单位的人员可以告知其他反映渠道。")
    before = _from(letter, State.ACCEPTED)
    if referral not in Referral.values:
        raise ValidationError({"referral": "请选择告知的渠道：信访、诉讼、仲裁或其他有权机关。"})
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "补充说明最多 2000 个字。"})
    if CONTROL_CHARACTERS.search(note):
        raise ValidationError({"note": "补充说明含有无法识别的控制字符，请删除后重新提交。"})
    label = Referral(referral).label
    return _answer(
        letter,
        referral_reply(referral, note),
        actor=actor,
        before=before,
        now=now or timezone.now(),
        referral=referral,
        action="refer",
        note=f"告知通过{label}反映" + (f"：{note}" if note else ""),
    )


def may_redact(actor, letter: Letter) -> bool:
    """Site administrators (the letter's site; platform administrators everywhere) and the unit's leaders."""
    return is_dispatcher(actor, letter) or is_unit_member(actor, letter, roles=(Role.UNIT_LEADER,))


def _span(text: str, start, end, passage: str) -> list[tuple[int, int]]:
    """The spans of `text` to remove: [start, end), or every occurrence of `passage`."""
    if start is not None or end is not None:
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            raise ValidationError({"passage": "要删除的位置不正确。"}) from None
        if not 0 <= start < end <= len(text):
            raise ValidationError({"passage": "要删除的位置不正确。"})
        return [(start, end)]
    passage = (passage or "").strip()
    if not passage:
        raise ValidationError({"passage": "请填写要删除的文字（从原文中复制）。"})
    marks = [(m.start(), m.end()) for m in re.finditer(re.escape(REDACTION_MARK), text)]
    spans, inside, at = [], False, text.find(passage)
    while at >= 0:
        end = at + len(passage)
        if any(a < end and at < b for a, b in marks):  # part of an earlier removal's mark: left alone
            inside = True
            at = text.find(passage, at + 1)
            continue
        spans.append((at, end))
        at = text.find(passage, end)
    if not spans:
        message = "这段文字已经删除过了。" if inside else "原文中没有找到要删除的文字，请从原文中复制。"
        raise ValidationError({"passage": message})
    return spans


@transaction.atomic
def redact_published(
    letter: Letter, field: str, *, start=None, end=None, passage: str = "", reason: str, actor, now=None
) -> Letter:
    """Remove improper content (personal data, abuse) from a published letter's content or reply: the
    span [start, end) or every occurrence of `passage` becomes "（部分内容已依规删除）". What was removed
    and why is kept in the step's note, which only staff see; the search index is refreshed at once."""
    letter = _locked(letter)
    _require(may_redact(actor, letter), "只有站点管理员或承办单位审核人可以删除已公开留言中的内容。")
    before = _from(letter, State.PUBLISHED)
    if field not in REDACTABLE:
        raise ValidationError({"field": "请选择留言内容或答复内容。"})
    reason = _reason(reason, "删除理由")
    text = getattr(letter, field)
    spans = _span(text, start, end, passage)
    removed = [text[a:b] for a, b in spans]
    pieces, cursor = [], 0
    for a, b in spans:
        pieces += [text[cursor:a], REDACTION_MARK]
        cursor = b
    setattr(letter, field, "".join(pieces) + text[cursor:])
    now = now or timezone.now()
    shown = "」「".join(removed)
    note = f"删除{REDACTABLE[field]}中的内容 {len(spans)} 处：「{shown}」；理由：{reason}"
    _save(letter, "redact", actor, before, now, note=note[:5000])
    from huimin.search import services as search_services

    search_services.index_letter(letter, now=now)  # the index must not keep what was removed
    return letter
