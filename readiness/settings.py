"""One settings module, driven by the environment (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from readiness import config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = config.data_dir(BASE_DIR)
# Site-wide templates and static files sit beside manage.py in a checkout; the wheel the
# production image installs carries them inside the package (pyproject.toml maps them).
_PACKAGED_SITE = Path(__file__).resolve().parent / "_site"
SITE_DIR = _PACKAGED_SITE if _PACKAGED_SITE.is_dir() else BASE_DIR

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", default=False)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin is for MSP admins (superusers) only: see readiness/tenancy/admin_site.py.
    "readiness.tenancy.admin_site.MSPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally (no CDN)
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "axes",
    "readiness.core",
    "readiness.tenancy",
    "readiness.milestones",
    "readiness.inventory",
    "readiness.senders",
    "readiness.ingestion",
    "readiness.connectors",
    "readiness.demo",
    "readiness.notifications",
    "readiness.usage",
    "readiness.imports",
    "readiness.dashboards",
]

MIDDLEWARE = [
    # Outermost on the way out: sees the final body of every response.
    "readiness.core.middleware.UnicodeControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie the switch sets, else Accept-Language (anonymous pages);
    # UserLanguageMiddleware below then applies a signed-in user's saved choice.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "readiness.tenancy.middleware.SessionEpochMiddleware",
    "readiness.tenancy.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "readiness.tenancy.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "readiness.urls"
WSGI_APPLICATION = "readiness.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "readiness.tenancy.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": config.database_config(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# English (British date style) and Czech; docs/i18n.md. "en-gb" rather than "en" so an
# Accept-Language of en-US still lands on English, with day-month-year dates.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cs", "Čeština")]
# The catalogue sits beside manage.py in a checkout and under readiness/_site/ in the
# wheel; the image compiles it (Dockerfile), tests and `make run` compile it with
# scripts/compile_catalogues.py.
LOCALE_PATHS = [SITE_DIR / "locale"]
# Each locale's own date and number formats, with our few overrides (one date style per
# locale: readiness/formats/).
FORMAT_MODULE_PATH = ["readiness.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The image collects static files at build time into READINESS_STATIC_ROOT, outside the
# data volume, so an upgraded image never serves the previous release's files.
STATIC_ROOT = Path(config.env_str("READINESS_STATIC_ROOT") or DATA_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Plotly's JavaScript is vendored under static/vendor/plotly/ (the official "cartesian"
# partial bundle, at the plotly.js version the Python package ships; see
# scripts/vendor_plotly.sh), so the browser never reaches a CDN (users run this on closed
# networks) and a cold chart page compiles a third of the full bundle.
STATICFILES_DIRS = [SITE_DIR / "static"]
# Static files: once `collectstatic` has run (production, the Dockerfile, the benchmark),
# WhiteNoise serves the collected files under content-hashed names, pre-compressed
# (gzip, and brotli through the `brotli` package) and cached for ten years as
# immutable; Plotly's bundle goes from 1.5 MB to about 0.4 MB on the wire. Without a
# collected manifest (development, tests) files are served as they are.
MANIFEST_STATIC = not DEBUG and config.env_bool(
    "READINESS_MANIFEST_STATIC", default=(STATIC_ROOT / "staticfiles.json").exists())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "readiness.core.staticfiles.CompressedManifestStorage"
        if MANIFEST_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Where uploaded and dropped report files live: inside the data dir, outside any
# static or media root, so an uploaded file can never be served back.
REPORT_INBOX_DIR = DATA_DIR / "inbox"
REPORT_UPLOAD_DIR = DATA_DIR / "uploads"
REPORT_UPLOAD_MAX_BYTES = config.env_int("READINESS_UPLOAD_MAX_MB", 500, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(config.temp_dir(DATA_DIR))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Temporary upload files and stored reports that nothing refers to any more (a killed
# upload, a rolled-back import) are deleted by the hourly sweep once this old.
UPLOAD_ORPHAN_MAX_AGE = timedelta(
    hours=config.env_int("READINESS_UPLOAD_ORPHAN_HOURS", 6, minimum=1))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Microsoft 365 endpoints: a sovereign cloud or the local emulator is configuration only.
M365_LOGIN_URL = config.env_url("M365_LOGIN_URL", "https://login.microsoftonline.com")
M365_GRAPH_URL = config.env_url("M365_GRAPH_URL", "https://graph.microsoft.com")
M365_EXCHANGE_URL = config.env_url("M365_EXCHANGE_URL", "https://outlook.office365.com")
M365_CA_BUNDLE = config.env_str("REQUESTS_CA_BUNDLE") or config.env_str("SSL_CERT_FILE") or None
# Where customers' browsers reach this product: the admin-consent redirect URI that
# `tenants onboard` prints (the web pages use the request's own address).
READINESS_PUBLIC_URL = config.env_str("READINESS_PUBLIC_URL", "http://127.0.0.1:8000")
# One response slower than this is a timeout, retried like a 503 (docs/reliability.md).
M365_READ_TIMEOUT_SECONDS = config.env_int("M365_READ_TIMEOUT_SECONDS", 60, minimum=1)
# The first backoff ceiling of the clients' retries, doubled per attempt, jittered
# (fractions allowed: `make chaos` runs its fault storms at 0.25).
M365_RETRY_BASE_SECONDS = config.env_float("M365_RETRY_BASE_SECONDS", 1.0)

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under the data
# dir, which needs no server at all.
REDIS_URL = config.redis_url()
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    _broker = DATA_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "store_processed": False,
        # Broadcast/control files too, or kombu writes them into the current directory.
        "control_folder": str(_broker / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = config.env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}

# A running import, deletion or ingest whose heartbeat is older than this is presumed
# lost with its worker: the sweeper re-queues it once, then marks it failed.
READINESS_STALE_AFTER = timedelta(
    minutes=config.env_int("READINESS_STALE_AFTER_MINUTES", 15, minimum=1))
READINESS_INGEST_INTERVAL = timedelta(
    minutes=config.env_int("READINESS_INGEST_INTERVAL_MINUTES", 60, minimum=1)
)
READINESS_ENCRYPTION_KEY = config.env_str("READINESS_ENCRYPTION_KEY")

# Responsive: a wide table scrolls inside its own box on a phone, not the whole page.
DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed tokens, revoked by "sign out everywhere" (DRF's authtoken stores them
        # in plaintext and outlives every session).
        "readiness.tenancy.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SMTP AUTH Readiness API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/: Swagger UI from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema lists every tenant-scoped route: signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Senders and tickets both have a "status": name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "SenderStatusEnum": "readiness.senders.choices.SenderStatus",
        "TicketStatusEnum": "readiness.senders.choices.TicketStatus",
    },
}

# Login throttling: five failures lock the username+IP pair for 15 minutes.
AXES_FAILURE_LIMIT = config.env_int("READINESS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_AGE = config.env_int("READINESS_SESSION_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production defaults (docs/security.md, "Production defaults"): with DEBUG off the
# app assumes HTTPS: secure cookies, redirect to HTTPS, HSTS. INSECURE_HTTP=1 is the one
# opt-out, for a plain-HTTP lab; each switch can still be set on its own.
INSECURE_HTTP = config.env_bool("INSECURE_HTTP", default=False)
_HTTPS = not DEBUG and not INSECURE_HTTP
# Behind a TLS-terminating proxy (the compose file's Caddy): trust its X-Forwarded-Proto
# and, for the client address, the last TRUSTED_PROXY_COUNT hops of X-Forwarded-For.
BEHIND_PROXY = config.env_bool(
    "BEHIND_PROXY", default=config.env_bool("READINESS_BEHIND_PROXY", default=False))
TRUSTED_PROXY_COUNT = config.env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config.env_bool("READINESS_SSL_REDIRECT", default=_HTTPS)
# Container and load-balancer health probes speak plain HTTP to the app port.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SESSION_COOKIE_SECURE = config.env_bool("READINESS_SECURE_COOKIES", default=_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# One year, the value browsers' preload lists ask for. includeSubDomains and preload
# follow HSTS unless switched off; preload only makes the host eligible, nothing is
# submitted anywhere.
SECURE_HSTS_SECONDS = config.env_int("READINESS_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool(
    "READINESS_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = config.env_bool("READINESS_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)

# Client address for login throttling and the audit log (readiness/core/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "readiness.core.client_ip.client_ip"

# Webhooks (docs/security.md, "Webhook destinations"): only public addresses, unless
# the operator allows private ones (a receiver on the same network, the test receiver).
WEBHOOK_ALLOW_PRIVATE = config.env_bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# Plain http:// webhooks only while DEBUG is on.
WEBHOOK_ALLOW_HTTP = DEBUG

# "Sign in with Microsoft" (Entra ID, authorization code + PKCE through msal). The
# button shows only when a client ID and secret are configured. See docs/security.md.
READINESS_ENTRA_CLIENT_ID = config.env_str("READINESS_ENTRA_CLIENT_ID")
READINESS_ENTRA_CLIENT_SECRET = config.env_str("READINESS_ENTRA_CLIENT_SECRET")
READINESS_ENTRA_TENANT = config.env_str("READINESS_ENTRA_TENANT", "organizations")
# Directory (tenant) IDs whose users may sign in; empty = any (mapping is still by oid).
READINESS_ENTRA_ALLOWED_TENANTS = config.env_list("READINESS_ENTRA_ALLOWED_TENANTS", [])
# Link a first Microsoft sign-in to an existing user by e-mail (for everyone, instead
# of per user via UserSecurity.entra_link_by_email). Off by default: see docs.
READINESS_ENTRA_LINK_BY_EMAIL = config.env_bool("READINESS_ENTRA_LINK_BY_EMAIL", default=False)

EMAIL_BACKEND = config.env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "readiness@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = config.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = config.env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config.env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler redacts secret-looking values (readiness/core/logging.py).
    "filters": {"redact": {"()": "readiness.core.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
