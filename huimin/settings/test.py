from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "huimin.letters.hashers.QueryPasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "letters": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "disclosure": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "assessment": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "workorders": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
HUIMIN_SMS_BACKEND = "huimin.core.notify.LocmemSms"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests read what they just wrote through the database; the page cache's own tests turn it on.
HUIMIN_PAGE_CACHE = False
# Both ranking paths are tested on PostgreSQL: with the RUM indexes (where CI installs the extension) and,
# by the tests that take them away, without.
HUIMIN_SEARCH_RUM = True
HUIMIN_FRONT_CACHE_URL = ""
WAGTAILFRONTENDCACHE = {}
HUIMIN_SECOND_FACTOR = True  # whatever the developer's environment says
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
