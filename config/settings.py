"""Settings for Dashboard Kecamatan, read from the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only" if DEBUG else None)
# With DEBUG off, a guessable key (sessions, password-reset and CSRF tokens are signed with it)
# stops the start: at least 50 characters, at least 5 different ones (Django's own measure).
if not DEBUG and (
    SECRET_KEY.startswith(("insecure", "django-insecure"))
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY wajib diisi dengan nilai rahasia acak (minimal 50 karakter, minimal 5 "
        "karakter berbeda) saat DEBUG mati. / SECRET_KEY must be set to a random secret value "
        "(at least 50 characters, at least 5 different ones) when DEBUG is off."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.apps.AdminConfig",  # the Django admin, behind TOTP (accounts/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "regions",
    "accounts",
    "catalog",
    "datavalues",
    "analytics",
    "api",
    "planning",
    "dashboard",
    "intake",
    "sources",
    "reports",
    "jobs",
    "cycle",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compress pages (46 KB of HTML for a kecamatan) before anything else reads the body;
    # WhiteNoise serves its own pre-compressed static files above it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.text.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of authentication and turns a lockout into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `named`: catalogue names in the page's language (catalog/templatetags/names.py).
            "builtins": ["catalog.templatetags.names"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cycle.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), BASE_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login: username or e-mail and password, then TOTP where required (accounts/login.py).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses first
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (accounts/lockout.py): LOGIN_FAILURE_LIMIT failures lock the account (from any
# address); LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the accounts, lock
# that address. A success forgets only the failures of the account that signed in.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = False  # the handler resets per account instead of per address
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Dashboard Kecamatan")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Hardened defaults; `manage.py check --deploy` runs clean with DEBUG off and HTTPS on.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# `__Host-` cookies are only accepted over HTTPS, for the exact host, on path /.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_HTTPS else "csrftoken"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded data files (intake): size limit in MB, checked before anything is parsed.
INTAKE_MAX_UPLOAD_MB = env_int("INTAKE_MAX_UPLOAD_MB", 50)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An upload over INTAKE_MAX_UPLOAD_MB is dropped while the body is read, before it is spooled
# to disk (the proxy in front should refuse far bigger bodies first: client_max_body_size).
FILE_UPLOAD_HANDLERS = [
    "intake.upload_limit.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded files' contents are deleted after this many days (digest, size and counts stay);
# one user's kept uploads may take this many MB together.
INTAKE_KEEP_DAYS = env_int("INTAKE_KEEP_DAYS", 30)
INTAKE_QUOTA_MB = env_int("INTAKE_QUOTA_MB", 200)
# Files of at least this many KB are checked and imported by the background worker with a
# progress bar; smaller ones inside the request, as before (0: every file in the background).
INTAKE_BACKGROUND_KB = env_int("INTAKE_BACKGROUND_KB", 1024)

# Background jobs (django-tasks): queued as rows of jobs.Job and run by `manage.py runjobs`,
# which `make serve` starts next to runserver; several workers may run (jobs/worker.py).
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "jobs.backend.DatabaseBackend")}}
# Jobs one user may have waiting or running at once (reports, background checks and imports),
# and direct PDF reports (laporan.pdf, built inside the request) per user per 10 minutes.
JOBS_MAX_UNFINISHED_PER_USER = env_int("JOBS_MAX_UNFINISHED_PER_USER", 3)
REPORT_PDF_PER_10_MINUTES = env_int("REPORT_PDF_PER_10_MINUTES", 10)
# Prepared reports are kept this many hours, then deleted.
REPORT_KEEP_HOURS = env_int("REPORT_KEEP_HOURS", 24)

# The cache carries the progress of background jobs between the worker and the pages, so it
# must be shared by every process: Redis when REDIS_URL is set (the `redis` client is locked),
# otherwise files under var/tmp/cache.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / "var" / "tmp" / "cache"),
    }
}

# Content-Security-Policy (django-csp 4): everything from this site only; no inline script,
# no eval; scripts that must be inline carry the per-request nonce (`{{ request.csp_nonce }}`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; the audit log already records them.
    # WeasyPrint logs every layout step at INFO (a report in the worker: dozens of lines).
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# The planning cycle (cycle/): notices by e-mail when a user has an address; the console
# backend in development. SITE_URL prefixes the links in e-mails.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dashboard-kecamatan@localhost")
SITE_URL = env_str("SITE_URL", "").rstrip("/")
# A period is the default of the dashboards only when at least this share of the expected
# reporters (desa) sent values for it; below it, figures are marked as partial.
COVERAGE_THRESHOLD_PCT = env_int("COVERAGE_THRESHOLD_PCT", 80)
# Run once a day by the background worker (`manage.py runjobs`, see jobs/daily.py).
DAILY_JOBS = ["cycle.notices.daily"]
