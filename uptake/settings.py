"""uptake's one settings file, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ValueError("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ninja",  # the API docs' Swagger UI from its own static files (not a CDN: the CSP)
    "uptake.units",
    "uptake.accounts",
    "uptake.audit",
    "uptake.campaigns",
    "uptake.reports",
    "uptake.documents",
    "uptake.fieldwork",
    "uptake.quality",
    "uptake.notify",
    "uptake.api",
    "uptake.ops",
    "uptake.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "uptake.lib.middleware.CSPMiddleware",  # django-csp's, its policy built once (#20)
    # A database that cannot be reached: 503 with Retry-After, not a 500 (uptake/lib/guards.py).
    "uptake.lib.guards.DatabaseUnavailableMiddleware",
    # Sessions, log-in, OTP and messages: Django's and django-otp's own, which step aside
    # for an API call without a session cookie (a bearer token's, #20: uptake/lib/apipath.py).
    "uptake.lib.apipath.SessionMiddleware",
    "uptake.lib.middleware.LanguageMiddleware",
    # Text no database can hold (NUL, broken surrogates): 400, or 422 for the API.
    "uptake.lib.guards.UnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "uptake.lib.apipath.AuthenticationMiddleware",
    "uptake.lib.apipath.OTPMiddleware",
    "uptake.accounts.middleware.TwoFactorMiddleware",
    # Cache-Control: no-store on the API and on every page of someone logged in (#15).
    "uptake.lib.middleware.NoStoreMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag, 304; after NoStore (#19)
    # Invalid API tokens locked out per address like wrong passwords (django-axes, #15).
    "uptake.lib.middleware.BadTokenThrottleMiddleware",
    "uptake.lib.apipath.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "uptake.urls"
WSGI_APPLICATION = "uptake.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "uptake.notify.context_processors.notifications",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    # SQLite in var/, which a fresh clone does not have (git keeps no empty folder): without it,
    # `manage.py migrate` fails with "unable to open database file".
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'var' / 'uptake.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a report is being written; IMMEDIATE takes the write lock
    # at the start of a transaction so that two submissions queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test process, so that two suites on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # Parameters sent apart from the SQL, and statements that a kept connection (DB_CONN_MAX_AGE)
    # runs twice prepared by the server: planning cost more than running the queries of a
    # report's submission (#7, bench/README.md). Off behind pgbouncer in transaction mode.
    if envbool("DB_SERVER_SIDE_BINDING", "true"):
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
# A read-only PostgreSQL replica of the primary (streaming replication): the read-only pages
# (status page, dashboard, the API's summary) read from it on GET; everything else, and every
# write, goes to the primary. See uptake/lib/dbrouter.py and the README ("Production at scale").
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary
    DATABASE_ROUTERS = ["uptake.lib.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES (the lockout page says so).
AUTHENTICATION_BACKENDS = [
    "uptake.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "uptake.accounts.views.lockout"
AXES_VERBOSE = False
# Two-factor authentication (django-otp): TOTP apps, and recovery codes; required for
# coordinators and admins (uptake.accounts.middleware.TwoFactorMiddleware).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "uptake")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["uptake.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "uptake" / "static"]

# By default e-mails are not sent: one line per e-mail on the console (uptake/lib/mail.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "uptake.lib.mail.SummaryBackend")
# Where django.core.mail.backends.filebased.EmailBackend keeps the e-mails, one file per batch.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "uptake@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")

# The scheduler (#6, `manage.py scheduler`): its longest sleep between passes, how long a
# claimed job stays its own without a heartbeat, how late a missed job may still run; links
# in e-mails start with SITE_URL; a webhook that does not answer within WEBHOOK_TIMEOUT fails.
SCHEDULER_POLL_SECONDS = envint("SCHEDULER_POLL_SECONDS", "30")
SCHEDULER_LEASE_SECONDS = envint("SCHEDULER_LEASE_SECONDS", "300")
SCHEDULER_CATCH_UP_HOURS = envint("SCHEDULER_CATCH_UP_HOURS", "48")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Personal data: the household label and note of every visit are cleared this many days after
# its campaign ends (`manage.py purgevisits`, also daily in the scheduler); counts are kept.
VISIT_PURGE_DAYS = envint("VISIT_PURGE_DAYS", "90")
if VISIT_PURGE_DAYS < 0:
    raise ValueError("VISIT_PURGE_DAYS must be 0 or more")
WEBHOOK_TIMEOUT = envint("WEBHOOK_TIMEOUT", "10")

# --- Notification channels (#18): Zalo (ZNS), SMS, rates. README "Channels: Zalo and SMS". ---


def _envmap(name: str, default: str = "") -> dict[str, str]:
    """``key=value,key=value`` → a dict; a part without '=' or with an empty side is refused."""
    out = {}
    for part in envlist(name, default):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not key or not value:
            raise ValueError(f"{name} must read key=value,key=value; not {part!r}")
        out[key] = value
    return out


def _envrate(name: str, default: str = "0") -> float:
    value = os.environ.get(name, default)
    try:
        rate = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of messages per second, not {value!r}") from None
    if rate < 0:
        raise ValueError(f"{name} must be 0 (no limit) or more")
    return rate


# A channel is on when its settings are there. Zalo: the Official Account's app, its refresh
# token (kept and rotated in the database after its first use) and a template id per kind.
ZALO_APP_ID = os.environ.get("ZALO_APP_ID", "")
ZALO_APP_SECRET = os.environ.get("ZALO_APP_SECRET", "")
ZALO_REFRESH_TOKEN = os.environ.get("ZALO_REFRESH_TOKEN", "")
ZALO_ACCESS_TOKEN = os.environ.get("ZALO_ACCESS_TOKEN", "")
ZALO_TEMPLATES = _envmap("ZALO_TEMPLATES")
_ZALO_KINDS = {
    "morning_reminder",
    "afternoon_reminder",
    "overdue",
    "status_list",
    "draft_ready",
    "sent",
    "leaders_summary",
    "test",
}
if set(ZALO_TEMPLATES) - _ZALO_KINDS:
    raise ValueError(
        f"ZALO_TEMPLATES names unknown kinds {sorted(set(ZALO_TEMPLATES) - _ZALO_KINDS)}; "
        f"known: {sorted(_ZALO_KINDS)}"
    )
ZALO_API_URL = os.environ.get("ZALO_API_URL", "https://business.openapi.zalo.me/message/template")
ZALO_OAUTH_URL = os.environ.get("ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token")
ZALO_DEVELOPMENT = envbool("ZALO_DEVELOPMENT", "false")  # ZNS's "mode": "development"
ZALO_PARAM_MAX_LENGTH = envint("ZALO_PARAM_MAX_LENGTH", "30")
ZALO_RATE_PER_SECOND = _envrate("ZALO_RATE_PER_SECOND")
# SMS through a brand-name provider: "esms" (eSMS.vn) or empty (off).
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "")
if SMS_PROVIDER not in ("", "esms"):
    raise ValueError(f"SMS_PROVIDER must be esms or empty, not {SMS_PROVIDER!r}")
ESMS_API_KEY = os.environ.get("ESMS_API_KEY", "")
ESMS_SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
ESMS_BRANDNAME = os.environ.get("ESMS_BRANDNAME", "")
ESMS_SMS_TYPE = os.environ.get("ESMS_SMS_TYPE", "2")  # 2: brand name, customer care
ESMS_SANDBOX = envbool("ESMS_SANDBOX", "false")
ESMS_URL = os.environ.get(
    "ESMS_URL",
    "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/",
)
SMS_UNICODE = envbool("SMS_UNICODE", "false")  # false: no diacritics, 160 characters an SMS
SMS_MAX_PARTS = envint("SMS_MAX_PARTS", "3")
if SMS_MAX_PARTS < 1:
    raise ValueError("SMS_MAX_PARTS must be 1 or more")
SMS_RATE_PER_SECOND = _envrate("SMS_RATE_PER_SECOND")
EMAIL_RATE_PER_SECOND = _envrate("EMAIL_RATE_PER_SECOND")
CHANNEL_TIMEOUT = envint("CHANNEL_TIMEOUT", "10")  # seconds for Zalo's and the SMS provider's API
# Webhooks go to https:// addresses that resolve to public IP addresses only (no loopback,
# private, link-local or cloud metadata address), checked when the campaign file is loaded and
# again when sending (uptake/lib/netguard.py). true: plain http:// and private addresses too,
# for development and tests against a local listener.
WEBHOOK_ALLOW_PRIVATE = envbool("WEBHOOK_ALLOW_PRIVATE", "false")

# The cache holds the API's rate-limit counters: in memory by default (one process), Redis
# when REDIS_URL (or CACHE_URL) is set, so that several gunicorn workers share the counts.
CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL") or ""
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    try:
        import redis  # noqa: F401  (an optional extra; Django's RedisCache imports it later)
    except ImportError:
        raise ImproperlyConfigured(
            "REDIS_URL/CACHE_URL names a Redis server but the redis package is not installed: "
            "pip install -e '.[redis]' (in this checkout: .venv/bin/pip install -e '.[redis]'),"
            " or unset REDIS_URL and CACHE_URL to count in each process's memory"
        ) from None
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ValueError(f"REDIS_URL/CACHE_URL must be redis://..., not {CACHE_URL!r}")
# API requests per token per minute; more are answered 429 with Retry-After.
API_RATE_LIMIT = envint("API_RATE_LIMIT", "120")
# Invalid API tokens from one address within AXES_COOLOFF_MINUTES before it gets 429 (0: no
# limit); counted by django-axes like wrong passwords (uptake/lib/middleware.py).
API_BAD_TOKEN_LIMIT = envint("API_BAD_TOKEN_LIMIT", "100")

# Headers of every response (see `manage.py check --deploy`).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The pages load only their own scripts, styles, images and fonts: no inline script or style
# (progress bars are CSS classes, buttons get their behaviour from static files). QR codes
# and charts are inline SVG or data: images; the visit page has a service worker and manifest.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
