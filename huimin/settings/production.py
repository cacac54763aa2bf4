"""Production only hardens: it needs real secrets and hosts, and refuses to start without them."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
HUIMIN_SERVE_MEDIA = False  # nginx serves /media/ (and refuses /media/documents/)
SECRET_KEY = env.required("SECRET_KEY", reject={"insecure-development-key-never-used-in-production"})
if len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS") or ["*"]
WAGTAILADMIN_BASE_URL = env.required("WAGTAILADMIN_BASE_URL")
HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS = env.bool("HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS", True)
if not HUIMIN_SECOND_FACTOR:  # noqa: F405 - staff sign in with a second factor in production (decision 0012)
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("HUIMIN_SECOND_FACTOR cannot be turned off in production.")

WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env.bool("HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Behind HTTPS (the default), browsers are told to use nothing else for a year, on the department sites
# (subdomains of the portal) too. A city whose other systems still serve a subdomain over plain HTTP sets
# SECURE_HSTS_INCLUDE_SUBDOMAINS=0 and SECURE_HSTS_PRELOAD=0 until they move. Redirecting plain HTTP is
# nginx's job (docs/operations.md), so Django's own redirect (security.W008) stays off: local probes and
# timers reach the app over plain HTTP on the loopback address.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SESSION_COOKIE_SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", SESSION_COOKIE_SECURE)
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview shows the page in a frame of the admin's own origin
# security.W019 asks for DENY, which would break that preview; CSP frame-ancestors 'self' says the same.
SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W019"]
CONN_MAX_AGE = env.int("CONN_MAX_AGE", 60, minimum=0)
# Persistent connections, checked before reuse so that a restarted primary or replica costs no failed request.
for _alias in DATABASES:  # noqa: F405 - default, and the replica when DATABASE_REPLICA_URL is set
    DATABASES[_alias]["CONN_MAX_AGE"] = CONN_MAX_AGE  # noqa: F405
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = CONN_MAX_AGE > 0  # noqa: F405
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
