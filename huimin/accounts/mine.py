"""我的: what a signed-in citizen has on the platform, and the changes they make to it.

- Reads: the account's letters and 依申请公开 applications (`letters_of`, `applications_of`), its chosen and
  registration tags (`tag_choices`).
- Claiming (认领) an older letter or application with its query code and password (`claim_letter`,
  `claim_application`): throttled per client address (the same buckets as the public query pages, so the
  two pages together give no more guesses) and per account; a wrong pair gets one neutral answer; a record
  another account claimed stays with it; each claim is an entry in the audit log.
- Tags (`save_tags`): the values the citizen chose, from the group's vocabularies; registration tags (a legal
  person's industry and region) are left as they are.
- My data: `export_data` gathers what every registered `Holder` gives into one JSON-ready dict;
  `delete_account` asks every Holder to erase, deletes the user (the account and its tags go with it) and
  returns what was kept by law and why. Both are audit-logged without the person's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail import hooks
from wagtail.log_actions import log

from huimin.core import throttle
from huimin.disclosure import services as disclosure_services
from huimin.disclosure.models import Application
from huimin.letters import services as letter_services
from huimin.letters.models import Letter

from . import personal_data
from .enums import AccountKind, TagSource
from .models import Account, AccountTag
from .tags import keys as tag_keys
from .tags import labels as tag_labels

HOUR = timedelta(hours=1)
# The public query pages' buckets: a wrong pair tried here counts against the same per-address limit.
LETTER_BUCKET = "letter-query"
APPLICATION_BUCKET = "disclosure-query"
ACCOUNT_BUCKET = "account-claim"
DELETE_BUCKET = "account-delete"
CLAIM = "huimin_accounts.claim"
EXPORT = "huimin_accounts.export"
DELETE = "huimin_accounts.delete"
LOG_ACTIONS = {
    CLAIM: ("认领记录", "用户凭查询码和查询密码认领了记录"),
    EXPORT: ("导出本人数据", "用户导出了本人的全部数据"),
    DELETE: ("注销账号", "用户注销了账号"),
}
NEUTRAL = "查询码或查询密码不正确。"
TOO_MANY = "认领失败次数过多，请一小时后再试；如忘记查询密码，请拨打 12345 咨询。"
TAKEN = {
    "letter": "这件留言已由其他账号认领，不能再次认领。如有疑问，请拨打 12345 咨询。",
    "application": "这件申请已由其他账号认领，不能再次认领。如有疑问，请联系受理机关。",
}
EXPORT_FORMAT = "huimin-personal-data"
EXPORT_VERSION = 1


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


def _per_address_limit() -> int:
    return settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR


def _per_account_limit() -> int:
    return getattr(settings, "HUIMIN_ACCOUNT_CLAIM_FAILURES_PER_HOUR", 10)


def _require_citizen(account: Account | None) -> Account:
    if account is None or account.pk is None:
        raise PermissionDenied("本操作仅供注册用户使用。")
    return account


# --- reads ---------------------------------------------------------------------------------------------


def letters_of(account: Account) -> QuerySet[Letter]:
    """The account's letters (written while signed in, or claimed), newest first."""
    return (
        Letter.objects.filter(author_id=account.user_id)
        .select_related("site", "unit")
        .order_by("-received_at", "-pk")
    )


def applications_of(account: Account) -> QuerySet[Application]:
    """The account's 依申请公开 applications, newest first."""
    return (
        Application.objects.filter(author_id=account.user_id)
        .select_related("site", "unit")
        .order_by("-submitted_at", "-pk")
    )


def letter_of(account: Account, pk) -> Letter | None:
    """One of the account's own letters, or None (another's, or no such letter: the same answer)."""
    return letters_of(account).filter(pk=pk).first() if str(pk).isdigit() else None


def application_of(account: Account, pk) -> Application | None:
    return applications_of(account).filter(pk=pk).first() if str(pk).isdigit() else None


# --- claiming ------------------------------------------------------------------------------------------


class ClaimError(ValidationError):
    """A claim refused: the pair is wrong, too many tries, or the record belongs to another account."""


@dataclass(frozen=True)
class Claimed:
    record: Letter | Application
    new: bool  # False when it was already this account's


def _claim(kind, account, code, password, *, model, check, bucket, address, now) -> Claimed:
    account = _require_citizen(account)
    own_key = f"account:{account.pk}"
    window = {"window": HOUR, "now": now}
    if throttle.exceeded(bucket, address, limit=_per_address_limit(), **window) or throttle.exceeded(
        ACCOUNT_BUCKET, own_key, limit=_per_account_limit(), **window
    ):
        raise ClaimError(TOO_MANY, code="throttled")
    found = check((code or "").strip(), password or "")
    if found is None:
        throttle.hit(bucket, address, limit=_per_address_limit(), **window)
        throttle.hit(ACCOUNT_BUCKET, own_key, limit=_per_account_limit(), **window)
        raise ClaimError(NEUTRAL, code="wrong")
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=found.pk)
        if record.author_id == account.user_id:
            return Claimed(record, new=False)
        if record.author_id is not None:
            raise ClaimError(TAKEN[kind], code="taken")
        record.author_id = account.user_id
        record.save(update_fields=["author"])
        log(
            instance=record,
            action=CLAIM,
            user=account.user,
            data={"what": "留言" if kind == "letter" else "依申请公开申请", "account": account.pk,
                  "address": address},
            timestamp=now,
        )  # fmt: skip
    return Claimed(record, new=True)


def claim_letter(account: Account, code: str, password: str, *, address: str, now: datetime) -> Claimed:
    """Make an older letter the account's, given its query code and password."""
    return _claim(
        "letter", account, code, password, model=Letter, check=letter_services.check_query,
        bucket=LETTER_BUCKET, address=address, now=now,
    )  # fmt: skip


def claim_application(account: Account, code: str, password: str, *, address: str, now: datetime) -> Claimed:
    """Make an older 依申请公开 application the account's, given its query code and password."""
    return _claim(
        "application", account, code, password, model=Application, check=disclosure_services.check_query,
        bucket=APPLICATION_BUCKET, address=address, now=now,
    )  # fmt: skip


# --- tags ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagGroup:
    key: str
    label: str
    values: tuple[str, ...]  # what the citizen may choose (registration values left out)
    chosen: tuple[str, ...]
    registered: tuple[str, ...]  # from the registration: shown, not changed here


def tag_choices(account: Account) -> list[TagGroup]:
    """Every tag key with its values, what the account chose and what came from its registration."""
    mine: dict[str, dict[str, set[str]]] = {}
    for tag in account.tags.all():
        mine.setdefault(tag.key, {}).setdefault(tag.source, set()).add(tag.value)
    groups = []
    for key in tag_keys():
        own = mine.get(key.key, {})
        registered = own.get(TagSource.REGISTRATION, set())
        chosen = own.get(TagSource.CHOSEN, set())
        values = tuple(v for v in key.values if v not in registered)
        groups.append(
            TagGroup(
                key=key.key,
                label=key.label,
                values=values,
                chosen=tuple(v for v in values if v in chosen),
                registered=tuple(v for v in key.values if v in registered)
                + tuple(sorted(registered - set(key.values))),
            )
        )
    return groups


def save_tags(account: Account, chosen: dict[str, list[str]], *, now: datetime) -> int:
    """Replace the tags the account chose with `chosen` ({key: [values]}); returns how many it has now.
    Every value must be in its key's vocabulary; registration tags are kept whatever is sent."""
    account = _require_citizen(account)
    vocabulary = {key.key: set(key.values) for key in tag_keys()}
    problems = {}
    wanted: set[tuple[str, str]] = set()
    for key, values in chosen.items():
        if key not in vocabulary:
            problems[key] = "没有这种标签类别。"
            continue
        unknown = [v for v in values if v not in vocabulary[key]]
        if unknown:
            problems[key] = "请从列表中选择标签。"
        wanted |= {(key, v) for v in values if v in vocabulary[key]}
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        existing = {(t.key, t.value): t for t in locked.tags.all()}
        registered = {pair for pair, tag in existing.items() if tag.source == TagSource.REGISTRATION}
        stale = [t.pk for pair, t in existing.items() if t.source == TagSource.CHOSEN and pair not in wanted]
        AccountTag.objects.filter(pk__in=stale).delete()
        AccountTag.objects.bulk_create(
            [
                AccountTag(account=locked, key=key, value=value, source=TagSource.CHOSEN)
                for key, value in sorted(wanted - set(existing) - registered)
            ]
        )
        return locked.tags.count()


# --- my data -------------------------------------------------------------------------------------------


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def export_account(account: Account) -> dict:
    """The account's own fields and tags (codes and tickets are only hashes, and are not data about the
    person)."""
    return {
        "kind": AccountKind(account.kind).label,
        "display_name": account.display_name,
        "username": account.user.get_username(),
        "mobile": account.mobile,
        "mobile_verified_at": _when(account.mobile_verified_at),
        "email": account.email,
        "email_verified_at": _when(account.email_verified_at),
        "org_name": account.org_name,
        "credit_code": account.credit_code,
        "terms_version": account.terms_version,
        "terms_accepted_at": _when(account.terms_accepted_at),
        "profiling_consent": account.profiling_consent,
        "profiling_consent_at": _when(account.profiling_consent_at),
        "oidc_issuer": account.oidc_issuer,
        "oidc_subject": account.oidc_subject,
        "created_at": _when(account.created_at),
        "registered_site": account.registered_site.hostname if account.registered_site_id else None,
        "last_login": _when(account.user.last_login),
        "tags": [_tag(t) for t in account.tags.order_by("key", "value")],
    }


def _tag(tag: AccountTag) -> dict:
    return {
        "key": tag.key,
        "label": tag_labels().get(tag.key, tag.key),
        "value": tag.value,
        "source": TagSource(tag.source).label,
    }


def erase_account(account: Account) -> str:
    """The account's fields and tags go with the user; nothing is kept."""
    return ""


def export_letters(account: Account) -> list[dict]:
    return [
        {
            "query_code": letter.query_code,
            "site": letter.site.site_name or letter.site.hostname,
            "kind": letter.get_kind_display(),
            "channel": letter.get_channel_display(),
            "title": letter.title,
            "content": letter.content,
            "contact_name": letter.contact_name,
            "contact_phone": letter.contact_phone,
            "contact_email": letter.contact_email,
            "may_publish": letter.may_publish,
            "state": letter.get_state_display(),
            "received_at": _when(letter.received_at),
            "unit": letter.unit.name if letter.unit_id else None,
            "reply": letter.reply if letter.state in ("published", "closed") else "",
            "replied_at": _when(letter.replied_at) if letter.state in ("published", "closed") else None,
            "supplement": letter.supplement,
            "rating": letter.get_rating_display() if letter.rating else "",
            "rating_comment": letter.rating_comment,
            "attachments": [a.name for a in letter.attachments.all()],
        }
        for letter in letters_of(account).prefetch_related("attachments")
    ]


@transaction.atomic
def erase_letters(account: Account) -> str:
    """Letters are public records of the government's work: kept, and detached from the account."""
    count = Letter.objects.filter(author_id=account.user_id).update(author=None)
    if not count:
        return ""
    return (
        f"您的 {count} 件留言是政府办理群众诉求的工作记录，依照档案管理规定保留（已公开的留言继续公开，"
        "个人信息已隐去）；这些留言已与账号解除关联，今后仍可凭查询码和查询密码查询。"
    )


def export_applications(account: Account) -> list[dict]:
    return [
        {
            "query_code": app.query_code,
            "site": app.site.site_name or app.site.hostname,
            "unit": app.unit.name,
            "applicant_type": app.get_applicant_type_display(),
            "org_kind": app.get_org_kind_display() if app.org_kind else "",
            "name": app.name,
            "id_type": app.get_id_type_display(),
            "id_number": app.id_number,
            "contact_person": app.contact_person,
            "phone": app.phone,
            "email": app.email,
            "address": app.address,
            "postcode": app.postcode,
            "description": app.description,
            "purpose": app.purpose,
            "delivery": app.get_delivery_display(),
            "state": app.get_state_display(),
            "submitted_at": _when(app.submitted_at),
            "received_on": app.received_on.isoformat() if app.received_on else None,
            "due_on": app.due_on.isoformat() if app.due_on else None,
            "correction_request": app.correction_request,
            "correction_text": app.correction_text,
            "answered_at": _when(app.answered_at),
            "answer_text": app.answer_text if app.answered_at else "",
            "closed_at": _when(app.closed_at),
        }
        for app in applications_of(account)
    ]


@transaction.atomic
def erase_applications(account: Account) -> str:
    """依申请公开 applications are archived under the 政府信息公开条例: kept, detached from the account."""
    count = Application.objects.filter(author_id=account.user_id).update(author=None)
    if not count:
        return ""
    return (
        f"您的 {count} 件政府信息公开申请及其答复，依照《中华人民共和国政府信息公开条例》和档案管理规定"
        "由受理机关作为档案保存；这些申请已与账号解除关联，今后仍可凭查询码和查询密码查询。"
    )


HOLDERS = (
    personal_data.Holder("account", "账号信息", export_account, erase_account),
    personal_data.Holder("letters", "我的留言", export_letters, erase_letters),
    personal_data.Holder("applications", "我的申请（依申请公开）", export_applications, erase_applications),
)


def _title(account: Account) -> str:
    """How the audit log names an account: its number, never the person's name or number."""
    return f"用户账号 {account.pk}"


def export_data(account: Account, *, address: str, now: datetime) -> dict:
    """Everything every Holder gives about the account, as one JSON-ready dict; the export is logged."""
    account = _require_citizen(account)
    holders = personal_data.holders()
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.localtime(now).isoformat(),
        "labels": {holder.name: holder.label for holder in holders},
    }
    for holder in holders:
        data[holder.name] = holder.export(account)
    log(
        instance=account,
        action=EXPORT,
        user=account.user,
        title=_title(account),
        data={"format": "json", "address": address, "what": "、".join(h.label for h in holders)},
        timestamp=now,
    )
    return data


@dataclass(frozen=True)
class Kept:
    label: str
    reason: str


def delete_account(account: Account, *, address: str, now: datetime) -> list[Kept]:
    """Close the account: every Holder erases what it may (in one transaction: all or nothing), then the user
    is deleted with the account and its tags. Returns what was kept and why, for the page that says so.
    Ending the sessions is the caller's (the view flushes its own; any other is the user's, now gone, and
    authenticates no more)."""
    account = _require_citizen(account)
    with transaction.atomic():
        account = Account.objects.select_for_update().select_related("user").get(pk=account.pk)
        kept = []
        for holder in personal_data.holders():
            reason = holder.erase(account)
            if reason:
                kept.append(Kept(holder.label, reason))
        log(
            instance=account,
            action=DELETE,
            user=account.user,
            title=_title(account),
            data={"address": address, "kept": [k.label for k in kept]},
            timestamp=now,
        )
        account.user.delete()
    return kept


def delete_attempts_exceeded(account: Account, *, now: datetime) -> bool:
    key = f"account:{account.pk}"
    return throttle.exceeded(DELETE_BUCKET, key, limit=_delete_limit(), window=HOUR, now=now)


def count_delete_failure(account: Account, *, now: datetime) -> None:
    throttle.hit(DELETE_BUCKET, f"account:{account.pk}", limit=_delete_limit(), window=HOUR, now=now)


def _delete_limit() -> int:
    return getattr(settings, "HUIMIN_ACCOUNT_DELETE_FAILURES_PER_HOUR", 5)
