"""One settings file for every environment: each deploy-varying value comes from the environment.

See README.md, "Configuration", and `.env.example` for the variables and their defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import dj_email_url
import structlog
from django.core.exceptions import ImproperlyConfigured

from readiness.logs import add_request_id

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    # Fail loudly: a typo in a security flag must not silently pick a default.
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key while DEBUG is off: set SECRET_KEY to a long random "
        "value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: its admin mixins and the translated
    # benchmark columns (assessments/translation.py) must be in place when the admin loads.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    # X-Request-Id: echoed (or made) on every answer, and on every log line of its request.
    "django_guid",
    "assessments",
    "api",
    # Login lockout (see "Login lockout" below).
    "axes",
    # The audit trail of benchmark edits (see "Benchmark admin" below).
    "simple_history",
    "csp",
    "django_prometheus",
    "django_structlog",
    # The second factor (assessments/mfa.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # First and last (below): every request's rate and latency, for /metrics.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Then: every answer carries the request's id, a cached one or an error page included.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the answer cache, so that a cached answer gets the same headers (see "Headers").
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "readiness.headers.PrivateAnswersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that cannot be reached: 503 with Retry-After, JSON under /api/ (never a 500).
    "readiness.dependencies.DependencyFailureMiddleware",
    # Rate-limit headers on every API answer, 304s and cached answers included (api/middleware.py).
    "api.middleware.RateLimitHeadersMiddleware",
    # Outside the answer cache: a cached answer gets its ETag and its 304 too.
    "api.middleware.ApiConditionalGetMiddleware",
    # Before the rest: a repeated API read is answered from the cache without them (api/cache.py).
    "api.cache.AnswerCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common (Django's order): the language cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    # Django's, except under /api/: no redirect to add a slash, and a chunked body is a 411.
    "api.middleware.ApiCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session verified a second factor, then the rule that requires one.
    "django_otp.middleware.OTPMiddleware",
    "assessments.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: the audit trail names the admin who made a change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged by its backend into a response.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "readiness.urls"
WSGI_APPLICATION = "readiness.wsgi.application"
ASGI_APPLICATION = "readiness.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must fail a request (and /health/ready) in seconds, not
    # after the operating system's TCP timeout of minutes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3))
    # Each query planned once per connection, not on every request (readiness/db.py).
    if env_bool("DB_PREPARED_STATEMENTS", True):
        from readiness.db import prepared_options

        DATABASES["default"]["OPTIONS"].update(prepared_options(env_int("DB_PREPARE_THRESHOLD", 5)))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Redis is best-effort on a request path (readiness/best_effort.py): a call that gets no answer
# within these gives up, and the circuit breaker then skips Redis for REDIS_BREAKER_RESET_SECONDS
# before one call tries again. Redis answers in well under a millisecond on a healthy network;
# a few hundred milliseconds is an outage, and a request must stay well under a second.
REDIS_CONNECT_TIMEOUT_MS = env_int("REDIS_CONNECT_TIMEOUT_MS", 200)
REDIS_READ_TIMEOUT_MS = env_int("REDIS_READ_TIMEOUT_MS", 300)
REDIS_BREAKER_RESET_SECONDS = env_int("REDIS_BREAKER_RESET_SECONDS", 5)

if REDIS_URL:
    # One cache shared by every web process, so that throttling and lockouts hold across them.
    # django-redis rather than Django's own Redis backend: every API request reads the cache
    # three times (token, throttle, body), and Django's builds a client per call and raises a
    # counter in two round trips; django-redis keeps its client and takes one (bench/notes/api.md).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT_MS / 1000,
                "SOCKET_TIMEOUT": REDIS_READ_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# --- Accounts: second factor, password reset, invitations ---------------------------------------
# Staff (the Django admin and every page) need a verified authenticator app in each session;
# others only once they set one up. Off only in tests that are not about it.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "readiness")
# An invitation link works once, within this many days of being sent (or re-sent).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
# A reset link works once (Django's token changes with the password) and within this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 24) * 3600
# Reset requests within an hour, per address asked for and per client address: a person who
# mistypes asks twice or three times; more is someone flooding an inbox or probing addresses.
PASSWORD_RESET_PER_EMAIL_HOUR = env_int("PASSWORD_RESET_PER_EMAIL_HOUR", 3)
PASSWORD_RESET_PER_CLIENT_HOUR = env_int("PASSWORD_RESET_PER_CLIENT_HOUR", 10)
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Where `load_demo` tells a person to log in: the address bin/serve listens on (HOST, PORT).
DEMO_SITE_URL = env_str(
    "DEMO_SITE_URL", f"http://{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
).rstrip("/")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# --- Languages ------------------------------------------------------------------------------------
# English and Simplified Chinese. URLs carry no language prefix, so API clients and bookmarks
# keep working: a page's language comes from the language cookie (set by the switcher, which
# posts to Django's set_language), else from Accept-Language, else English.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A year: the choice is remembered across visits; the cookie holds only a language code.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# Benchmark content admins edit (assessments/translation.py): English is required and is what
# scoring and stored results use; Chinese is optional and falls back to English when blank.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files collected at build time (see Dockerfile); without
# a manifest (development, tests) whitenoise serves the files straight from the source folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Celery ---------------------------------------------------------------------------------------
# Without REDIS_URL there is no broker: tasks run in-process when their transaction commits.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost//"
# Kombu's Redis transport, repaired so an ack lost in a Redis hang cannot stall a worker.
CELERY_BROKER_TRANSPORT = "readiness.broker:Transport" if REDIS_URL else None
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
# Redis redelivers an unacknowledged task after the visibility timeout: it must exceed the
# longest task, or a slow task would run twice while the first copy is still going.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # A hung broker must not hold a request (the send after commit) for redis-py's default of
    # no timeout at all; the worker's own reads wait in its event loop, not on these.
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_MS / 1000,
    "socket_timeout": env_int("BROKER_SOCKET_TIMEOUT_MS", 2000) / 1000,
    # A send opens its connection with one quick retry, not kombu's default of retrying for
    # CELERY_BROKER_CONNECTION_TIMEOUT: the outbox sends later what could not be sent now. (The
    # worker's own reconnecting loop takes its limits from Celery's broker_connection_* instead.)
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis down, a submission must not hang the request: try briefly, then leave the
# assessment "submitted" for the outbox's dispatcher below.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# The outbox (assessments/outbox.py): a task sent but not done after OUTBOX_RESEND_AFTER_SECONDS
# lost its message (the longest task is bounded by CELERY_TASK_TIME_LIMIT, far below it) and is
# sent again; the dispatcher runs on beat every OUTBOX_DISPATCH_EVERY_SECONDS, and that is how
# long work queued while the broker was down waits once it is back.
OUTBOX_RESEND_AFTER_SECONDS = env_int("OUTBOX_RESEND_AFTER_SECONDS", 300)
OUTBOX_DISPATCH_EVERY_SECONDS = env_int("OUTBOX_DISPATCH_EVERY_SECONDS", 10)
# Scoring that meets a brief database or broker fault retries this many times, waiting up to
# 1, 2, 4 ... seconds (full jitter) capped at the maximum: together well past a database restart.
SCORING_MAX_RETRIES = env_int("SCORING_MAX_RETRIES", 6)
SCORING_RETRY_DELAY = env_int("SCORING_RETRY_DELAY", 1)
SCORING_RETRY_MAX_DELAY = env_int("SCORING_RETRY_MAX_DELAY", 60)
# At most this many waiting assessments are scored in one transaction (services.assessment_score):
# a backlog drains in batches instead of one transaction each, while a batch (about a tenth of a
# second at 100) never holds up the assessment whose task claimed it for long. 1 turns it off.
SCORING_BATCH_SIZE = max(1, env_int("SCORING_BATCH_SIZE", 100))
CELERY_BEAT_SCHEDULE = {
    "outbox-dispatch": {
        "task": "assessments.tasks.outbox_dispatch_task",
        "schedule": OUTBOX_DISPATCH_EVERY_SECONDS,
    },
    # A draft scheduled to publish becomes current within this many seconds of its time.
    "publish-due-editions": {
        "task": "assessments.tasks.publish_due_editions_task",
        "schedule": env_int("EDITION_SCHEDULE_EVERY_SECONDS", 60),
    },
}

# --- REST API -------------------------------------------------------------------------------------
# How many proxies in front of the service append the client's address to X-Forwarded-For (the
# TLS-terminating proxy of a production setup: 1). At 0 the connection's address is the client's
# and X-Forwarded-For, which any client can write, is ignored. Throttles and the login lockout
# both key on the address this gives (api/throttling.client_address).
TRUSTED_PROXY_COUNT = max(0, env_int("TRUSTED_PROXY_COUNT", 0))
REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's two, the JSON one written by orjson (api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON only, with a body size limit (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    # One error format for every status (api/errors.py).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # drf-spectacular's, plus the error responses every operation shares (api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    # Every list pages the same way: page, page_size, a capped count, Link headers.
    "DEFAULT_PAGINATION_CLASS": "api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    # The deprecated ?format=csv / ?format=pdf pick a renderer; DRF's default name, spelled out
    # because the API documents it.
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.FixedWindowUserThrottle"],
    # Counted in the default cache: Redis when REDIS_URL is set, so every process shares them.
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_USER_THROTTLE_RATE", "2000/hour"),
        "token": env_str("API_TOKEN_THROTTLE_RATE", "10/minute"),
    },
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.errors.ApiExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "api.errors.ApiExceptionFormatter",
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-Id",
    # A client's own id is echoed whatever its form (a UUID or not), so it can find its request
    # in our logs; the server's header size limit bounds it.
    "VALIDATE_GUID": False,
}

# The API's description, at the top of the schema and of its documentation pages.
API_DESCRIPTION = """\
How ready a consumer brand is for Chinese-style social commerce, against a China benchmark.

**Auth**: `POST /api/v1/auth/token/` with a username and password returns a token; send it as
`Authorization: Token <token>`. Every answer holds only the brands you serve (consultants: the
brands assigned to them; brand managers: their brands; admins: all). Anything else is a 404.

**Downloads**: a report as a file at `GET /api/v1/assessments/{id}/report/csv/`, `/report/pdf/`
and `/report/xlsx/`; every assessment the filters match at `GET /api/v1/assessments/export/csv/`
and `/export/xlsx/`. Each is an operation of its own with one media type (PDF and XLSX also as
`application/octet-stream`). `?format=csv` and `?format=pdf` on the list and report still answer
the file, but are deprecated: such an answer carries a `Deprecation` header and a `Link` to its
successor.

**Errors**: JSON in one format for every status, a download's included. A method a path lacks
answers 405 with an `Allow` header; an `Accept` an operation cannot answer, 406; every operation
may answer 429 (throttled, see `Retry-After`), and every write 413 (body too large) and 415 (not
JSON).

**Languages**: send `Accept-Language: zh-Hans` (or `zh-CN`, `zh`) for Simplified Chinese text
fields, CSV headers and PDF; English otherwise, and for any text not yet translated. The response
names its language in `Content-Language`.

**Webhooks**: register a URL under `/api/v1/webhooks/`; the response shows its secret once.
Each `assessment.scored` event is a JSON POST with the headers `X-Readiness-Event`,
`X-Readiness-Delivery` (the same on every retry: deduplicate on it), `X-Readiness-Timestamp`
(Unix seconds) and `X-Readiness-Signature: sha256=<hex>`, the HMAC-SHA256 under the secret of
`<timestamp>.<raw body>`. Verify it in constant time over the raw bytes, before parsing, and
refuse timestamps more than 5 minutes old. A 2xx answer is a delivery; a 5xx, 408, 429 or a
network error is retried with exponential backoff; anything else fails at once (redirects are
not followed). Read the outcome under `/api/v1/webhooks/{id}/deliveries/`.
"""
SPECTACULAR_SETTINGS = {
    "TITLE": "readiness API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the project (sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "WebhookDeliveryStatusEnum": "api.models.WebhookDelivery.Status",
        "TrackedActionStatusEnum": "assessments.models.TrackedAction.Status",
        # Both an error's type and an action history entry's type are named "type".
        "ErrorTypeEnum": "api.serializers.ERROR_TYPES",
    },
}

# --- REST API: limits, webhooks -------------------------------------------------------------------
# Django refuses a larger body with "400 Request Data Too Big"; the API's JSON parser checks the
# same limit itself (DRF reads the stream directly) and answers 413 with a JSON message.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)
# List pages count matching rows up to this many: an exact count of 100,000 rows cost more than
# the rest of the request (api/pagination.py, bench/notes/list-growth.md).
API_COUNT_LIMIT = env_int("API_COUNT_LIMIT", 10_000)
# API tokens (api/tokens.py): the lifetime of a token asked for without expires_in_days, and the
# longest one a client may ask for, in days; 0: tokens never expire / no longest lifetime.
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 0)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 0)
# The questionnaire has a few dozen questions; more answers than this in one request is abuse.
API_MAX_ANSWERS = env_int("API_MAX_ANSWERS", 200)
# A request body's arrays and objects nest at most this deep (an answers map is 3 levels): deeper
# is a 400 before Python's JSON parser, which recurses per level, can fail near 1,000 levels.
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 64)
# requests' (connect, read) timeouts: both well under the task's soft time limit below.
WEBHOOK_CONNECT_TIMEOUT = env_int("WEBHOOK_CONNECT_TIMEOUT", 5)
WEBHOOK_READ_TIMEOUT = env_int("WEBHOOK_READ_TIMEOUT", 10)
# Off: webhook URLs whose host resolves to a loopback, private, link-local or otherwise
# non-public address are refused (api/destinations.py). On for receivers on your own network.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# Attempts after the first; the delay doubles from WEBHOOK_RETRY_DELAY up to WEBHOOK_RETRY_MAX_DELAY
# (30 s, 1 min, 2 min, ... about 1 hour in all with the defaults).
WEBHOOK_MAX_RETRIES = env_int("WEBHOOK_MAX_RETRIES", 6)
WEBHOOK_RETRY_DELAY = env_int("WEBHOOK_RETRY_DELAY", 30)
WEBHOOK_RETRY_MAX_DELAY = env_int("WEBHOOK_RETRY_MAX_DELAY", 3600)

# --- Login lockout (django-axes) ------------------------------------------------------------------
# Both the API token endpoint and the web login count failures per username and address; after
# AXES_FAILURE_LIMIT of them that pair is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    # The per-account ceiling first: a locked account is refused whatever the address.
    "assessments.account_lockout.AccountCeilingBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_TIME", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# Besides the per-address rule: this many failures for one username within the window, from any
# addresses, lock the account for ACCOUNT_LOCKOUT_MINUTES and mail its owner
# (assessments/account_lockout.py). 20 an hour stops a guesser spreading attempts over many
# addresses to a few hundred guesses a day, while a person mistyping is stopped by axes first.
ACCOUNT_FAILURE_LIMIT = env_int("ACCOUNT_FAILURE_LIMIT", 20)
ACCOUNT_FAILURE_WINDOW_MINUTES = env_int("ACCOUNT_FAILURE_WINDOW_MINUTES", 60)
ACCOUNT_LOCKOUT_MINUTES = env_int("ACCOUNT_LOCKOUT_MINUTES", 60)
# JSON for the API, axes' plain message for the web login.
AXES_LOCKOUT_CALLABLE = "api.lockout.lockout_response"
# The same client address as the throttles (TRUSTED_PROXY_COUNT), not axes' own reading.
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"

# --- Security behind a proxy ----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)?$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# --- Email ----------------------------------------------------------------------------------------
# One URL: smtp://user:pass@host:587/?tls=True (or ?ssl=True for port 465), console:// (print to
# the terminal, the default with DEBUG on, as under `make run`), or dummy://. Production
# defaults to a local mail relay on port 25.
EMAIL_URL = env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25")
vars().update(dj_email_url.parse(EMAIL_URL))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# A mail that the relay refuses is sent again this many times (assessments/tasks.py), waiting
# 30 s, 60 s, 120 s ... (full jitter) up to the maximum: about two and a half hours in all.
# The maximum stays below CELERY_VISIBILITY_TIMEOUT, or Redis would hand a waiting retry to a
# second worker.
MAIL_MAX_RETRIES = env_int("MAIL_MAX_RETRIES", 10)
MAIL_RETRY_DELAY = env_int("MAIL_RETRY_DELAY", 30)
MAIL_RETRY_MAX_DELAY = env_int("MAIL_RETRY_MAX_DELAY", 1800)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "readiness <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in mail and URLs in webhook payloads point at: both are built outside any
# request that knows the host (mail and deliveries are sent by workers).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Headers: CSP, Permissions-Policy, cookies ----------------------------------------------------
# A strict Content-Security-Policy: only this site's own scripts, styles, images and fonts; no
# inline script or style anywhere (templates load static files); no framing, plugins or <base>;
# forms post only here. The Swagger UI page (api/urls.py) widens img-src by data: alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}
# No page uses a device feature: every one is refused, for this site and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}
# The language cookie travels like the session cookie: over HTTPS only in production, never on
# cross-site requests, and never readable by scripts.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Benchmark admin: editions, audit trail, impact preview, rescoring ----------------------------
# The audit trail (django-simple-history, in INSTALLED_APPS and MIDDLEWARE above) records who
# changed which weight, figure or question.
# Impact previews of up to this many assessments are computed in the admin's request: a preview
# runs at about a thousand assessments a second, so this stays around a second. Larger sets go
# to Celery with a progress page, so that no request runs into the proxy's timeout.
IMPACT_PREVIEW_SYNC_LIMIT = env_int("IMPACT_PREVIEW_SYNC_LIMIT", 1000)
# Assessments per preview or rescoring chunk: one chunk's answers (about 30 rows each) stay a few
# MB in a worker and score in well under the task time limit, while the fixed cost of a chunk (a
# handful of queries and one task) is shared by enough assessments to stay negligible.
EDITION_JOB_CHUNK_SIZE = env_int("EDITION_JOB_CHUNK_SIZE", 500)

# Plain lines by default; LOG_FORMAT=json writes one JSON object a line, with the request id
# (django-structlog's middleware) on every line logged while a request is served, our own
# loggers' included.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"},
        "json": {
            "()": "structlog.stdlib.ProcessorFormatter",
            "processor": structlog.processors.JSONRenderer(),
            "foreign_pre_chain": [
                structlog.contextvars.merge_contextvars,
                add_request_id,
                structlog.stdlib.add_logger_name,
                structlog.stdlib.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
            ],
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Not its line per request saying whether the client sent an id: the id is on every line.
    "loggers": {"django_guid": {"level": "WARNING"}},
}
# Benchmark figures older than this many years are listed on the admin's edition page, so that
# admins see which evidence to replace first (figures are dated by their publication year).
EVIDENCE_STALE_AFTER_YEARS = env_int("EVIDENCE_STALE_AFTER_YEARS", 5)
# Observed adoption is offered as a benchmark figure only where at least this many distinct
# brands contribute, so that no single brand's answers can be read off the figure.
OBSERVED_MIN_BRANDS = env_int("OBSERVED_MIN_BRANDS", 10)
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
)
if LOG_FORMAT == "json":
    # Each request's start and end logged (with django-guid's request id, readiness/logs.py):
    # with plain logs, two lines a request would only be noise.
    MIDDLEWARE.insert(2, "django_structlog.middlewares.RequestMiddleware")
# /metrics (readiness/metrics.py) answers only a scraper that sends this as a bearer token.
METRICS_TOKEN = env_str("METRICS_TOKEN")
