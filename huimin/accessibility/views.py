"""Switching between the standard, elderly-friendly (长者模式) and plain-text (纯文本) versions.

A plain link, so it works without JavaScript: it stores the choice in a cookie and goes back to the page.
"""

from django.http import Http404, HttpResponseRedirect
from django.views.decorators.http import require_GET

from .enums import MODE_COOKIE, MODE_COOKIE_AGE, Mode
from .queries import safe_next


@require_GET
def switch_mode(request, mode: str):
    if mode not in Mode.values:
        raise Http404("没有这种浏览模式。")
    response = HttpResponseRedirect(safe_next(request, request.GET.get("next")))
    if mode == Mode.STANDARD:
        response.delete_cookie(MODE_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            MODE_COOKIE,
            mode,
            max_age=MODE_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response
