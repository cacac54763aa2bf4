"""Every change to an application for government information goes through these functions. Each checks who
may do it and from which state, runs in a transaction with the application row locked, recomputes the time
limit, writes an `ApplicationEvent` (the applicant's and the staff's record) and an entry in the audit log,
and tells whom it concerns.

The time limits are the 政府信息公开条例's, counted in working days on the working calendar:
- received: an application sent outside working time is received on the next working day (`received_on`);
- answer within 20 working days of receipt (第三十三条), `due_on`;
- 补正 (第三十条): asked once, within 7 working days of receipt; while the unit waits for the applicant the
  clock stands still (`due_on` is empty), and the 20 days count again from the day the correction arrives;
  an applicant who does not send it by `correction_due` is taken to have given up the application;
- 延期 (第三十三条): once, up to 20 working days, agreed by the unit's responsible person (a unit reviewer),
  with a reason, the applicant told; not after the time limit has run out.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from huimin.core import throttle
from huimin.letters import attachments as checked_files
from huimin.letters import notify
from huimin.letters.services import QUERY_HASHER
from huimin.sites.enums import Role
from huimin.sites.models import Membership, OrgUnit
from huimin.workdays.queries import default_calendar, schedule_for
from huimin.workdays.working_time import (
    SHANGHAI,
    Schedule,
    add_working_days,
    receipt_day,
    working_days_between,
)

from . import answers, identity
from .enums import (
    ANSWER_DAYS,
    CORRECTION_DAYS,
    CORRECTION_NOTICE_DAYS,
    ID_TYPES_FOR,
    MAX_EXTENSION_DAYS,
    OPEN_STATES,
    RUNNING_STATES,
    WARNING_DAYS,
    ApplicantType,
    Delivery,
    FileRole,
    Level,
    OrgKind,
    State,
)
from .models import Application, ApplicationEvent, ApplicationFile

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_PREFIX = "GK"  # a 依申请公开 query code is never mistaken for a letter's
STAFF_ROLES = (Role.MESSAGE_HANDLER, Role.UNIT_LEADER)
REVIEWER_ROLES = (Role.UNIT_LEADER,)
# Characters no document can hold (control characters, lone surrogates, the non-characters U+FFFE/U+FFFF):
# refused at the door, so the reply letter (DOCX is XML) can always be made from what was accepted.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
APPLICANT = "申请人"
SYSTEM = "系统"
# The audit log's actions, with their labels (registered in wagtail_hooks).
LOG_ACTIONS = {
    "huimin_disclosure.submit": ("提交依申请公开", "收到了一件政府信息公开申请"),
    "huimin_disclosure.register": ("登记依申请公开", "登记了一件政府信息公开申请"),
    "huimin_disclosure.ask_correction": ("告知补正", "告知申请人补正申请"),
    "huimin_disclosure.correct": ("收到补正", "收到了申请人的补正"),
    "huimin_disclosure.extend": ("延长答复期限", "延长了依申请公开的答复期限"),
    "huimin_disclosure.draft": ("拟办答复", "拟办了依申请公开的答复"),
    "huimin_disclosure.send_back": ("退回重办", "退回了依申请公开的拟办答复"),
    "huimin_disclosure.sign_off": ("审签答复", "审签并答复了政府信息公开申请"),
    "huimin_disclosure.withdraw": ("撤回申请", "申请人撤回了政府信息公开申请"),
    "huimin_disclosure.abandon": ("逾期未补正", "申请人逾期未补正，申请视为放弃"),
    "huimin_disclosure.remind": ("时限提醒", "提醒了依申请公开的办理时限"),
}


class ApplicationStateError(ValidationError):
    """The step is not possible from the application's current state."""


class TooManyApplications(ValidationError):
    """Too many applications from one phone number or one network address in an hour."""


# --- who may act -------------------------------------------------------------------------------------


def _member(user, unit_id: int, roles) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, org_unit_id=unit_id, role__in=roles).exists()


def is_staff_of(user, application: Application) -> bool:
    """The unit's message handlers and reviewers handle its applications; platform administrators all."""
    return _member(user, application.unit_id, STAFF_ROLES)


def is_reviewer_of(user, application: Application) -> bool:
    """The unit's reviewers (单位审核人) sign answers off and agree extensions."""
    return _member(user, application.unit_id, REVIEWER_ROLES)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- time limits -------------------------------------------------------------------------------------


def schedule(application: Application) -> Schedule:
    return schedule_for(application.calendar)


def refresh_due(application: Application, plan: Schedule | None = None) -> Application:
    """Recompute `due_on` from its inputs: receipt (or the correction's receipt), the extension, and
    whether the unit is waiting for a correction (then there is none)."""
    if application.state == State.CORRECTION:
        application.due_on = None
        return application
    plan = plan or schedule(application)
    start = application.corrected_on or application.received_on
    application.due_on = add_working_days(plan, start, ANSWER_DAYS + application.extension_days)
    return application


def today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def days_left(application: Application, now: datetime, plan: Schedule | None = None) -> int | None:
    """Working days left until the time limit (0 on its last day, negative when late); None while the
    clock stands still or the application is finished."""
    if application.state not in RUNNING_STATES or application.due_on is None:
        return None
    return working_days_between(plan or schedule(application), today(now), application.due_on)


def level(application: Application, now: datetime, plan: Schedule | None = None) -> str:
    left = days_left(application, now, plan)
    if left is None:
        return Level.NORMAL
    if left < 0:
        return Level.OVERDUE
    return Level.WARNING if left <= WARNING_DAYS else Level.NORMAL


def answered_in_time(application: Application) -> bool | None:
    """Whether the answer reached the applicant within the time limit (None if not answered)."""
    if application.answered_at is None or application.due_on is None:
        return None
    return today(application.answered_at) <= application.due_on


# --- intake ------------------------------------------------------------------------------------------


@dataclass
class ApplicationData:
    site: object
    unit: OrgUnit | None
    applicant_type: str
    name: str
    id_type: str
    id_number: str
    phone: str
    description: str
    delivery: str
    org_kind: str = ""
    contact_person: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    purpose: str = ""
    client_ip: str = ""  # counted against the per-address limit; never stored
    intake_key: str = ""  # the review it was confirmed from: a second confirm is the same application
    attachments: list = field(default_factory=list)  # uploaded files (an ID copy), checked like letters'
    author: object = None  # the citizen's user when sent while signed in (我的申请)


TEXT_FIELDS = {
    "name": "姓名或名称",
    "id_number": "证件号码",
    "contact_person": "联系人",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通信地址",
    "postcode": "邮政编码",
    "description": "所需信息的内容描述",
    "purpose": "用途",
}


def validate(data: ApplicationData) -> dict:
    """The cleaned fields of an application, or a ValidationError by field, every message in Chinese."""
    problems: dict[str, str] = {}
    for name, label in TEXT_FIELDS.items():
        if CONTROL_CHARACTERS.search(getattr(data, name) or ""):
            problems[name] = f"{label}含有无法识别的控制字符（如 NUL），请删除后重新提交。"
    cleaned = {name: (getattr(data, name) or "").strip() for name in TEXT_FIELDS}
    if data.unit is None:
        problems["unit"] = "请选择申请的行政机关。"
    if data.applicant_type not in ApplicantType.values:
        problems["applicant_type"] = "请选择申请人类型。"
    elif data.applicant_type == ApplicantType.ORGANISATION:
        if data.org_kind not in OrgKind.values:
            problems["org_kind"] = "请选择组织类别。"
        if not cleaned["contact_person"]:
            problems["contact_person"] = "法人或其他组织请填写联系人。"
    if data.applicant_type in ApplicantType.values and data.id_type not in ID_TYPES_FOR[data.applicant_type]:
        problems["id_type"] = "请选择与申请人类型相符的证件类型。"
    elif "id_number" not in problems:
        try:
            cleaned["id_number"] = identity.validate(data.id_type, data.id_number)
        except ValidationError as error:
            problems["id_number"] = error.messages[0]
    if not cleaned["name"]:
        problems["name"] = "请填写姓名或名称。"
    if not PHONE.match(cleaned["phone"].replace(" ", "")) and "phone" not in problems:
        problems["phone"] = "请填写正确的手机号码或固定电话（如 0527-84350000）。"
    if cleaned["postcode"] and not re.fullmatch(r"[0-9]{6}", cleaned["postcode"]):
        problems["postcode"] = "邮政编码应为6位数字。"
    if data.delivery not in Delivery.values:
        problems["delivery"] = "请选择获取信息的方式。"
    elif data.delivery == Delivery.EMAIL and not cleaned["email"]:
        problems["email"] = "选择以电子邮件获取的，请填写电子邮箱。"
    elif data.delivery == Delivery.PAPER and not cleaned["address"]:
        problems["address"] = "选择纸质获取的，请填写通信地址。"
    if len(cleaned["description"]) < 5:
        problems.setdefault(
            "description", "请描述所需政府信息的名称、文号或者便于查询的其他特征（至少5个字）。"
        )
    limits = {"description": 3000, "purpose": 500, "address": 200, "name": 100, "contact_person": 50}
    for name, limit in limits.items():
        if len(cleaned[name]) > limit and name not in problems:
            problems[name] = f"{TEXT_FIELDS[name]}不能超过{limit}个字。"
    if problems:
        raise ValidationError(problems)
    cleaned["phone"] = cleaned["phone"].replace(" ", "")
    return cleaned


def _new_code() -> str:
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Application.objects.filter(query_code=code).exists():
            return code


def _throttle(data: ApplicationData, now: datetime) -> None:
    limit = settings.HUIMIN_LETTERS_PER_PHONE_HOUR
    recent = Application.objects.filter(phone=data.phone.strip(), submitted_at__gte=now - timedelta(hours=1))
    if recent.count() >= limit:
        raise TooManyApplications("同一电话号码一小时内提交的申请过多，请稍后再试。")
    per_ip = settings.HUIMIN_LETTERS_PER_IP_HOUR
    if not throttle.hit("disclosure-ip", data.client_ip, limit=per_ip, window=timedelta(hours=1), now=now):
        raise TooManyApplications("您所在网络一小时内提交的申请过多，请稍后再试。")


def _store(
    application: Application, role: str, name: str, kind: str, content, now: datetime
) -> ApplicationFile:
    path = f"{today(now):%Y/%m}/{secrets.token_hex(16)}{checked_files.KINDS[kind].extensions[0]}"
    stored = ApplicationFile._meta.get_field("file").storage.save(path, content)
    return ApplicationFile(
        application=application,
        role=role,
        file=stored,
        name=checked_files.clean_name(name),
        kind=kind,
        size=content.size,
        added_at=now,
    )


def _save_files(application, role, uploads, now) -> list[ApplicationFile]:
    """Check and store uploads; the files of a transaction that fails are removed again by the caller."""
    return [_store(application, role, upload.name, kind, upload, now) for upload, kind in uploads]


def _discard(files: list[ApplicationFile]) -> None:
    for item in files:
        item.file.storage.delete(item.file.name)


def submit(
    data: ApplicationData, *, now: datetime | None = None, password: str | None = None
) -> tuple[Application, str]:
    """Receive an application. Returns it with the query password, shown to the applicant once and kept
    only as a hash. The receipt day and the time limit follow from when it arrived.

    An application with the `intake_key` of one already stored is that one (returned with an empty
    password, marked `repeated = True`): a unique constraint makes two concurrent confirms store it once.
    `password` gives the query password instead of a random one (six digits): the demo publishes its own."""
    now = now or timezone.now()
    earlier = _by_intake_key(data.intake_key)
    if earlier is not None:
        return earlier, ""
    cleaned = validate(data)
    uploads = checked_files.check_all(data.attachments)
    _throttle(data, now)
    calendar = default_calendar()
    plan = schedule_for(calendar)
    if password is not None and not re.fullmatch(r"[0-9]{6}", password):
        raise ValueError("查询密码应为6位数字。")
    password = password or f"{secrets.randbelow(10**6):06d}"
    application = Application(
        site=data.site,
        unit=data.unit,
        calendar=calendar,
        applicant_type=data.applicant_type,
        org_kind=data.org_kind if data.applicant_type == ApplicantType.ORGANISATION else "",
        id_type=data.id_type,
        delivery=data.delivery,
        query_code=_new_code(),
        query_password=make_password(password, hasher=QUERY_HASHER),
        submitted_at=now,
        received_on=receipt_day(plan, now),
        intake_key=(data.intake_key or "")[:64],
        author=data.author,
        **cleaned,
    )
    if application.applicant_type == ApplicantType.CITIZEN:
        application.contact_person = ""
    refresh_due(application, plan)
    files = _save_files(application, FileRole.APPLICANT, uploads, now)
    try:
        with transaction.atomic():
            application.save()
            for item in files:
                item.application = application
            ApplicationFile.objects.bulk_create(files)
            _event(application, "submit", None, "", now, actor_label=APPLICANT,
                   note=f"附件 {len(files)} 个" if files else "")  # fmt: skip
            notify.queue(
                _unit_addresses(application),
                f"【依申请公开】收到新的申请 {application.query_code}",
                f"贵单位收到一件政府信息公开申请，收到申请日期为 {application.received_on:%Y-%m-%d}，"
                f"请于 {application.due_on:%Y-%m-%d} 前答复。\n\n查询码：{application.query_code}\n\n"
                "请登录管理后台“依申请公开”登记办理。",
            )
    except BaseException as error:
        _discard(files)
        earlier = _by_intake_key(data.intake_key) if isinstance(error, IntegrityError) else None
        if earlier is None:
            raise
        return earlier, ""
    return application, password


def _by_intake_key(key: str) -> Application | None:
    earlier = Application.objects.filter(intake_key=key).first() if key else None
    if earlier is not None:
        earlier.repeated = True
    return earlier


def check_query(code: str, password: str) -> Application | None:
    """The application a query code and password open, or None (same answer and work for either wrong)."""
    code = (code or "").strip().upper()[:12]
    application = Application.objects.filter(query_code=code).first() if code else None
    if application is None:
        check_password(password or "", make_password("x", hasher=QUERY_HASHER))
        return None
    return application if check_password(password or "", application.query_password) else None


# --- the steps ---------------------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _from(application: Application, *states) -> str:
    if application.state not in states:
        raise ApplicationStateError(f"申请当前为“{application.get_state_display()}”，不能进行此操作。")
    return application.state


def _label(actor) -> str:
    if actor is None:
        return SYSTEM
    return (actor.get_full_name() or actor.get_username())[:100]


def _event(application, action, actor, from_state, now, *, actor_label="", note="", public_note=""):
    ApplicationEvent.objects.create(
        application=application,
        at=now,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or _label(actor),
        action=action,
        from_state=from_state,
        to_state=application.state,
        note=note[:3000],
        public_note=public_note[:3000],
    )
    user = actor if actor is not None and actor.is_authenticated else None
    data = {"status": application.state}
    if from_state:
        data["from"] = from_state
    log(instance=application, action=f"huimin_disclosure.{action}", user=user, data=data)


def _text(value: str, field_name: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: f"请填写{what}。"})
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError({field_name: f"{what}含有无法识别的控制字符，请删除后重新提交。"})
    if len(value) > limit:
        raise ValidationError({field_name: f"{what}不能超过{limit}个字。"})
    return value


def _unit_addresses(application: Application) -> list[str]:
    return list(
        Membership.objects.filter(org_unit_id=application.unit_id, role__in=STAFF_ROLES)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _tell_applicant(application: Application, subject: str, body: str) -> None:
    notify.queue(
        [application.email],
        f"{subject}（{application.query_code}）",
        f"{body}\n\n请凭查询码和查询密码在网站“依申请公开查询”中查看办理情况。",
    )


@transaction.atomic
def register(application: Application, *, actor, now: datetime | None = None) -> Application:
    """登记: the unit takes the application in. The receipt day does not move: it is when it arrived."""
    application = _locked(application)
    _require(is_staff_of(actor, application), "只有申请所属单位的办理人员可以登记。")
    before = _from(application, State.SUBMITTED)
    now = now or timezone.now()
    application.state = State.PROCESSING
    application.registered_at, application.registered_by = now, actor
    application.save()
    _event(
        application, "register", actor, before, now, note=f"收到申请日期 {application.received_on:%Y-%m-%d}"
    )
    return application


@transaction.atomic
def ask_correction(
    application: Application,
    request_text: str,
    *,
    actor,
    days: int | None = None,
    now: datetime | None = None,
) -> Application:
    """补正: ask the applicant, once, to complete an unclear application. Within 7 working days of receipt;
    the clock stands still until the correction arrives."""
    application = _locked(application)
    _require(is_staff_of(actor, application), "只有申请所属单位的办理人员可以告知补正。")
    before = _from(application, State.SUBMITTED, State.PROCESSING)
    now = now or timezone.now()
    if application.correction_asked_at is not None:
        raise ApplicationStateError("补正只能告知一次（《政府信息公开条例》第三十条：一次性告知）。")
    plan = schedule(application)
    if working_days_between(plan, application.received_on, today(now)) > CORRECTION_NOTICE_DAYS:
        raise ApplicationStateError(
            f"收到申请已超过{CORRECTION_NOTICE_DAYS}个工作日，不能再告知补正（《政府信息公开条例》第三十条）。"
        )
    days = CORRECTION_DAYS if days is None else days
    if not 1 <= days <= 60:
        raise ValidationError({"days": "补正期限应为1至60个工作日。"})
    application.correction_request = _text(request_text, "correction_request", "需补正的事项", 2000)
    application.correction_asked_at = now
    application.correction_due = add_working_days(plan, today(now), days)
    if application.registered_at is None:
        application.registered_at, application.registered_by = now, actor
    application.state = State.CORRECTION
    refresh_due(application, plan)
    application.save()
    _event(
        application, "ask_correction", actor, before, now,
        public_note=f"请于 {application.correction_due:%Y-%m-%d} 前补正：{application.correction_request}",
    )  # fmt: skip
    _tell_applicant(
        application,
        "请补正您的政府信息公开申请",
        f"您的政府信息公开申请需要补正：\n{application.correction_request}\n\n"
        f"请于 {application.correction_due:%Y-%m-%d} 前在网站提交补正；逾期无正当理由不补正的，视为放弃申请。"
        "答复期限自收到补正之日起重新计算。",
    )
    return application


@transaction.atomic
def submit_correction(
    application: Application, text: str, *, uploads: list | None = None, now: datetime | None = None
) -> Application:
    """The applicant's correction. The 20 working days count from the day it is received."""
    application = _locked(application)
    before = _from(application, State.CORRECTION)
    now = now or timezone.now()
    plan = schedule(application)
    if application.correction_due is not None and today(now) > application.correction_due:
        raise ApplicationStateError("补正期限已过，申请已视为放弃；如仍需要该信息，请重新提交申请。")
    application.correction_text = _text(text, "correction_text", "补正内容", 3000)
    checked = checked_files.check_all(uploads or [])
    files = _save_files(application, FileRole.APPLICANT, checked, now)
    try:
        application.corrected_at = now
        application.corrected_on = receipt_day(plan, now)
        application.state = State.PROCESSING
        refresh_due(application, plan)
        application.save()
        ApplicationFile.objects.bulk_create(files)
        _event(application, "correct", None, before, now, actor_label=APPLICANT,
               public_note=f"答复期限重新计算至 {application.due_on:%Y-%m-%d}")  # fmt: skip
    except BaseException:
        _discard(files)
        raise
    notify.queue(
        _unit_addresses(application),
        f"【依申请公开】申请人已补正 {application.query_code}",
        f"申请人已提交补正，请于 {application.due_on:%Y-%m-%d} 前答复。",
    )
    return application


@transaction.atomic
def extend(
    application: Application, days: int, reason: str, *, actor, now: datetime | None = None
) -> Application:
    """延期: once, up to 20 working days, agreed by the unit's reviewer, with a reason; the applicant is
    told."""
    application = _locked(application)
    _require(is_reviewer_of(actor, application), "延长答复期限须经单位审核人（信息公开工作机构负责人）同意。")
    before = _from(application, State.SUBMITTED, State.PROCESSING, State.REVIEW)
    now = now or timezone.now()
    if application.extension_days:
        raise ApplicationStateError("答复期限只能延长一次。")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": f"延长的期限应为1至{MAX_EXTENSION_DAYS}个工作日。"})
    if application.due_on is not None and today(now) > application.due_on:
        raise ApplicationStateError("答复期限已过，不能再延期；请尽快答复。")
    application.extension_reason = _text(reason, "reason", "延期理由", 500)
    application.extension_days = days
    application.extended_at, application.extended_by = now, actor
    refresh_due(application)
    application.save()
    _event(
        application, "extend", actor, before, now, note=application.extension_reason,
        public_note=f"答复期限延长{days}个工作日至 {application.due_on:%Y-%m-%d}。"
        f"理由：{application.extension_reason}",
    )  # fmt: skip
    _tell_applicant(
        application,
        "政府信息公开申请答复期限延长告知",
        f"因{application.extension_reason}，经本机关政府信息公开工作机构负责人同意，"
        f"您的申请答复期限延长{days}个工作日，至 {application.due_on:%Y-%m-%d}。",
    )
    return application


@transaction.atomic
def draft_answer(
    application: Application,
    *,
    actor,
    answer: str,
    ground: str = "",
    text: str = "",
    referral: str = "",
    released: list | None = None,
    now: datetime | None = None,
) -> Application:
    """拟办: the answer, its ground, the records released; the reply letter is made from the template and
    the application waits for the unit reviewer's sign-off."""
    from . import reply_letters

    application = _locked(application)
    _require(is_staff_of(actor, application), "只有申请所属单位的办理人员可以拟办答复。")
    before = _from(application, State.SUBMITTED, State.PROCESSING)
    now = now or timezone.now()
    found, detail = answers.check(answer, ground, referral)
    application.answer, application.answer_ground = found.code, detail.code if detail else ""
    application.answer_text = _text(text, "answer_text", "答复内容", 10000)
    if CONTROL_CHARACTERS.search(referral or ""):
        raise ValidationError(
            {"referral": "告知的公开机关及联系方式含有无法识别的控制字符，请删除后重新提交。"}
        )
    application.referral = (referral or "").strip()[:300]
    checked = checked_files.check_all(released or [])
    if (
        found.code in ("disclose", "partial")
        and not checked
        and not application.files.filter(role=FileRole.RELEASED).exists()
        and application.delivery != Delivery.PAPER
    ):
        raise ValidationError({"released": "予以公开或部分公开的，请上传公开的政府信息（纸质提供的除外）。"})
    if application.registered_at is None:
        application.registered_at, application.registered_by = now, actor
    application.drafted_at, application.drafted_by = now, actor
    application.state = State.REVIEW
    new_files = _save_files(application, FileRole.RELEASED, checked, now)
    try:
        ApplicationFile.objects.bulk_create(new_files)
        _replace_reply_letters(application, reply_letters.build(application, now=now), now)
        application.save()
        _event(
            application,
            "draft",
            actor,
            before,
            now,
            note=answers.label(found.code, application.answer_ground),
        )
    except BaseException:
        _discard(new_files)
        raise
    return application


def _replace_reply_letters(application: Application, documents: dict[str, bytes], now: datetime) -> None:
    old = list(application.files.filter(role=FileRole.REPLY))
    name = f"政府信息公开申请答复告知书（{application.query_code}）"
    for kind, content in documents.items():
        item = _store(application, FileRole.REPLY, f"{name}.{kind}", kind, ContentFile(content), now)
        item.save()
    # The old letters' files are deleted only once the step is committed: a step rolled back keeps them.
    ApplicationFile.objects.filter(pk__in=[item.pk for item in old]).delete()
    paths = [item.file.name for item in old]
    storage = ApplicationFile._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(path) for path in paths])


@transaction.atomic
def send_back(application: Application, note: str, *, actor, now: datetime | None = None) -> Application:
    """The reviewer returns the draft to the handler with what to change."""
    application = _locked(application)
    _require(is_reviewer_of(actor, application), "只有单位审核人可以退回拟办答复。")
    before = _from(application, State.REVIEW)
    now = now or timezone.now()
    note = _text(note, "note", "退回意见", 1000)
    application.state = State.PROCESSING
    application.save()
    _event(application, "send_back", actor, before, now, note=note)
    return application


@transaction.atomic
def sign_off(application: Application, *, actor, now: datetime | None = None) -> Application:
    """审签: the unit reviewer signs the reply letter and the answer goes to the applicant. The reviewer is
    not the person who drafted it (platform administrators excepted)."""
    from . import reply_letters

    application = _locked(application)
    _require(is_reviewer_of(actor, application), "只有单位审核人可以审签答复。")
    before = _from(application, State.REVIEW)
    if application.drafted_by_id == actor.pk and not actor.is_superuser:
        raise PermissionDenied("拟办人不能审签自己拟办的答复，请由本单位另一位审核人审签。")
    now = now or timezone.now()
    application.signed_at, application.signed_by = now, actor
    application.answered_at = application.closed_at = now
    application.state = State.ANSWERED
    _replace_reply_letters(application, reply_letters.build(application, now=now), now)
    application.save()
    late = "" if answered_in_time(application) is not False else "（已超过答复期限）"
    _event(
        application, "sign_off", actor, before, now,
        public_note=f"已答复：{answers.label(application.answer, application.answer_ground)}{late}",
    )  # fmt: skip
    _tell_applicant(
        application,
        "您的政府信息公开申请已答复",
        f"您的政府信息公开申请已答复（{answers.label(application.answer, application.answer_ground)}）。"
        "答复告知书和公开的信息可在网站上查看和下载。",
    )
    return application


@transaction.atomic
def withdraw(application: Application, reason: str = "", *, now: datetime | None = None) -> Application:
    """The applicant withdraws the application (counted under 其他处理 in the annual report)."""
    application = _locked(application)
    before = _from(application, *OPEN_STATES)
    now = now or timezone.now()
    application.state = State.WITHDRAWN
    application.answer, application.answer_ground = "other", "other"
    application.closed_at = now
    application.close_reason = ((reason or "").strip() or "申请人撤回申请")[:500]
    refresh_due(application)
    application.save()
    _event(
        application,
        "withdraw",
        None,
        before,
        now,
        actor_label=APPLICANT,
        public_note=application.close_reason,
    )
    return application


def abandon_uncorrected(*, now: datetime | None = None) -> int:
    """Applications whose correction did not arrive by its date are taken as given up (第三十条). Claims rows
    with skip_locked, so several workers may run it; running it twice changes nothing."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Application.objects.select_for_update(skip_locked=True)
                .filter(state=State.CORRECTION, correction_due__lt=today(now))
                .order_by("pk")[:100]
            )
            for application in rows:
                before = application.state
                application.state = State.ABANDONED
                application.answer, application.answer_ground = "other", "no_correction"
                application.closed_at = now
                application.close_reason = "申请人无正当理由逾期不补正，视为放弃申请"
                application.save()
                _event(application, "abandon", None, before, now, public_note=application.close_reason)
        done += len(rows)
        if len(rows) < 100:
            return done


def remind(*, now: datetime | None = None) -> int:
    """Tell the unit's staff when an application becomes near its limit or late: once per level."""
    now = now or timezone.now()
    sent = 0
    candidates = Application.objects.filter(state__in=RUNNING_STATES, due_on__isnull=False).select_related(
        "calendar"
    )
    plans: dict[int, Schedule] = {}
    for application in candidates.iterator():
        plan = plans.setdefault(application.calendar_id, schedule(application))
        found = level(application, now, plan)
        if found == Level.NORMAL or application.reminded_level == found:
            continue
        with transaction.atomic():
            locked = _locked(application)
            if locked.reminded_level == found or locked.state not in RUNNING_STATES:
                continue
            locked.reminded_level = found
            locked.save(update_fields=["reminded_level"])
            log(instance=locked, action="huimin_disclosure.remind", user=None, data={"status": found})
            words = "已超过答复期限" if found == Level.OVERDUE else "即将到期"
            notify.queue(
                _unit_addresses(locked),
                f"【依申请公开{words}】{locked.query_code}",
                f"政府信息公开申请（查询码 {locked.query_code}）{words}，"
                f"答复期限为 {locked.due_on:%Y-%m-%d}。\n请登录管理后台“依申请公开”尽快办理。",
            )
        sent += 1
    return sent
