"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over netizen messages, JSON only.

Mapping: a service is a letter `Kind` (code = its value, no attributes); a service request is a letter, its
id the query code; `jurisdiction_id` is a site's hostname (default: the default site when submitting, the
whole group when listing); "open" while the letter is in `OPEN_STATES`, else "closed". A request goes
through `services.submit_letter` on the channel whose token is the `api_key`; the name is last + first name;
address, coordinates and an http(s) `media_url` are appended to the content so nothing is lost;
`attribute[title|may_publish|external_id]` fill the rest (a retry with one external id is one letter).

Privacy: the list is the public disclosure only (published letters, masked as on the disclosure pages,
coordinates included, no contact detail). Following a letter by query code shows an unpublished one's
progress only (status, service, dates, unit), never its text. Errors never repeat a submitted value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from contextlib import suppress
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import path, re_path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Site

from huimin.core import throttle
from huimin.sites import queries as site_queries

from . import deadlines, queries, services
from .enums import OPEN_STATES, Kind, State
from .forms import MOBILE
from .masking import mask
from .models import Letter

GROUP = "网民留言"
SERVICE = {"metadata": False, "type": "realtime", "keywords": "", "group": GROUP}
CONTENT_TYPE = "application/json; charset=utf-8"
JSON = {"safe": False, "content_type": CONTENT_TYPE, "json_dumps_params": {"ensure_ascii": False}}
WINDOW = timedelta(days=90)
MAX_RESULTS, MAX_IDS, MAX_CONTENT = 1000, 50, 5000
DEGREES = re.compile(r"\A[+-]?[0-9]{1,3}(?:\.[0-9]{1,15})?\Z")
CODE = re.compile(r"\A[A-Z0-9]{1,12}\Z")
OFFSET_AS_SPACE = re.compile(r"(:[0-9]{2}(?:\.[0-9]+)?) ([0-9]{2}(?::?[0-9]{2})?)\Z")  # "+" sent unescaped
HTTP_URL = URLValidator(schemes=["http", "https"])
UNREADABLE = "提交的内容无法解析：请以 UTF-8 编码的表单（application/x-www-form-urlencoded）提交。"
BAD_PLACE = "lat 和 long 须同时提供，且为有效的十进制纬度和经度。"


class Problem(Exception):
    """`Problem(status, description)`: an answer in Open311's format, `[{"code", "description"}]`."""


def _require(ok: bool, description: str, status: int = 400) -> None:
    if not ok:
        raise Problem(status, description)


def _passes(validator, value: str) -> bool:
    with suppress(ValidationError):
        return validator(value) is None
    return False


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, **JSON)


def endpoint(*methods):
    """Allow only these methods (405 otherwise) and answer a `Problem` in Open311's format."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                _require(request.method in methods, "不支持该请求方法。", 405)
                return view(request, *args, **kwargs)
            except Problem as problem:
                response = _error(*problem.args)
            response["Allow"] = ", ".join(methods)
            return response

        return wrapped

    return decorate


@endpoint("GET", "HEAD")
def service_list(request):
    return JsonResponse([_service(kind) for kind in Kind], **JSON)


def _service(kind: Kind) -> dict:
    days = deadlines.rule_for(kind).reply_days.normalize()
    description = f"网民{kind.label}留言，受理后在 {days:f} 个工作日内答复。"
    return {"service_code": kind.value, "service_name": kind.label, "description": description, **SERVICE}


@endpoint("GET", "HEAD")
def service_definition(request, code: str):
    _require(code in Kind.values, "服务不存在。", 404)
    return JsonResponse({"service_code": code, "attributes": []}, **JSON)


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _request(letter: Letter) -> dict:
    """Status-level fields for any letter; the masked text and answer only for a published one."""
    steps = ("received", "dispatched", "accepted", "replied", "closed")
    item = {
        "service_request_id": letter.query_code,
        "status": "open" if letter.state in OPEN_STATES else "closed",
        "service_name": letter.get_kind_display(),
        "service_code": letter.kind,
        "agency_responsible": letter.unit.name if letter.unit else None,
        "requested_datetime": _iso(letter.received_at),
        "updated_datetime": _iso(max(filter(None, (getattr(letter, f"{step}_at") for step in steps)))),
        "expected_datetime": _iso(letter.reply_due),
    }
    if letter.state == State.PUBLISHED and letter.replied_at is not None:  # as `queries.published`
        names, unit = (letter.contact_name,), letter.reply_unit or letter.unit
        item["description"] = mask(f"{letter.title}\n{letter.content}", names=names)  # hides coordinates too
        item["status_notes"] = mask(letter.reply, names=names)
        item["agency_responsible"] = unit.name if unit else None
    return item


def _jurisdiction(value: str) -> Site | None:
    site = site_queries.site_for_hostname(value)
    _require(
        site is not None or not value.strip(), "jurisdiction_id 不正确：请填写网站群中一个站点的主机名。"
    )
    return site


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _when(value: str) -> datetime | None:
    value = OFFSET_AS_SPACE.sub(r"\1+\2", (value or "").strip())
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    ok = moment is not None and 1970 <= moment.year <= 9000
    _require(ok, "start_date、end_date 须为 ISO 8601 日期时间，如 2026-01-01T00:00:00+08:00。")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _lookup(site: Site | None, codes: list[str]) -> list[dict]:
    """Letters by query code, whatever their state, in the order asked."""
    letters = Letter.objects.filter(query_code__in=codes).select_related("unit", "reply_unit")
    found = {letter.query_code: letter for letter in (letters.filter(site=site) if site else letters)}
    return [_request(found[code]) for code in codes if code in found]


def _list(request):
    params = request.GET
    site = _jurisdiction(params.get("jurisdiction_id", ""))
    codes = [code.upper() for code in _split(params.get("service_request_id", ""))]
    if codes:  # overrides the search parameters, as the specification says
        ok = len(codes) <= MAX_IDS and all(CODE.match(code) for code in codes)
        _require(ok, f"service_request_id 须为以逗号分隔的查询码，最多 {MAX_IDS} 个。")
        return JsonResponse(_lookup(site, list(dict.fromkeys(codes))), **JSON)
    kinds, statuses = _split(params.get("service_code", "")), _split(params.get("status", ""))
    _require(set(kinds) <= set(Kind.values), "service_code 不正确：请使用服务列表中的服务代码。")
    _require(set(statuses) <= {"open", "closed"}, "status 须为 open、closed 或以逗号分隔的两者。")
    start, end = _when(params.get("start_date", "")), _when(params.get("end_date", "")) or timezone.now()
    # The public disclosure: one site's (`queries.published`) or, with the same filter, the group's.
    letters = queries.published(site) if site else Letter.objects.filter(state=State.PUBLISHED)
    letters = letters.filter(replied_at__isnull=False, received_at__gte=start or end - WINDOW)
    letters = letters.filter(received_at__lte=end, kind__in=kinds or Kind.values)
    if statuses and "closed" not in statuses:
        letters = letters.none()  # published letters are closed
    letters = letters.select_related("unit", "reply_unit").order_by("-received_at", "-pk")[:MAX_RESULTS]
    return JsonResponse([_request(letter) for letter in letters], **JSON)


@endpoint("GET", "HEAD")
def request_detail(request, code: str):
    code = code.strip().upper()
    found = _lookup(_jurisdiction(request.GET.get("jurisdiction_id", "")), [code]) if CODE.match(code) else []
    _require(bool(found), "服务请求不存在。", 404)
    return JsonResponse(found, **JSON)


def _form(request) -> defaultdict[str, str]:
    """The submitted fields, stripped; a body not text in its declared charset (default UTF-8) is a 400."""
    _require(request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"), UNREADABLE)
    try:
        if request.content_type == "multipart/form-data":
            form = {key: request.POST.get(key, "") for key in request.POST}
        else:
            encoding = request.content_params.get("charset") or "utf-8"
            text, limit = request.body.decode(encoding), settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            form = dict(parse_qsl(text, True, encoding=encoding, errors="strict", max_num_fields=limit))
    except (ValueError, LookupError, SuspiciousOperation, MultiPartParserError):
        raise Problem(400, UNREADABLE) from None
    _require(not any("\ufffd" in value or "\x00" in value for value in form.values()), UNREADABLE)
    return defaultdict(str, {name: value.strip() for name, value in form.items()})


def _channel(key: str) -> str:
    channel = queries.channel_for_token(key)
    if channel is None:
        raise Problem(403, "api_key 无效或缺失。")
    return channel


def _coordinate(value: str, limit: int) -> str:
    _require(DEGREES.match(value) is not None and abs(float(value)) <= limit, BAD_PLACE)
    return str(float(value))


def _content(description: str, form: defaultdict[str, str]) -> str:
    media = form["media_url"]
    where = f"地址：{form['address_string']}" if form["address_string"] else ""
    if form["lat"] or form["long"]:
        where += f"（位置：{_coordinate(form['lat'], 90)}, {_coordinate(form['long'], 180)}）"
    _require(not media or _passes(HTTP_URL, media), "media_url 须为 http 或 https 网址。")
    content = "\n".join(line for line in (description, where, media and f"附件链接：{media}") if line)
    _require(len(content) <= MAX_CONTENT, f"留言内容连同地址、位置和附件链接不能超过 {MAX_CONTENT} 字。")
    return content


def _letter_data(form: defaultdict[str, str], channel: str, client_ip: str) -> services.LetterData:
    site = _jurisdiction(form["jurisdiction_id"]) or Site.objects.filter(is_default_site=True).first()
    _require(site is not None, "请填写 jurisdiction_id（网站群中一个站点的主机名）。")
    _require(form["service_code"] in Kind.values, "service_code 不正确：请使用服务列表中的服务代码。")
    description, name = form["description"], form["last_name"] + form["first_name"]
    _require(0 < len(description) <= MAX_CONTENT, f"请填写 description（留言内容），最多 {MAX_CONTENT} 字。")
    _require(0 < len(name) <= 50, "请填写 last_name 或 first_name（姓名），合计最多 50 字。")
    _require(_passes(MOBILE, form["phone"]), "phone 须为 11 位手机号码。")
    _require(not form["email"] or _passes(validate_email, form["email"]), "email 格式不正确。")
    title = form["attribute[title]"] or description.splitlines()[0].strip()[:30]
    _require(len(title) <= 100, "attribute[title] 最多 100 字。")
    _require(len(form["attribute[external_id]"]) <= 64, "attribute[external_id] 最多 64 个字符。")
    return services.LetterData(
        site=site,
        kind=form["service_code"],
        title=title,
        content=_content(description, form),
        contact_name=name,
        contact_phone=form["phone"],
        contact_email=form["email"],
        may_publish=form["attribute[may_publish]"].lower() in ("true", "1"),
        channel=channel,
        external_id=form["attribute[external_id]"],
        client_ip=client_ip,
    )


def _create(request):
    form = _form(request)
    data = _letter_data(form, _channel(form["api_key"]), throttle.client_ip(request))
    try:
        letter, password = services.submit_letter(data)
    except ValidationError as error:  # TooManyLetters is one too: 429
        status = 429 if isinstance(error, services.TooManyLetters) else 400
        raise Problem(status, "；".join(error.messages)) from None
    code = letter.query_code
    retried = getattr(letter, "retried", False)
    if password:
        earlier = "该留言此前已受理。" if retried else "留言已受理。"
        notice = f"{earlier}查询码 {code}，查询密码 {password}，可在本站“网民留言”查询办理进度。"
    else:
        notice = f"该留言此前已受理，查询码 {code}，可在本站“网民留言”查询办理进度；查询密码不再重复提供。"
    body = [{"service_request_id": code, "service_notice": notice, "account_id": None}]
    return JsonResponse(body, status=200 if retried else 201, **JSON)


@csrf_exempt
@endpoint("GET", "HEAD", "POST")
def requests_view(request):
    return _create(request) if request.method == "POST" else _list(request)


def not_found(request, rest: str = ""):
    return _error(404, "请求的资源不存在：本接口只提供 JSON 格式（.json）。")


urlpatterns = [
    path("services.json", service_list, name="open311_services"),
    path("services/<str:code>.json", service_definition, name="open311_service"),
    path("requests.json", requests_view, name="open311_requests"),
    path("requests/<str:code>.json", request_detail, name="open311_request"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
