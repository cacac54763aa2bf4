"""Settings shared by every environment. Everything that varies comes from environment variables."""

from pathlib import Path

from huimin.core.env import Env

env = Env()

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = env.path("HUIMIN_VAR_DIR", BASE_DIR / "var")

SECRET_KEY = env.str("SECRET_KEY", "insecure-development-key-never-used-in-production")
DEBUG = env.bool("DEBUG", False)
# Hosts are checked against the site group by huimin.core.middleware.KnownHostMiddleware, which
# answers 404 for a host no site claims; ALLOWED_HOSTS may narrow further in production.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["*"])
# Hosts that serve only the admin (no site of the group lives there).
HUIMIN_ADMIN_HOSTS = env.list("HUIMIN_ADMIN_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "huimin.core",
    "huimin.sites",
    "huimin.articles",
    "huimin.policies",
    "huimin.workdays",
    "huimin.letters",
    "huimin.inspection",
    "huimin.accessibility",
    "huimin.guides",
    "huimin.topics",
    "huimin.interviews",
    "huimin.opendata",
    "huimin.search",
    "huimin.disclosure",
    "huimin.assessment",
    "huimin.workorders",
    "huimin.safety",
    "huimin.security",
    "huimin.operations",
    "huimin.accounts",
    "huimin.subscriptions",
    "huimin.profiles",
    "huimin.surveys",
    "huimin.pagecache",
    "huimin.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "huimin.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "huimin.pagecache.middleware.PageCacheMiddleware",  # a hit costs no database query: before KnownHost
    "huimin.core.middleware.KnownHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huimin.core.replica.ReplicaReadsMiddleware",  # reads from the replica, when there is one
    "huimin.core.login.IdleTimeoutMiddleware",
    "huimin.core.otp.OTPMiddleware",  # django-otp's, see there
    "huimin.core.otp.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "huimin.accessibility.middleware.DisplayModeMiddleware",
    "huimin.sites.middleware.SharedScreenScopeMiddleware",
]

ROOT_URLCONF = "huimin.urls"
HUIMIN_API = "huimin.api.api"
CSRF_FAILURE_VIEW = "huimin.core.views.csrf_failure"  # the assembled /api/v1/ instance, for `huimin openapi`

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huimin.sites.context_processors.site_identity",
                "huimin.sites.context_processors.site_chrome",
                "huimin.accessibility.context_processors.display_mode",
            ],
        },
    },
]

WSGI_APPLICATION = "huimin.wsgi.application"

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'huimin.sqlite3'}")}
# A PostgreSQL streaming replica (docs/operations.md, "Scaling out"): with DATABASE_REPLICA_URL set,
# anonymous GET/HEAD requests for public pages and the read API read from it (huimin.core.dbrouter,
# core/replica.py), except under HUIMIN_REPLICA_EXCLUDED_PATHS; everything else, and migrations, use the
# primary. Tests point the alias at the test database itself (TEST MIRROR).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", "")
HUIMIN_REPLICA_EXCLUDED_PATHS = env.list("HUIMIN_REPLICA_EXCLUDED_PATHS", ["/admin/", "/accounts/"])
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.database("DATABASE_REPLICA_URL", "")
    if not all("postgresql" in DATABASES[alias]["ENGINE"] for alias in ("default", "replica")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, for DATABASE_URL as well.")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["huimin.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "huimin.core.login.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("HUIMIN_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "huimin.core.login.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
    {
        "NAME": "huimin.core.login.PasswordHistoryValidator",
        "OPTIONS": {"count": env.int("HUIMIN_PASSWORD_HISTORY", 5, minimum=1)},
    },
]

# Staff login (core/login.py): failures within the lock window that lock an account or an address, the
# idle timeout and the absolute lifetime of a session.
WAGTAILADMIN_USER_LOGIN_FORM = "huimin.core.login.StaffLoginForm"
HUIMIN_LOGIN_FAILURES_PER_ACCOUNT = env.int("HUIMIN_LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
HUIMIN_LOGIN_FAILURES_PER_IP = env.int("HUIMIN_LOGIN_FAILURES_PER_IP", 20, minimum=1)
HUIMIN_LOGIN_LOCK_MINUTES = env.int("HUIMIN_LOGIN_LOCK_MINUTES", 15, minimum=1)
HUIMIN_SESSION_IDLE_MINUTES = env.int("HUIMIN_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = env.int("HUIMIN_SESSION_MAX_HOURS", 12, minimum=1) * 60 * 60
# A second factor for staff (core/otp.py, decision 0012): with HUIMIN_SECOND_FACTOR on (production refuses
# it off), a person with a confirmed device passes a second step before any admin URL answers, and a person
# the predicate names (a dotted path: core imports no app) must enrol first. The issuer is the name
# authenticator apps show next to the account.
HUIMIN_SECOND_FACTOR = env.bool("HUIMIN_SECOND_FACTOR", True)
HUIMIN_SECOND_FACTOR_REQUIRED = "huimin.sites.queries.second_factor_required"
OTP_TOTP_ISSUER = env.str("HUIMIN_SECOND_FACTOR_ISSUER", "惠民网站群")
# The admin only on HUIMIN_ADMIN_HOSTS (production turns it on): a site's public host answers 404 there.
HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS = env.bool("HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS", False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# The admin offers no other zone: every time a person reads is Beijing time (and Wagtail's account form
# would otherwise offer "localtime", which the browser does not know).
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
USE_I18N = True
# Huimin's simplified Chinese for what Wagtail's own zh_Hans catalogues lack (`huimin i18n-gaps`).
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Huimin serves /media/ itself only for development and tests (nginx does in production): on with DEBUG.
HUIMIN_SERVE_MEDIA = env.bool("HUIMIN_SERVE_MEDIA", DEBUG)
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic outside production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Letters' attachments: private, never under MEDIA_URL; downloaded only through views that check access.
    "letters": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "letters", "base_url": None},
    },
    # 依申请公开: applicants' ID copies, released records and reply letters; private like the letters' files.
    "disclosure": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "disclosure", "base_url": None},
    },
    # 年考核: assessors' evidence (screenshots) and units' submitted material; private like letters' files.
    "assessment": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "assessment", "base_url": None},
    },
    # 网站工单 and the security register: screenshots, reports and fixes; private like letters' files.
    "workorders": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "workorders", "base_url": None},
    },
}

# Background work: Django's tasks API with the database backend, so no broker is needed.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "huimin.letters.hashers.QueryPasswordHasher",  # only for letters' query passwords
]

# Sensitive words that flag a letter for review (one per line); default: huimin/letters/data/.
HUIMIN_SENSITIVE_WORDS_FILE = env.str("HUIMIN_SENSITIVE_WORDS_FILE", "")

# Tokens of the intake channels that post letters through the API: channel=token pairs
# (channels: app, mini_program, hotline, other). Without a token, a letter posted to the API counts as web.
HUIMIN_LETTER_TOKENS = env.pairs("HUIMIN_LETTER_TOKENS")
# Limits on the public web channel (the form, and the API without a channel token), per hour: letters from
# one mobile number, letters from one address, and wrong query passwords from one address.
HUIMIN_LETTERS_PER_PHONE_HOUR = env.int("HUIMIN_LETTERS_PER_PHONE_HOUR", 5, minimum=1)
HUIMIN_LETTERS_PER_IP_HOUR = env.int("HUIMIN_LETTERS_PER_IP_HOUR", 20, minimum=1)
HUIMIN_QUERY_FAILURES_PER_IP_HOUR = env.int("HUIMIN_QUERY_FAILURES_PER_IP_HOUR", 10, minimum=1)
# Attachments to letters: the kinds allowed (jpg, png, pdf, docx, xlsx, doc, xls), the size of each, how many.
HUIMIN_LETTER_ATTACHMENT_TYPES = env.list(
    "HUIMIN_LETTER_ATTACHMENT_TYPES", ["jpg", "png", "pdf", "docx", "xlsx", "doc", "xls"]
)
HUIMIN_LETTER_ATTACHMENT_MAX_MB = env.int("HUIMIN_LETTER_ATTACHMENT_MAX_MB", 10, minimum=1)
HUIMIN_LETTER_ATTACHMENT_MAX_FILES = env.int("HUIMIN_LETTER_ATTACHMENT_MAX_FILES", 3, minimum=1)
HUIMIN_STATISTICS_IMPORT_MAX_MB = env.int("HUIMIN_STATISTICS_IMPORT_MAX_MB", 5, minimum=1)
HUIMIN_GUIDE_FORM_MAX_MB = env.int("HUIMIN_GUIDE_FORM_MAX_MB", 20, minimum=1)
# Open data: the largest resource file taken (uploaded or fetched), the largest page of rows the API and the
# previews serve, how long a fetch may take (seconds), and whether files may be fetched from private or
# loopback addresses (off in production; tests turn it on to fetch from a local server).
HUIMIN_OPENDATA_MAX_UPLOAD_MB = env.int("HUIMIN_OPENDATA_MAX_UPLOAD_MB", 200, minimum=1)
HUIMIN_OPENDATA_MAX_PAGE_SIZE = env.int("HUIMIN_OPENDATA_MAX_PAGE_SIZE", 1000, minimum=1)
HUIMIN_OPENDATA_FETCH_TIMEOUT = env.int("HUIMIN_OPENDATA_FETCH_TIMEOUT", 30, minimum=1)
HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE = env.bool("HUIMIN_OPENDATA_FETCH_ALLOW_PRIVATE", False)
# Files larger than this (MB) are loaded into the datastore by the task worker rather than in the web
# request (a million rows take about half a minute); the admin shows the version as 待导入 meanwhile.
HUIMIN_OPENDATA_BACKGROUND_MB = env.int("HUIMIN_OPENDATA_BACKGROUND_MB", 5, minimum=0)
# Requests to the data API (/api/v1/datasets…) per client address and hour without an API key; a key has
# its own hourly limit, set when it is issued.
HUIMIN_OPENDATA_API_PER_IP_HOUR = env.int("HUIMIN_OPENDATA_API_PER_IP_HOUR", 1000, minimum=1)
# Reverse proxies in front of the site, whose X-Forwarded-For header is believed (addresses, comma-separated).
HUIMIN_TRUSTED_PROXIES = env.list("HUIMIN_TRUSTED_PROXIES", [])
# Where notices about letters go out (each a class with send(notice)); e-mail by default.
# The city's event-dispatch platform (市域治理"一张网"): when a URL is set, every new letter is pushed to it,
# signed with the secret, and the platform reports back to /api/v1/letters/{id}/events signed the same way.
HUIMIN_DISPATCH_URL = env.str("HUIMIN_DISPATCH_URL", "")
HUIMIN_DISPATCH_SECRET = env.str("HUIMIN_DISPATCH_SECRET", "")
HUIMIN_DISPATCH_TIMEOUT = env.int("HUIMIN_DISPATCH_TIMEOUT", 10, minimum=1)
# What acts on a recorded crawl of the patrol: functions taking (run, now), called in order.
HUIMIN_PATROL_FOLLOWERS = env.list(
    "HUIMIN_PATROL_FOLLOWERS", ["huimin.workorders.findings.from_run", "huimin.security.alerts.from_run"]
)
# What acts on each round of availability probes (`huimin inspect-probe`): functions taking (probes, now).
HUIMIN_PROBE_FOLLOWERS = env.list("HUIMIN_PROBE_FOLLOWERS", ["huimin.security.alerts.from_probes"])
HUIMIN_LETTER_NOTIFIERS = env.list("HUIMIN_LETTER_NOTIFIERS", ["huimin.letters.notify.EmailChannel"])
# SMS: the gateway class (huimin.core.notify: LocmemSms keeps messages in memory, ConsoleSms logs them,
# HttpSms posts them to HUIMIN_SMS_GATEWAY_URL with the token), and the signature put before every text.
HUIMIN_SMS_BACKEND = env.str("HUIMIN_SMS_BACKEND", "huimin.core.notify.ConsoleSms")
HUIMIN_SMS_GATEWAY_URL = env.str("HUIMIN_SMS_GATEWAY_URL", "")
HUIMIN_SMS_GATEWAY_TOKEN = env.str("HUIMIN_SMS_GATEWAY_TOKEN", "")
HUIMIN_SMS_SIGNATURE = env.str("HUIMIN_SMS_SIGNATURE", "")
HUIMIN_SMS_FILE = env.str("HUIMIN_SMS_FILE", "")

# Citizen accounts (docs/accounts.md). The login hub: the host where the group's accounts sign in (empty: the
# default site's host, else the city portal's). Citizens' sessions end after HUIMIN_ACCOUNT_SESSION_DAYS.
HUIMIN_ACCOUNTS_HUB = env.str("HUIMIN_ACCOUNTS_HUB", "")
HUIMIN_ACCOUNT_SESSION_DAYS = env.int("HUIMIN_ACCOUNT_SESSION_DAYS", 14, minimum=1)
HUIMIN_ACCOUNT_TERMS_VERSION = env.str("HUIMIN_ACCOUNT_TERMS_VERSION", "2026-1")
# Verification codes: minutes they stay valid, wrong tries before one is spent, and how many may be sent to
# one address (and from one client address) per hour.
HUIMIN_ACCOUNT_CODE_MINUTES = env.int("HUIMIN_ACCOUNT_CODE_MINUTES", 10, minimum=1)
HUIMIN_ACCOUNT_CODE_TRIES = env.int("HUIMIN_ACCOUNT_CODE_TRIES", 5, minimum=1)
HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR = env.int("HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR", 5, minimum=1)
HUIMIN_ACCOUNT_CODES_PER_IP_HOUR = env.int("HUIMIN_ACCOUNT_CODES_PER_IP_HOUR", 20, minimum=1)
# Seconds before a new code may be sent to the same address; wrong query codes/passwords when claiming a
# letter or application, and wrong passwords when closing an account, per account and hour.
HUIMIN_ACCOUNT_CODE_RESEND_SECONDS = env.int("HUIMIN_ACCOUNT_CODE_RESEND_SECONDS", 60, minimum=1)
HUIMIN_ACCOUNT_CLAIM_FAILURES_PER_HOUR = env.int("HUIMIN_ACCOUNT_CLAIM_FAILURES_PER_HOUR", 10, minimum=1)
HUIMIN_ACCOUNT_DELETE_FAILURES_PER_HOUR = env.int("HUIMIN_ACCOUNT_DELETE_FAILURES_PER_HOUR", 5, minimum=1)
# The province's identity service (OpenID Connect), used when HUIMIN_OIDC_ISSUER is set.
HUIMIN_OIDC_ISSUER = env.str("HUIMIN_OIDC_ISSUER", "")
HUIMIN_OIDC_LABEL = env.str("HUIMIN_OIDC_LABEL", "江苏政务服务网统一身份认证")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", "")
# The provider's endpoints, when they are not the issuer's usual paths (/oauth2/authorize, /oauth2/token,
# /userinfo, /jwks; huimin.accounts.oidc), and how its tokens are checked.
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", "openid profile phone email")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", 10, minimum=1)
# Staff sign in with a password (and their second factor); citizens also through the province's service.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "huimin.accounts.oidc.AccountOIDCBackend",
]
# Push: deliveries per account and day, and per minute for the whole group (the rest waits for the next run).
HUIMIN_PUSH_PER_ACCOUNT_DAY = env.int("HUIMIN_PUSH_PER_ACCOUNT_DAY", 20, minimum=1)
HUIMIN_PUSH_PER_MINUTE = env.int("HUIMIN_PUSH_PER_MINUTE", 600, minimum=1)
# The column types whose articles are pushed as notices (other articles are not pushed).
HUIMIN_PUSH_NOTICE_COLUMN_TYPES = env.list("HUIMIN_PUSH_NOTICE_COLUMN_TYPES", ["通知公告"])
# The half-life (days) of a reader's interest weights; 0 keeps the one in huimin/profiles/data/rules.json.
HUIMIN_PROFILE_HALF_LIFE_DAYS = env.int("HUIMIN_PROFILE_HALF_LIFE_DAYS", 0, minimum=0)

# Caches. Without REDIS_URL (the embedded default) each process keeps its own memory cache ("default") and
# whole pages are kept in files under var/cache/pages, which every process on the host shares
# (huimin/pagecache, docs/operations.md). With REDIS_URL (e.g. redis://127.0.0.1:6379/0) both live in Redis,
# shared by every host.
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": env.int("HUIMIN_PAGE_CACHE_MAX_ENTRIES", 20_000, minimum=100)},
        },
    }

# Whole public pages for anonymous readers, kept until what they show changes (huimin/pagecache,
# docs/operations.md); HUIMIN_PAGE_CACHE_SECONDS bounds how long anything not purged by a change (a survey's
# closing hour passing, the most-read list) can stay. A front cache (Varnish) is purged with it when
# WAGTAILFRONTENDCACHE names one, e.g. HUIMIN_FRONT_CACHE_URL=http://127.0.0.1:6081.
HUIMIN_PAGE_CACHE = env.bool("HUIMIN_PAGE_CACHE", True)
HUIMIN_PAGE_CACHE_SECONDS = env.int("HUIMIN_PAGE_CACHE_SECONDS", 300, minimum=1)
# How many pages each process also keeps in memory, so a hit reads only the small purge tokens (0: none).
HUIMIN_PAGE_CACHE_RECENT = env.int("HUIMIN_PAGE_CACHE_RECENT", 100, minimum=0)
HUIMIN_FRONT_CACHE_URL = env.str("HUIMIN_FRONT_CACHE_URL", "")
if HUIMIN_FRONT_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "huimin.pagecache.frontend.BanBackend", "LOCATION": HUIMIN_FRONT_CACHE_URL}
    }

# Sessions: in the database; with REDIS_URL, read through Redis and written to both ("cached_db"), so every
# app server finds a session at once without a database read, and a Redis restart or eviction signs nobody
# out (the page cache shares that Redis). Rate limits (huimin/core/throttle.py) move to Redis with REDIS_URL.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif DATABASE_REPLICA_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs REDIS_URL, where app servers share its fence.")

TASKS = {"default": {"BACKEND": env.str("HUIMIN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

WAGTAIL_SITE_NAME = "惠民政府网站集约化平台"
# No request leaves for wagtail.org: government networks are often closed, and the CSP forbids it anyway.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# A finished workflow publishes its latest revision only if the content-safety check finds no veto in it.
WAGTAIL_FINISH_WORKFLOW_ACTION = "huimin.safety.finish.publish_workflow_state"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The search index's full-text engine (huimin.search.backends): "" for the database's own (FTS5 on SQLite,
# a GIN-indexed tsvector on PostgreSQL), "wagtail" for Wagtail's search backend above (OpenSearch or
# Elasticsearch with a Chinese analyzer, for deployments that outgrow the database; see docs/search.md).
HUIMIN_SEARCH_ENGINE = env.str("HUIMIN_SEARCH_ENGINE", "")
# On PostgreSQL, rank the tiers of large result sets inside RUM indexes (Debian's postgresql-15-rum). Off by
# default: at 100,000 documents it lowered the median but raised p95 (195 ms against 112 ms without) and
# doubled the index's build time (bench/README.md, "Search"); docs/operations.md.
HUIMIN_SEARCH_RUM = env.bool("HUIMIN_SEARCH_RUM", False)
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "wps",
    "et",
    "ofd",
    "txt",
    "csv",
    "zip",
    "rar",
    "7z",
    "jpg",
    "jpeg",
    "png",
]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Editors check accessibility while they write (the rules of the built-in checker).
WAGTAIL_ACCESSIBILITY_CHECKER_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3") and VAR_DIR == BASE_DIR / "var":
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
