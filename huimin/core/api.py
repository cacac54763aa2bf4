"""The glue of the platform's public JSON API (惠民开放接口): what every app's router shares.

`build_api()` makes the one NinjaAPI instance; `huimin/api.py` (beside the URL tree) adds each app's Router
to it, so this module imports no app. Errors are JSON `{"detail": "<中文说明>"}`: a query
parameter that fails its declared type or bounds answers 400 naming the parameter (never echoing the
value), a path parameter that cannot be an identifier answers 404.

The interactive docs (/api/v1/docs) use the Swagger UI files shipped inside the django-ninja package,
served by this API itself: ninja is not an installed app, and its own docs page would otherwise load
Swagger UI from a CDN.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

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


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")


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


def _parameter_problem(error: dict) -> str:
    name = str(error["loc"][-1]) if error.get("loc") else "?"
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "greater_than_equal":
        return f"参数 {name} 不能小于 {context.get('ge')}。"
    if kind == "less_than_equal":
        return f"参数 {name} 不能大于 {context.get('le')}。"
    if kind.startswith("int_"):
        return f"参数 {name} 须为整数。"
    if kind == "missing":
        return f"缺少参数 {name}。"
    return f"参数 {name} 的值无效。"


def build_api() -> NinjaAPI:
    """The API with its docs, its local Swagger assets and Chinese errors; no routers yet."""
    api = NinjaAPI(
        title="惠民开放接口",
        version="1",
        description="惠民政府网站集约化平台的公开数据接口。只读，无需登录；只返回已发布且公开的内容。",
        renderer=ChineseJSONRenderer(),
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

    return api
