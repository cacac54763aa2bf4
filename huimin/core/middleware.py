import base64
import re
from hashlib import sha256

from django.conf import settings
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers
from wagtail.models import Site

from . import csp
from .views import page_not_found, site_not_found


class KnownHostMiddleware:
    """Answer 404 for any host that no site of the group (and no admin host) claims, and for the admin on a
    site's host when HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS is on (production).

    Runs before sessions and CSRF so a stray Host header costs one indexed query and nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        host = request.get_host().rsplit(":", 1)[0].lower().strip("[]")
        admin_host = host in settings.HUIMIN_ADMIN_HOSTS
        unknown = not admin_host and not Site.objects.filter(hostname=host).exists()
        refused = unknown
        if not refused and not admin_host and settings.HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS:
            refused = request.path_info.startswith("/admin/")  # the admin answers on the admin hosts only
        if refused:
            response = site_not_found(request) if unknown else page_not_found(request, None)
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


# --- browser hardening headers --------------------------------------------------------------------------
# Public pages run no inline script and load nothing from another origin (the CDN rule): their policy
# allows scripts from this origin only. Wagtail's admin (and the API's Swagger page) also runs inline
# scripts of Wagtail's own (inline panels, date and time widgets, chooser widgets): there each response
# allows, besides this origin, only the scripts that carry its nonce (`core/csp.py`), which the templates
# overridden under core/templates/wagtailadmin/ and the patched chooser widget write; an injected script has
# no nonce and does not run. Neither policy allows 'unsafe-inline' or 'unsafe-eval' for scripts (decision
# 0011 lists each inline script and how it got its nonce). Inline styles stay allowed: topic palettes set
# custom properties in style attributes, and Wagtail's admin sets styles from its scripts.
_CSP_COMMON = (
    "default-src 'self'",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
)
CSP_PUBLIC = "; ".join(("script-src 'self'", *_CSP_COMMON))
ADMIN_PATHS = ("/admin/", "/api/v1/docs")
# Nothing on the group's sites asks for these powers; a planted script could not either.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), "
    "interest-cohort=()"
)


# One exception, on one path: Jcrop, which Wagtail's focal-point chooser runs on an image's edit page, probes
# for touch support by setting the no-op handler ontouchstart="return;" on a detached element. That handler
# body, and no other, is allowed there by its hash ('unsafe-hashes' lets a hash match an event-handler
# attribute), so the probe runs as it did before the nonces and reports no violation.
JCROP_TOUCH_PROBE = "'unsafe-hashes' 'sha256-{}'".format(
    base64.b64encode(sha256(b"return;").digest()).decode()
)
_ADMIN_SCRIPT_EXCEPTIONS = ((re.compile(r"/admin/images/\d+/\Z"), JCROP_TOUCH_PROBE),)


def csp_admin(nonce: str, path: str = "") -> str:
    """The admin's policy: the public one, plus the inline scripts that carry this response's nonce (and, on
    the path of an exception above, its allowance)."""
    sources = ["'self'", f"'nonce-{nonce}'"]
    sources += [allowed for pattern, allowed in _ADMIN_SCRIPT_EXCEPTIONS if pattern.match(path)]
    return "; ".join(("script-src " + " ".join(sources), *_CSP_COMMON))


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response that has none of its own; and the
    request's script nonce (`request.csp_nonce`, drawn only when read), current while the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.csp_nonce = nonce = csp.LazyNonce()
        token = csp.activate(nonce)
        try:
            response = self.get_response(request)
        finally:
            csp.deactivate(token)
        if request.path.startswith(ADMIN_PATHS):
            response.headers.setdefault("Content-Security-Policy", csp_admin(str(nonce), request.path))
        else:
            response.headers.setdefault("Content-Security-Policy", CSP_PUBLIC)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
