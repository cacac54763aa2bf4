"""The script nonce of the request being handled (Content-Security-Policy, decision 0011).

`SecurityHeadersMiddleware` gives every request a `LazyNonce` as `request.csp_nonce` and makes it the current
one while the response is made; a nonce is only drawn when something reads it. Templates write it with
`{% load csp %}<script nonce="{% csp_nonce %}">`. Form widgets are rendered without the request (Django's form
renderer passes them no context), so the tag falls back to the current request's nonce, which is also what
`current_nonce()` returns to Python code such as the patch of Wagtail's chooser widgets below.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty
from django.utils.html import escape
from django.utils.safestring import mark_safe

NONCE_BYTES = 18  # 24 characters of URL-safe base64, well above CSP's 128 bits


class LazyNonce(SimpleLazyObject):
    """A nonce drawn from `secrets` the first time it is read; false until then."""

    def __init__(self):
        super().__init__(lambda: secrets.token_urlsafe(NONCE_BYTES))

    def __bool__(self):
        return self._wrapped is not empty


_current: ContextVar[LazyNonce | None] = ContextVar("huimin_csp_nonce", default=None)


def activate(nonce: LazyNonce):
    """Make `nonce` the current request's; returns the token that `deactivate` takes."""
    return _current.set(nonce)


def deactivate(token) -> None:
    _current.reset(token)


def current_nonce() -> str:
    """The current request's nonce, drawn now if not yet; "" outside a request (a command, a task)."""
    nonce = _current.get()
    return str(nonce) if nonce is not None else ""


# --- Wagtail's chooser widgets -------------------------------------------------------------------------
# `BaseChooser.render` (page, image, document, snippet and task choosers in a FieldPanel or an InlinePanel
# form) builds its HTML in Python and ends it with `<script>new PageChooser(...)</script>`: no template to
# override, so its output gets the nonce here. Inside StreamField the choosers are built by telepath from
# data attributes and run no inline script.
_INIT_SCRIPT = "<script>"


def nonce_wagtail_choosers() -> None:
    """Put the current nonce on the init script that ends the output of Wagtail's `BaseChooser.render`."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "huimin_nonce", False):
        return
    original = BaseChooser.render

    def render(self, name, value, attrs=None, renderer=None):
        html = original(self, name, value, attrs=attrs, renderer=renderer)
        head, found, script = str(html).rpartition(_INIT_SCRIPT)
        if not found or not script.endswith("</script>"):
            return html  # Wagtail changed the shape; the admin's browser test reports the blocked script
        return mark_safe(f'{head}<script nonce="{escape(current_nonce())}">{script}')  # noqa: S308 - Wagtail's own HTML

    render.huimin_nonce = True
    BaseChooser.render = render
