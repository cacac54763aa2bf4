"""Error pages, in Chinese. The 404, 403 and 500 pages are drawn inside the site's own chrome (header,
search box, main navigation, footer) when that can be had: the chrome is rendered in full inside a
try/except, and anything failing on the way (the database, a context processor, the request itself) gives
the bare page instead, which reads nothing and cannot fail a second time. The 400 page is always bare: the
request's body may be what failed. A host that no site claims gets "site not found" (KnownHostMiddleware)."""

import logging

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template.loader import render_to_string
from wagtail.models import Site

UTF8_ONLY = "must be UTF-8 encoded"
logger = logging.getLogger(__name__)

NOT_FOUND_LINES = ["您访问的地址没有对应的页面，可能已被删除、更名，或者地址输入有误。"]
FORBIDDEN_LINES = ["您没有权限访问这个页面或执行这个操作。如需权限，请联系本单位的站点管理员。"]
CSRF_LINES = [
    "为保护您的信息安全，表单只能从本站页面提交，且须在打开页面后一段时间内提交。",
    "请返回上一页，刷新后重新填写提交。如果浏览器禁用了 Cookie，请先启用。",
]
SERVER_ERROR_LINES = ["系统出现了问题，我们已经记录。请稍后再试。"]


def _branded(template: str, plain: str, request, context: dict) -> str:
    """The page in the site's chrome, or the bare page when drawing the chrome fails."""
    try:
        return render_to_string(template, context, request=request)
    except Exception:
        logger.warning("error page %s drawn without the site chrome", template, exc_info=True)
        return render_to_string(plain, context)


def page_not_found(request, exception=None):
    return HttpResponseNotFound(
        _branded("core/404.html", "core/404_plain.html", request, {"lines": NOT_FOUND_LINES})
    )


def site_not_found(request):
    """The answer for a host no site of the group claims: the group's sites to go to (their hosts and
    names only; nothing of the request is read). Bare if even that cannot be had."""
    try:
        sites = [
            {"url": site.root_url + "/", "name": site.site_name or site.hostname}
            for site in Site.objects.order_by("-is_default_site", "pk")
        ]
        body = render_to_string("core/site_not_found.html", {"sites": sites})
    except Exception:
        logger.warning("site-not-found page drawn bare", exc_info=True)
        body = render_to_string("core/404_plain.html")
    return HttpResponseNotFound(body)


def bad_request(request, exception=None):
    # Django's own handler runs the CSRF token code, which reads the body again: a form posted in GBK
    # would fail once more and become a 500. This one reads nothing of the request.
    encoding = UTF8_ONLY in str(exception or "")
    return HttpResponseBadRequest(render_to_string("core/400.html", {"encoding": encoding}))


def permission_denied(request, exception=None):
    context = {"csrf": False, "lines": FORBIDDEN_LINES}
    return HttpResponseForbidden(_branded("core/403.html", "core/403_plain.html", request, context))


def csrf_failure(request, reason=""):
    context = {"csrf": True, "lines": CSRF_LINES}
    return HttpResponseForbidden(_branded("core/403.html", "core/403_plain.html", request, context))


def server_error(request):
    return HttpResponseServerError(
        _branded("core/500.html", "core/500_plain.html", request, {"lines": SERVER_ERROR_LINES})
    )
