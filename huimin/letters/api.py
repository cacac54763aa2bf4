"""`POST /api/v1/letters`: letters from the other channels (app, mini program, 12345 hotline).

A channel authenticates with its token (`Authorization: Bearer …`, configured in HUIMIN_LETTER_TOKENS);
without one, the letter counts as the public web channel, with its limits, and is accepted only from the
site's own pages: same origin with a valid CSRF token, so another web site cannot file letters from its
visitors' browsers. Every request must be `Content-Type: application/json` (a cross-origin JSON post needs
a CORS preflight, which this API never grants). `external_id` makes a retry
safe: the same id on the same channel returns the letter already received instead of a second one, with
the same query password (derived from the secret key, the channel and the id), so a client whose first
answer was lost (the server died after committing) still gets a working code and password.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from ninja import Field, Header, P, PathEx, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import HttpBearer
from pydantic import WithJsonSchema

from huimin.core import throttle
from huimin.core.api import JSON_ONLY, SITE_PATTERN, SITE_RE, WHITESPACE, ErrorOut, id_in_path, json_integer
from huimin.sites import queries as site_queries
from huimin.sites.models import OrgUnit

from . import dispatch_link, queries, services
from .enums import Channel, Kind
from .forms import MOBILE
from .models import InboundEvent, Letter

router = Router(tags=["网民留言"])


# What `submit_letter` refuses in any text field (control characters but tab and line breaks), and a text
# field that must be filled: one character that is neither such a character nor whitespace.
CONTROL = services.CONTROL_CHARACTERS.pattern.strip("[]")
NO_CONTROL = f"^[^{CONTROL}]*$"
FILLED = f"^[^{CONTROL}]*[^{CONTROL}{WHITESPACE}][^{CONTROL}]*$"
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"  # forms.MOBILE
MAX_UNIT = 2**31 - 1


class LetterIn(Schema):
    site: str = Field(
        description="受理网站的主机名，如 slj.localhost；不是网站群中站点的主机名时返回 400",
        json_schema_extra={"pattern": SITE_PATTERN},
    )
    kind: str = Field(
        description="留言类型：" + "、".join(f"{value}（{label}）" for value, label in Kind.choices),
        json_schema_extra={"enum": list(Kind.values)},
    )
    title: str = Field(max_length=100, json_schema_extra={"minLength": 1, "pattern": FILLED})
    content: str = Field(max_length=5000, json_schema_extra={"minLength": 1, "pattern": FILLED})
    contact_name: str = Field(
        max_length=50,
        description="留言人姓名（不公开）",
        json_schema_extra={"minLength": 1, "pattern": FILLED},
    )
    contact_phone: str = Field(
        max_length=20, description="11 位手机号码（不公开）", json_schema_extra={"pattern": MOBILE_PATTERN}
    )
    contact_email: str = Field(
        "",
        max_length=254,
        description="电子邮箱（不公开），可为空字符串",
        json_schema_extra={"anyOf": [{"maxLength": 0}, {"format": "email"}]},
    )
    may_publish: bool = Field(False, strict=True, description="是否同意公开留言和答复（个人信息会隐去）")
    unit: json_integer(1, MAX_UNIT) | None = Field(
        None, description="留言对象（组织机构编号），可不填；须是已有的组织机构"
    )
    external_id: str = Field(
        "",
        max_length=64,
        description="本渠道的留言编号；重复提交同一编号不会重复受理",
        json_schema_extra={"pattern": NO_CONTROL},
    )


class LetterReceived(Schema):
    id: int
    query_code: str
    query_password: str | None = Field(
        description=(
            "查询密码。渠道（带令牌）以同一 external_id 重复提交时再次返回同一密码；"
            "网站渠道只在首次受理时返回，重复提交时为 null"
        )
    )
    duplicate: bool = Field(description="是否为已受理留言的重复提交")
    channel: str
    state: str
    received_at: datetime
    reply_due: datetime | None


def _channel(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if not header:
        return Channel.WEB
    channel = queries.channel_for_token(header.removeprefix("Bearer ").strip())
    if channel is None:
        raise HttpError(401, "渠道令牌无效。")
    return channel


class ChannelToken(HttpBearer):
    """A channel's token, optional: without the header the letter counts as the web channel. Declared as
    authentication so the schema states it; the channel is `request.auth`."""

    openapi_description = "渠道令牌（Authorization: Bearer …）。不带时按网站渠道受理；令牌无效时返回 401。"

    def __call__(self, request: HttpRequest) -> str:
        return _channel(request)

    def authenticate(self, request: HttpRequest, token: str) -> str | None:  # pragma: no cover - see __call__
        return queries.channel_for_token(token)


WEB_CHANNEL_ORIGIN = "不带渠道令牌的留言只能从本站页面提交（缺少有效的 CSRF 令牌）；其他渠道请携带渠道令牌。"


def _check_request(request: HttpRequest, channel: str) -> None:
    if request.content_type != "application/json":
        raise HttpError(415, JSON_ONLY)
    if channel == Channel.WEB:
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused is not None:
            raise HttpError(403, WEB_CHANNEL_ORIGIN)


def _problem(message: str):
    raise HttpError(400, message)


@router.post(
    "",
    auth=ChannelToken(),
    response={
        201: LetterReceived,
        200: LetterReceived,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        429: ErrorOut,
    },
    url_name="letter_create",
    summary="受理留言",
    description=(
        "其他渠道（移动应用、小程序、12345 热线）提交网民留言。带渠道令牌时记为该渠道；"
        "不带时按网站渠道受理并限制频率，且只接受本站页面带 CSRF 令牌的请求（否则 403）。"
        "请求须为 application/json（UTF-8），否则返回 415。site 不是网站群中站点的主机名、"
        "unit 不是已有的组织机构，或字段不合要求时返回 400，不受理。"
    ),
    openapi_extra={"security": [{}]},  # the token is optional: no header is the web channel
)
def create_letter(request: HttpRequest, payload: LetterIn):
    channel = request.auth
    _check_request(request, channel)
    site = site_queries.site_for_hostname(payload.site) if SITE_RE.fullmatch(payload.site) else None
    if site is None:
        _problem("受理网站不存在，请填写网站群中一个站点的主机名。")
    if payload.kind not in Kind.values:
        _problem("留言类型不正确。")
    try:
        MOBILE(payload.contact_phone)
    except ValidationError as error:
        _problem(error.messages[0])
    for name, label in (("title", "标题"), ("content", "内容"), ("contact_name", "姓名")):
        if not getattr(payload, name).strip():
            _problem(f"请填写{label}。")
    if payload.contact_email:
        try:
            validate_email(payload.contact_email)
        except ValidationError:
            _problem("电子邮箱格式不正确。")
    unit = None
    if payload.unit is not None:
        unit = OrgUnit.objects.filter(pk=payload.unit).first()
        if unit is None:
            _problem("留言对象不存在。")
    data = services.LetterData(
        site=site,
        kind=payload.kind,
        title=payload.title.strip(),
        content=payload.content.strip(),
        contact_name=payload.contact_name.strip(),
        contact_phone=payload.contact_phone,
        contact_email=payload.contact_email,
        may_publish=payload.may_publish,
        chosen_unit=unit,
        channel=channel,
        external_id=payload.external_id.strip(),
        client_ip=throttle.client_ip(request),
    )
    try:
        letter, password = services.submit_letter(data)
    except services.TooManyLetters as error:
        raise HttpError(429, error.messages[0]) from None
    except ValidationError as error:
        raise HttpError(400, "；".join(error.messages)) from None
    duplicate = getattr(letter, "retried", False)
    body = {
        "id": letter.pk,
        "query_code": letter.query_code,
        "query_password": password or None,
        "duplicate": duplicate,
        "channel": letter.channel,
        "state": letter.state,
        "received_at": timezone.localtime(letter.received_at),
        "reply_due": timezone.localtime(letter.reply_due) if letter.reply_due else None,
    }
    return Status(200 if duplicate else 201, body)


PLATFORM_EVENTS = ("dispatched", "accepted", "replied")
TIMESTAMP_PATTERN = r"^[0-9]{1,20}$"
SIGNATURE_PATTERN = r"^sha256=[0-9a-f]{64}$"
TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)
LetterId = id_in_path(MAX_UNIT)
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "pattern": TIMESTAMP_PATTERN})]
Signature = Annotated[str, WithJsonSchema({"type": "string", "pattern": SIGNATURE_PATTERN})]
TIMESTAMP_HEADER = Header(
    "", alias="X-Huimin-Timestamp", description="Unix 时间戳（秒），与服务器时间相差不得超过 5 分钟"
)
SIGNATURE_HEADER = Header(
    "", alias="X-Huimin-Signature", description="sha256=<以共享密钥对“时间戳.请求体”计算的 HMAC-SHA256>"
)


class PlatformEventIn(Schema):
    event_id: str = Field(
        max_length=64, pattern=FILLED, description="平台的事件编号；重复回调同一编号不会重复处理"
    )
    event: str = Field(
        description="dispatched（已分办）、accepted（已签收）、replied（已答复）",
        json_schema_extra={"enum": list(PLATFORM_EVENTS)},
    )
    unit: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL,
        description="承办单位名称（dispatched 时必填，须是已有组织机构的全称）",
    )
    reply: str = Field("", max_length=10000, pattern=NO_CONTROL, description="答复内容（replied 时必填）")


class PlatformEventOut(Schema):
    id: int
    state: str
    duplicate: bool


@router.post(
    "/{id}/events",
    response={
        200: PlatformEventOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    url_name="letter_platform_event",
    summary="市域治理平台回调",
    description=(
        "事件分拨平台报告留言的分办、签收和答复。请求须带 X-Huimin-Timestamp 和 X-Huimin-Signature 签名"
        "（签名无效或过期时返回 401），须为 application/json（UTF-8）。"
        "承办单位不存在、缺少答复内容时返回 400；留言当前状态不允许该步骤时返回 409。"
    ),
)
def platform_event(
    request: HttpRequest,
    id: PathEx[LetterId, P(description="留言编号")],
    payload: PlatformEventIn,
    timestamp: Timestamp = TIMESTAMP_HEADER,
    signature: Signature = SIGNATURE_HEADER,
):
    if not TIMESTAMP_RE.fullmatch(timestamp) or not dispatch_link.verify(timestamp, signature, request.body):
        raise HttpError(401, "签名无效或已过期。")
    letter = Letter.objects.filter(pk=id).first() if 0 < id <= MAX_UNIT else None
    if letter is None:
        raise HttpError(404, "留言不存在。")
    if InboundEvent.objects.filter(event_id=payload.event_id).exists():
        return {"id": letter.pk, "state": letter.state, "duplicate": True}
    try:
        with transaction.atomic():
            InboundEvent.objects.create(
                event_id=payload.event_id, letter=letter, kind=payload.event[:20], received_at=timezone.now()
            )
            _apply(letter, payload)
    except IntegrityError:  # the same event arriving twice at once
        letter.refresh_from_db()
        return {"id": letter.pk, "state": letter.state, "duplicate": True}
    except services.LetterStateError as error:
        raise HttpError(409, error.messages[0]) from None
    except ValidationError as error:
        raise HttpError(400, "；".join(error.messages)) from None
    letter.refresh_from_db()
    return {"id": letter.pk, "state": letter.state, "duplicate": False}


def _apply(letter, payload: PlatformEventIn) -> None:
    actor = services.PLATFORM
    if payload.event == "dispatched":
        unit = OrgUnit.objects.filter(name=payload.unit.strip()).first()
        if unit is None:
            raise ValidationError("承办单位不存在，请使用网站群中组织机构的全称。")
        services.dispatch(letter, unit, actor=actor)
    elif payload.event == "accepted":
        services.accept(letter, actor=actor)
    elif payload.event == "replied":
        services.reply(letter, payload.reply, actor=actor)
    else:
        raise ValidationError("事件类型不正确。")
