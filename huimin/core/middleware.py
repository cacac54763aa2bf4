from django.conf import settings
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers
from wagtail.models import Site

from .views import page_not_found


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
        refused = not admin_host and not Site.objects.filter(hostname=host).exists()
        if not refused and not admin_host and settings.HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS:
            refused = request.path_info.startswith("/admin/")  # the admin answers on the admin hosts only
        if refused:
            response = page_not_found(request, None)
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


# --- browser hardening headers --------------------------------------------------------------------------
# Public pages run no inline script and load nothing from another origin (the CDN rule): their policy
# allows scripts from this origin only. Wagtail's admin (and the API's Swagger page) still has a few inline
# scripts of its own (inline panels, date widgets), so those paths also allow inline script until Wagtail's
# templates carry nonces; everything else in their policy is the same. Inline styles stay allowed: topic
# palettes set custom properties in style attributes.
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
CSP_ADMIN = "; ".join(("script-src 'self' 'unsafe-inline'", *_CSP_COMMON))
ADMIN_PATHS = ("/admin/", "/api/v1/docs")
# Nothing on the group's sites asks for these powers; a planted script could not either.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), "
    "interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        admin = request.path.startswith(ADMIN_PATHS)
        response.headers.setdefault("Content-Security-Policy", CSP_ADMIN if admin else CSP_PUBLIC)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
