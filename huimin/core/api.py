"""The glue of the platform's public JSON API (惠民开放接口): what every app's router shares.

`build_api()` makes the one NinjaAPI instance; `huimin/api.py` (beside the URL tree) adds each app's Router
to it, so this module imports no app. Errors are JSON `{"detail": "<中文说明>"}`: a query
parameter or body field that fails its declared type, bounds, length, pattern or choices answers 400 naming
it (never echoing the value), a path parameter that cannot be an identifier answers 404. A request body is
JSON in UTF-8 (`Content-Type: application/json`, else 415) of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes
(else 413).

What the schema states, the server enforces: the patterns below are written once and used both by the
pydantic fields (which enforce them) and in the schema. They are ECMA-262 regexes that pydantic's Rust
engine and Python's `re` read alike; whitespace is spelled out as a character class rather than left to
the engines' shorthand, which the three understand differently.

The interactive docs (/api/v1/docs) use the Swagger UI files shipped inside the django-ninja package,
served by this API itself: ninja is not an installed app, and its own docs page would otherwise load
Swagger UI from a CDN.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import ninja
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.operation import PathView
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator, WithJsonSchema

DOCS_ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}
DOCS_ASSET_MAX_AGE = 24 * 60 * 60
NOT_FOUND = "请求的资源不存在。"
HOSTNAME = re.compile(r"\A[a-z0-9.-]{1,255}\Z")  # what a `site` parameter may look like

# What str.strip() removes (every character for which str.isspace() is true).
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A text parameter: anything but NUL, which PostgreSQL cannot store or compare.
NO_NUL = r"^[^\x00]*$"
# Unanchored: the text has a character that is not whitespace (what `if not value.strip()` refuses).
NOT_BLANK = f"[^{WHITESPACE}]"
# The hostname of a site of the group, in any case; whether a site has it is for the server to say.
SITE_PATTERN = r"^[A-Za-z0-9.-]{1,255}$"
SITE_OR_EMPTY_PATTERN = r"^[A-Za-z0-9.-]{0,255}$"
SITE_RE = re.compile(SITE_PATTERN.strip("^$"))  # for fullmatch: Python's `$` also matches before a final \n
# For a JSON body: application/json in UTF-8.
JSON_ONLY = "请以 JSON 格式提交（Content-Type: application/json，UTF-8 编码）。"
BAD_JSON = "请求体不是有效的 JSON（须为 UTF-8 编码的 JSON 对象）。"
NOT_AN_OBJECT = "请求体须为 JSON 对象。"
NO_BODY = "缺少请求体（JSON 对象）。"
MAX_ID = 2**63 - 1


def _json_integer(value):
    """What JSON calls an integer: 5 or 5.0, never true or "5" (pydantic's lax mode takes both)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not an integer")
    return value


def json_integer(minimum: int, maximum: int):
    """An integer field of a JSON body from `minimum` to `maximum`, read as JSON Schema reads "integer"."""
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_json_integer)]


def id_in_path(maximum: int = MAX_ID):
    """A path id as the schema states it: a positive integer up to `maximum`. The view answers 404 with its
    own message for any other number, so the bounds are stated here rather than enforced by validation."""
    return Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": maximum})]


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")


def without_null(schema: dict) -> None:
    """`json_schema_extra` for an optional query parameter typed `X | None`: a query string has no null,
    so the schema states X alone (leaving the parameter out is how a client says "none")."""
    branches = schema.pop("anyOf", None)
    if branches:
        schema.update(next(branch for branch in branches if branch.get("type") != "null"))


class BodyProblem(ValueError):
    """A request body the API cannot read: its status (400 or 415) and Chinese message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class JSONBodyParser(Parser):
    """Request bodies are JSON objects in UTF-8 sent as application/json; anything else is refused here,
    before any view runs (ninja wraps the error in an HttpError whose cause this is)."""

    def parse_body(self, request: HttpRequest):
        if request.content_type != "application/json":
            raise BodyProblem(415, JSON_ONLY)
        charset = request.content_params.get("charset", "utf-8").strip().lower()
        if charset not in ("utf-8", "utf8"):
            raise BodyProblem(415, JSON_ONLY)
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BodyProblem(400, BAD_JSON) from None
        if not isinstance(data, dict):
            raise BodyProblem(400, NOT_AN_OBJECT)
        return data


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese text as UTF-8 rather than \\u escapes (half the bytes for Chinese content)."""

    json_dumps_params = {"ensure_ascii": False}


class LocalSwagger(DocsBase):
    """Swagger UI from the package's own files; no request leaves for a CDN or the swagger.io validator."""

    settings = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # Inside <script>, "<" must not appear raw; JSON allows it as \u003c.
        settings_json = json.dumps(settings, ensure_ascii=False).replace("<", "\\u003c")

        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs_asset", kwargs={"name": name})

        html = format_html(
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{}</title>\n'
            '<link rel="stylesheet" href="{}">\n<link rel="icon" href="{}" type="image/svg+xml">\n'
            '</head>\n<body data-csrf-token="" data-api-csrf="">\n'
            '<script type="application/json" id="swagger-settings">{}</script>\n'
            '<div id="swagger-ui"></div>\n<script src="{}"></script>\n<script src="{}"></script>\n'
            "</body>\n</html>\n",
            f"{api.title} 文档",
            asset("swagger-ui.css"),
            asset("favicon.svg"),
            # JSON made safe for a script element above; HTML-escaping would break its quotes.
            mark_safe(settings_json),  # noqa: S308
            asset("swagger-ui-bundle.js"),
            asset("swagger-ui-init.js"),
        )
        return HttpResponse(html)


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a、b、c" (the declared choices, never the value sent)."""
    return "、".join(value for value in re.findall(r"'([^']*)'", expected) if value)


def _parameter_problem(error: dict) -> str:
    """A Chinese message naming the parameter or field and the rule it breaks, never its value."""
    loc = tuple(error.get("loc") or ())
    names = [part for part in loc if isinstance(part, str)]
    name = names[-1] if names else "?"
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if loc and loc[0] == "body" and len(loc) <= 2:  # the body itself, not one of its fields
        return NO_BODY if kind == "missing" else NOT_AN_OBJECT
    if kind == "missing":
        return f"缺少参数 {name}。"
    if kind == "greater_than_equal":
        return f"参数 {name} 不能小于 {context.get('ge')}。"
    if kind == "less_than_equal":
        return f"参数 {name} 不能大于 {context.get('le')}。"
    if kind == "greater_than":
        return f"参数 {name} 须大于 {context.get('gt')}。"
    if kind == "less_than":
        return f"参数 {name} 须小于 {context.get('lt')}。"
    if kind.startswith("int_"):
        return f"参数 {name} 须为整数。"
    if kind.startswith("float_") or kind == "finite_number":
        return f"参数 {name} 须为数字。"
    if kind.startswith("bool_"):
        return f"参数 {name} 须为 true 或 false。"
    if kind == "string_type":
        return f"参数 {name} 须为字符串。"
    if kind == "string_too_short":
        return f"参数 {name} 不能为空。"
    if kind == "string_too_long":
        return f"参数 {name} 不能超过 {context.get('max_length')} 个字符。"
    if kind == "too_long":
        return f"参数 {name} 最多 {context.get('max_length')} 个。"
    if kind == "string_pattern_mismatch":
        return f"参数 {name} 的格式不正确。"
    if kind in ("literal_error", "enum"):
        return f"参数 {name} 的取值无效，可选：{_choices(str(context.get('expected', '')))}。"
    return f"参数 {name} 的值无效。"


def _method_not_allowed(self) -> HttpResponse:
    """ninja's answer to a method an address does not take, in Chinese and JSON like every other error."""
    allowed = sorted({method for operation in self.operations for method in operation.methods})
    response = JsonResponse(
        {"detail": f"此地址不支持该请求方法，可用的方法：{'、'.join(allowed)}。"},
        status=405,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Allow"] = ", ".join(allowed)
    return response


def build_api() -> NinjaAPI:
    """The API with its docs, its local Swagger assets and Chinese errors; no routers yet."""
    PathView._not_allowed = _method_not_allowed
    api = NinjaAPI(
        title="惠民开放接口",
        version="1",
        description="惠民政府网站集约化平台的公开数据接口。只读，无需登录；只返回已发布且公开的内容。",
        renderer=ChineseJSONRenderer(),
        parser=JSONBodyParser(),
        docs=LocalSwagger(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.get("/docs/assets/{name}", include_in_schema=False, url_name="docs_asset")
    def docs_asset(request: HttpRequest, name: str):
        if name not in DOCS_ASSETS:
            raise Http404
        response = FileResponse((DOCS_ASSET_DIR / name).open("rb"), content_type=DOCS_ASSETS[name])
        response["Cache-Control"] = f"public, max-age={DOCS_ASSET_MAX_AGE}"
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = exc.errors or [{}]
        if any((error.get("loc") or ("",))[0] == "path" for error in errors):
            return api.create_response(request, {"detail": NOT_FOUND}, status=404)
        return api.create_response(request, {"detail": _parameter_problem(errors[0])}, status=400)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Never str(exc): a 404 raised deeper down may carry request input. Specific messages use HttpError.
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, BodyProblem):  # raised by JSONBodyParser, wrapped by ninja
            return api.create_response(request, {"detail": cause.message}, status=cause.status)
        if str(exc).startswith("Cannot parse request body"):  # ninja's own, for any other parse failure
            return api.create_response(request, {"detail": BAD_JSON}, status=400)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return api.create_response(request, {"detail": f"请求体过大：不能超过 {limit} MB。"}, status=413)

    return api
