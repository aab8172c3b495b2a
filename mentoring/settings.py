"""Settings of the mentoring registry: one module, driven by environment variables.

Every variable is read through a helper that raises ImproperlyConfigured with a
message naming the variable, what it got and what it expects, so that a typo in
a deployment stops the process at start instead of running half-configured.

A git-ignored `.env` file (ENV_FILE names another; empty names none) supplies values
the environment lacks: `make` writes one with DEBUG=1 for development. Production
sets real environment variables and has no such file.
"""

from __future__ import annotations

import ipaddress
import os
import re
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_dotenv(_env_file, override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number not less than {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a comma-separated list, got nothing.")
    return items


def env_database(name: str, default: str) -> dict:
    raw = os.environ.get(name, "").strip() or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=env_int("CONN_MAX_AGE", 60))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: not a database URL ({exc}). "
            "Expected e.g. postgres://user@127.0.0.1:5432/mentoring or sqlite:////path/db.sqlite3."
        ) from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: only PostgreSQL (postgres://) and SQLite (sqlite://) are supported."
        )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A long-lived connection gains nothing on SQLite and keeps file locks.
        config["CONN_MAX_AGE"] = 0
    else:
        # The planner's price of a random page read, against a sequential one's 1. PostgreSQL's default
        # of 4 is for spinning disks: with it, checking 800 pairs for a meeting hashes all 75 000 meetings
        # (18 ms) instead of probing their index (1.5 ms). On an SSD or a server whose data fits in memory,
        # 1.1 is the usual setting (docs/deploy.md).
        cost = env_str("PG_RANDOM_PAGE_COST", "1.1").strip()
        try:
            if float(cost) <= 0:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                f"PG_RANDOM_PAGE_COST={cost!r}: a positive number, e.g. 1.1 (SSD) or 4 (HDD)."
            ) from None
        config.setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={cost}"
    config["CONN_HEALTH_CHECKS"] = True
    return config


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r}: not a time zone name; expected e.g. Europe/Moscow or Asia/Yekaterinburg."
        ) from None
    return value


# --- Core -----------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
# With DEBUG on, Django's technical 404 and 500 pages instead of the product's (a developer's choice).
TECHNICAL_ERROR_PAGES = env_bool("DJANGO_TECHNICAL_ERRORS", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, list the host names this site answers to, "
        "e.g. ALLOWED_HOSTS=mentoring.example.ru"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "auditlog",
    "concurrency",
    "django_tasks",
    "django_tasks_db",
    "registry",
    "jobs",
    "exchange",
    "roadmap",
    "events",  # before influence and monitoring: its data-quality check is listed before theirs
    "influence",
    "paperwork",
    "suggestions",
    "monitoring",
    "reminders",
    "reporting",
    "region",
    "practices",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in a query string (a scanner's probe) is dropped before any view searches with it.
    "mentoring.middleware.drop_nul_from_query",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request is a unit of work for the replica's router: once it writes, it reads the primary (common/replica.py).
    "common.replica.middleware",
    # Django's, renewing the idle deadline at most once a minute rather than on every request (registry/sessions.py).
    "registry.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages and files a signed-in user gets carry personal data: never kept by a browser or a proxy.
    "mentoring.middleware.no_store_for_users",
    # Every page asks for a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Puts the user (and address) on every audit-trail entry the request writes.
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # A signed-in user's form with files is read here, before the CSRF check reads it (every middleware's
    # __call__ runs before any process_view): a full disk while spooling an upload answers with the
    # Russian page — with the headers and the CSRF cookie above — not a 500 from the CSRF check.
    "mentoring.middleware.read_uploads_first",
    # With DEBUG on (the demo), the product's 404 and 500 pages, not Django's technical ones.
    "mentoring.middleware.ProductErrorPages",
    # A full disk answers with a Russian page (507) after the request's transaction rolled back.
    "mentoring.middleware.DiskFullMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.access",
                "region.context_processors.region",
            ],
            # {% load russian %}: plural and gendered forms (common/russian.py), for every app's templates.
            "libraries": {"russian": "common.russian", "crispy_once": "common.crispy"},
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)  # git-ignored: the SQLite file and, by default, uploads and static
DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
# A request that fails leaves nothing half-written: each request is one transaction.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A streaming replica of the primary (docs/deploy.md «Регион»): the heavy read-only work reads it
# (common/replica.py); without one everything reads the primary, as before.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One cache shared by the web workers and the background worker, in the database they already
# share (its table is made by migration registry 0006): registry/freshness.py keeps
# department-wide answers in it, keyed by the versions of the data they read.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "registry_cache",
        # Answers expire after a day and `manage.py housekeeping` removes expired rows every night;
        # registry/freshness.py writes without culling. Django's own culling (a third of all keys at
        # once) stays for the few other writers, past this many rows.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}
# Background jobs (jobs/runner.py: large exports, imports) on django-tasks, the backport of
# Django 6's tasks framework, with its database backend: `python manage.py db_worker` runs them
# (make run starts one). Tests run them in-process (TASKS_BACKEND in pyproject.toml).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
AUTH_USER_MODEL = "registry.User"

# --- Accounts -------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session ends after this many minutes without a request: activity renews it (at most once a minute, by
# registry.sessions.SessionMiddleware, instead of Django's SESSION_SAVE_EVERY_REQUEST).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
# The database store, but a lost connection while saving the session is a 500, not a 400 (registry/sessions.py).
SESSION_ENGINE = "registry.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed-login throttling (django-axes): a user name from one address is locked after
# AXES_FAILURE_LIMIT failures in a row for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Beyond axes (registry/throttle.py, django-ratelimit's rates: count/period): failed logins from one
# address across logins, password-change tries a user, reset letters an e-mail and a client address.
LOGIN_FAILURES_PER_ADDRESS = env_str("LOGIN_FAILURES_PER_ADDRESS", "20/15m")
PASSWORD_CHANGES_PER_USER = env_str("PASSWORD_CHANGES_PER_USER", "5/15m")
PASSWORD_RESETS_PER_EMAIL = env_str("PASSWORD_RESETS_PER_EMAIL", "3/h")
PASSWORD_RESETS_PER_ADDRESS = env_str("PASSWORD_RESETS_PER_ADDRESS", "10/h")
# Questionnaires sent through personal answer links (no account) from one client address.
ANSWER_LINK_POSTS_PER_ADDRESS = env_str("ANSWER_LINK_POSTS_PER_ADDRESS", "60/h")
for _name in (
    "LOGIN_FAILURES_PER_ADDRESS",
    "PASSWORD_CHANGES_PER_USER",
    "PASSWORD_RESETS_PER_EMAIL",
    "PASSWORD_RESETS_PER_ADDRESS",
    "ANSWER_LINK_POSTS_PER_ADDRESS",
):
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", globals()[_name]):
        raise ImproperlyConfigured(
            f"{_name}={globals()[_name]!r}: expected a rate like 20/15m (count/period: s, m, h, d)."
        )
# Behind nginx the peer is a unix socket: the client's address comes from X-Real-IP (common/web.py),
# believed only from a unix-socket peer or one of TRUSTED_PROXIES (addresses or networks; as gunicorn's
# forwarded_allow_ips). Anyone else's X-Real-IP is ignored: their own address counts.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None
AXES_CLIENT_IP_CALLABLE = "common.web.client_ip"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Реестр наставничества <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the site lives, for links in mail sent without a request (roadmap reminders from cron).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # an invitation link lives three days

# --- Language, time, formats ----------------------------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
# Dates are shown and accepted as дд.мм.гггг (see mentoring/formats/ru/formats.py).
FORMAT_MODULE_PATH = ["mentoring.formats"]

# --- Static files ---------------------------------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic puts the files whitenoise serves, and where uploads and job files live
# (served only through access-checked views). Both default to git-ignored folders under var/.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
if STATIC_ROOT == BASE_DIR / "var" / "static":
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder; a set one is the admin's
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "mentoring.storage.FileStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
# Pages load scripts, styles, fonts and images from this site only, and run no inline script or
# style: templates use classes from static/css/app.css, htmx is configured not to inject styles or
# evaluate code (templates/base.html), charts are SVG drawn on the server. Forms post only here; no
# page may be framed. tests/test_security_headers.py checks the header; the browser tests fail on
# any violation Chromium reports.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The CSRF token is read from the form, never by script: the cookie need not be visible to JavaScript.
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    # Behind nginx, which terminates TLS and sets X-Forwarded-Proto (docs/architecture.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A health probe on the server itself speaks plain HTTP to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
