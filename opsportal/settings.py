"""OpsPortal settings: one module, every value from the environment.

With nothing set, the whole product runs on an embedded default under ``var/``:
SQLite (WAL), a filesystem Celery broker and emails written as files.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from opsportal.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("OPSPORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# DJANGO_DEBUG=0 is production: secrets and hosts required, HTTPS only. Left at 1 (the embedded
# default) the product runs on localhost as its users see it: the portal's own error pages.
# Django's technical pages (and DEBUG) are for a developer who asks: DJANGO_DEBUG_PAGES=1.
DEVELOPMENT = env.bool("DJANGO_DEBUG", default=True)
DEBUG = DEVELOPMENT and env.bool("DJANGO_DEBUG_PAGES", default=False)


def _development_secret() -> str:
    """A secret generated once per checkout, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if DEVELOPMENT:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _development_secret()
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

# The run command serves on PORT (8000); links in emails and feeds follow it unless set here.
OPSPORTAL_BASE_URL = env.str("OPSPORTAL_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
OPSPORTAL_BASE_URL = OPSPORTAL_BASE_URL.rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[OPSPORTAL_BASE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, found by the TemplatesSetting renderer below
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    # The floor: database helpers, access and scope, audit, the outbox, API and admin plumbing,
    # and the portal shell (docs/architecture.md).
    "opsportal",
    # The domain apps.
    "locales",
    "influencers",
    "challenges",
    "events",
    "agreements",
    "budgets",  # money per event and challenge, exchange rates: references events and challenges
    # Feature apps above them: each reads and writes through the domain's selectors and services.
    "imports",
    "exports",
    "feeds",
    "webhooks",
    "reports",
    "reminders",
    "notifications",
    "milestones",
    "goals",
    "dashboard",
    "search",
    "privacy",
    "demo",
    # `manage.py bench_*` (docs/performance.md).
    "benchmarks",
]

MIDDLEWARE = [
    # Outermost: sees the final response and, for a request logged, its status and time.
    "opsportal.logs.AccessLogMiddleware",
    # A 500 caused by an absent database or broker becomes a 503 with Retry-After.
    "opsportal.availability.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "opsportal.middleware.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every query below runs in the request's country scope (opsportal.access).
    "opsportal.middleware.CountryScopeMiddleware",
    "opsportal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "opsportal.middleware.AuditContextMiddleware",
    "opsportal.middleware.PrivatePagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsportal.urls"
WSGI_APPLICATION = "opsportal.wsgi.application"

# Widgets render through TEMPLATES, so opsportal/templates/django/forms/ can name Django's blank
# choice in words in every form, the admin's included.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opsportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "opsportal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'opsportal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write at once: WAL plus a busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, not SQLite's in-memory default: an in-memory database is one
    # connection shared by the browser tests' live-server threads, and two requests at once on it
    # deadlock (SQLite holds the connection while calling our Python search functions, which wait
    # for the interpreter lock the other thread holds). pytest-xdist adds a suffix per worker.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-opsportal.sqlite3")}
    # The calendar's covering indexes (``include=``) are PostgreSQL's; SQLite builds them without
    # the included columns, which changes nothing but speed.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    # The JIT compiler costs 100-300 ms on the few larger list queries and gains nothing on
    # OLTP-sized ones (docs/performance.md); keep it off for the application's connections.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()
    # Only the API's precompiled statements ask to be prepared (opsportal/api/compiled.py): Django's
    # own cursors bind on the client and never prepare. Django turns psycopg's preparing off unless
    # OPTIONS names a threshold, and then ``prepare=True`` is ignored too, so those statements were
    # planned on every request (0.5 ms of a 1.7 ms page). A threshold no statement reaches keeps
    # every other statement unprepared.
    _pg_options.setdefault("prepare_threshold", 2**31 - 1)
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# A streaming replica for heavy reads (reports, exports, search, HQ's overview): opsportal/db_router.py.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    if not IS_POSTGRES or DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica.")
    _replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    # Read-only even when the URL names a writable server: nothing may be written past the router.
    _replica_options["options"] = (
        _replica_options.get("options", "") + " -c jit=off -c default_transaction_read_only=on"
    ).strip()
    # A replica that is away is skipped for the primary (db_router): fail fast rather than hang.
    _replica_options.setdefault("connect_timeout", 3)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the primary's test database through the replica's server: a streaming replica
    # holds it already (scripts/replica.sh); a URL naming the primary's server reads it there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["opsportal.db_router.ReplicaRouter"]
# Django's PostgreSQL backend, whose health check of a reused connection polls its socket instead
# of sending SELECT 1 on every request (opsportal/postgresql/base.py).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = "opsportal.postgresql"
# Seconds a report or an export waits for the replica to catch up before reading the primary.
OPSPORTAL_REPLICA_WAIT = env.float("OPSPORTAL_REPLICA_WAIT", default=5.0)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://opsportal"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Everything cached can be recomputed or skipped: a Redis outage is a miss, not a 500.
    CACHES["default"]["BACKEND"] = "opsportal.cache.FailOpenRedisCache"
# Seconds a client is told to wait (Retry-After) when PostgreSQL or the broker is away.
# HQ's totals of spend are shown in this one currency, converted by the dated rates teams enter.
OPSPORTAL_REPORTING_CURRENCY = env.str("OPSPORTAL_REPORTING_CURRENCY", default="USD")
OPSPORTAL_RETRY_AFTER = env.int("OPSPORTAL_RETRY_AFTER", default=10)

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link lives three hours
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the reverse proxy (see opsportal/signin.py): without it every
# client has the proxy's address and five wrong passwords from anyone lock the owner out.
OPSPORTAL_TRUSTED_PROXY_COUNT = env.int("OPSPORTAL_TRUSTED_PROXY_COUNT", default=0)
OPSPORTAL_TRUSTED_PROXY_HEADER = env.str("OPSPORTAL_TRUSTED_PROXY_HEADER", default="HTTP_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "opsportal.signin.client_ip"
# Per username, from any address: slowed (never locked) after this many failures in the window.
OPSPORTAL_SIGNIN_SOFT_LIMIT = env.int("OPSPORTAL_SIGNIN_SOFT_LIMIT", default=10)
OPSPORTAL_SIGNIN_SOFT_WINDOW = 15 * 60  # seconds
OPSPORTAL_SIGNIN_SOFT_DELAY = 10  # seconds between attempts while slowed
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Internationalization ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("id", _("Bahasa Indonesia")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("ja", _("Japanese")),
    ("ms", _("Malay")),
    ("km", _("Khmer")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# opsportal/static/ is found by the app-directories finder (opsportal is an installed app);
# listing it in STATICFILES_DIRS too made collectstatic find portal.css twice.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Locally the files are served straight from the apps (no collectstatic step); production collects.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # a 10,000-row bulk batch fits

# --- Email ------------------------------------------------------------------
EMAIL_OUTBOX_DIR = VAR_DIR / "mail"
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    # e.g. smtp://user:pass@mail.example.com:587/?tls=True, consolemail://, memorymail://
    vars().update(env.email_url_config(EMAIL_URL))
else:
    # Embedded default: every email lands as a readable file under var/mail/.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(EMAIL_OUTBOX_DIR)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OpsPortal <opsportal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An SMTP conversation never outlasts the outbox lease below, so a live send is never taken
# for a dead one.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Outbox (opsportal/mail.py): a send holds its row this long (renewed just before SMTP); a row
# handed to the queue is handed again after the enqueue lease. With the one-minute sweep, a
# message whose worker was killed goes out within about lease + 1 minute.
OPSPORTAL_MAIL_STUCK_AFTER = env.int("OPSPORTAL_MAIL_STUCK_AFTER", default=120)
OPSPORTAL_MAIL_ENQUEUE_LEASE = env.int("OPSPORTAL_MAIL_ENQUEUE_LEASE", default=120)
# First retry after a temporary SMTP failure; each next one waits twice as long. 30 s drains a
# 60-second SMTP outage within a minute of its end (tests/reliability/test_faults.py).
OPSPORTAL_MAIL_RETRY_BASE = env.int("OPSPORTAL_MAIL_RETRY_BASE", default=30)
# The same outbox core for webhooks (webhooks/services.py): an attempt's lease (longer than
# OPSPORTAL_WEBHOOK_TIMEOUT) and the enqueue lease; beat's webhooks-requeue sweeps every minute.
OPSPORTAL_WEBHOOK_STUCK_AFTER = env.int("OPSPORTAL_WEBHOOK_STUCK_AFTER", default=120)
OPSPORTAL_WEBHOOK_ENQUEUE_LEASE = env.int("OPSPORTAL_WEBHOOK_ENQUEUE_LEASE", default=120)

# --- Celery -----------------------------------------------------------------
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu writes its exchange tables to ./control unless told: keep them under var/ too.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message not acknowledged within this time is handed to another worker. Explicit
        # (kombu's default is one hour): it must exceed the longest task and the longest
        # countdown in use (webhook retries); outbox email does not rely on it (the sweep does).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
        # Fail fast and let the outbox rows carry the work while Redis is away.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Publishing while the broker is away: a few quick retries, then the caller's fallback
# (the outbox or webhook row stays queued and the sweep re-sends it).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Keep Django's LOGGING (timestamps, levels, JSON, request ids) in the worker and beat too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Every minute: re-send outbox email whose worker died or whose task Redis lost, and record
    # that beat and a worker are alive (/readyz shows it).
    "outbox-sweep": {"task": "opsportal.tasks.outbox_sweep", "schedule": 60},
    # One tick finds what is due in each country's local time and fans out.
    "reminders-tick": {"task": "opsportal.tasks.reminders_tick", "schedule": 15 * 60},
    "weekly-reports-tick": {"task": "opsportal.tasks.weekly_reports_tick", "schedule": 15 * 60},
    "webhooks-requeue": {"task": "opsportal.webhooks.tasks.requeue_stuck_webhook_deliveries", "schedule": 60},
    "imports-delete-old-files": {"task": "opsportal.imports.delete_old_files", "schedule": 6 * 60 * 60},
    # PostgreSQL: next months' snapshot partitions, and rows that landed in a default partition.
    "partitions-ensure": {"task": "opsportal.tasks.partitions_ensure", "schedule": 6 * 60 * 60},
    # Hourly metric snapshots older than OPSPORTAL_METRIC_HOURLY_DAYS become one a day.
    "metric-snapshots-roll-up": {"task": "challenges.tasks.roll_up_metric_snapshots", "schedule": 6 * 60 * 60},
    # The dashboard's weekly gains move on at each country's local midnight; until the task has
    # run, its readers compute the stale rows live (5 s for 100,000 core influencers). Every zone
    # is offset from UTC by whole quarter hours, so a run on each quarter hour of the clock starts
    # as a midnight passes (an interval from beat's start left up to 15 minutes of slow pages).
    "week-gains-refresh": {"task": "influencers.tasks.refresh_week_gains", "schedule": crontab(minute="*/15")},
    # Each bulk batch of follower counts queues a refresh of its influencers' totals when it
    # commits; this drains whatever a lost task left behind.
    "followers-refresh-queued": {"task": "influencers.tasks.refresh_queued_followers", "schedule": 60},
}

# --- REST framework -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "opsportal.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["opsportal.api.permissions.CountryScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "opsportal.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["opsportal.api.renderers.JSONRenderer"],
    # One JSON parser for every API view (webhooks and audit included): size and depth capped.
    "DEFAULT_PARSER_CLASSES": ["opsportal.api.renderers.JSONParser"],
    "EXCEPTION_HANDLER": "opsportal.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["opsportal.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="1200/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpsPortal API",
    "DESCRIPTION": "The system of record of the local operations teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its docs page are for signed-in staff and token holders, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set used by several fields (the API helper's schema needs it).
    "ENUM_NAME_OVERRIDES": {
        "PlatformEnum": "influencers.models.Platform",
        "WebhookEventTypeEnum": "webhooks.models.EventType",
        "RegulatorRequestStatusEnum": "locales.models.requests.RequestStatus",
        "RegulatorRequestKindEnum": "locales.models.requests.RequestKind",
        "GoalMetricEnum": "goals.models.Metric",
        "ExternalMetricEnum": "goals.models.ExternalMetric",
    },
}

# --- Security -----------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Probes talk plain HTTP to the container; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Text (default) or JSON lines; both carry a timestamp, the level and the request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))

# --- OpsPortal ---------------------------------------------------------------
# Local hour at which reminders and weekly reports go out.
OPSPORTAL_SEND_HOUR = env.int("OPSPORTAL_SEND_HOUR", default=9)

# The audit trail cannot be changed through any door, so the admin's "revert" is off.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = False

# Imports: the largest file accepted, and up to which size a file is checked during the request
# (larger ones go to the Celery worker with a progress bar).
OPSPORTAL_IMPORT_MAX_BYTES = env.int("OPSPORTAL_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
OPSPORTAL_IMPORT_INLINE_BYTES = env.int("OPSPORTAL_IMPORT_INLINE_BYTES", default=256 * 1024)
# Uploaded files hold people's contact details: they are deleted this many days after upload
# (the import's record, counts and errors stay).
OPSPORTAL_IMPORT_FILE_DAYS = env.int("OPSPORTAL_IMPORT_FILE_DAYS", default=30)

# Snapshot retention (docs/performance.md, "Partitions and retention"): metric snapshots older than
# this many days keep one a day (the last of each day in the challenge country's time); younger
# ones stay hourly. Follower counts are daily already and are kept as they are.
OPSPORTAL_METRIC_HOURLY_DAYS = env.int("OPSPORTAL_METRIC_HOURLY_DAYS", default=90)
# PostgreSQL: monthly partitions of the snapshot tables are created this many months ahead.
OPSPORTAL_PARTITION_MONTHS_AHEAD = env.int("OPSPORTAL_PARTITION_MONTHS_AHEAD", default=3)
