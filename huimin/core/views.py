"""Error pages, in Chinese, rendered without the request context: the failure may have come from the
database, a context processor or the request itself (a body that cannot be read), and none of them may
fail a second time while the error is being answered."""

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template.loader import render_to_string

UTF8_ONLY = "must be UTF-8 encoded"


def page_not_found(request, exception=None):
    return HttpResponseNotFound(render_to_string("core/404.html", request=request))


def bad_request(request, exception=None):
    # Django's own handler runs the CSRF token code, which reads the body again: a form posted in GBK
    # would fail once more and become a 500. This one reads nothing of the request.
    encoding = UTF8_ONLY in str(exception or "")
    return HttpResponseBadRequest(render_to_string("core/400.html", {"encoding": encoding}))


def permission_denied(request, exception=None):
    return HttpResponseForbidden(render_to_string("core/403.html", {"csrf": False}))


def csrf_failure(request, reason=""):
    return HttpResponseForbidden(render_to_string("core/403.html", {"csrf": True}))


def server_error(request):
    return HttpResponseServerError(render_to_string("core/500.html"))
