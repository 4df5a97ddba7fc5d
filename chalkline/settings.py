"""Chalkline settings. Everything that differs between installations comes from the environment.

See docs/operations.md for the full list of variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from chalkline.lib.env import envbool, envint, envlist, envrate, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("CHALKLINE_VAR_DIR", str(BASE_DIR / "var")))

PLACEHOLDER_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused outside DEBUG
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY", PLACEHOLDER_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "chalkline.people",
    "chalkline.audit",
    "chalkline.outbox",
    "chalkline.policies",
    "chalkline.screening",
    "chalkline.drafts",
    "chalkline.api",
    "chalkline.acks",
    "chalkline.registry",
    "chalkline.training",
    "chalkline.cases",
    "chalkline.messaging",
    "chalkline.reviews",
    "chalkline.workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chalkline.people.middleware.anonymous_post_rate_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chalkline.people.middleware.session_refresh_middleware",
    "chalkline.people.middleware.current_district_middleware",
]

ROOT_URLCONF = "chalkline.urls"
WSGI_APPLICATION = "chalkline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chalkline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chalkline.people.context_processors.chalkline",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (postgres://user@host:port/name).
DATABASE_URL = envsecret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chalkline.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
# Behind a transaction-pooling PgBouncer a session-level lock could stay on a server connection
# another client then uses; DB_TRANSACTION_POOLING=1 keeps every database lock transaction-scoped
# (the audit sealer then probes the chain with a transaction lock: slightly slower under load).
DB_TRANSACTION_POOLING = envbool("DB_TRANSACTION_POOLING", False)
# Options given in DATABASE_URL's query string (sslmode, ...) are kept; ours are added to them.
_DB_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of failing
    # halfway; WAL lets readers run while one writer works.
    _DB_OPTIONS.update(
        {
            "transaction_mode": "IMMEDIATE",
            # Seconds a connection waits for another's write lock before "database is locked".
            "timeout": envint("SQLITE_BUSY_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding, so that psycopg can prepare the statements a connection
    # repeats (the audit hot path, signing, the directory pages): PostgreSQL then skips parsing and
    # planning them. With client-side binding (Django's default) psycopg never prepares. Measured
    # in docs/benchmarks.md: audit appends +45%, signing over HTTP +10-20%. Behind a
    # transaction-pooling PgBouncer nothing is prepared unless DB_PREPARE_THRESHOLD says so
    # (PgBouncer >= 1.21 with max_prepared_statements > 0 can keep prepared statements);
    # DB_SERVER_SIDE_BINDING=0 returns to client-side binding.
    _DB_OPTIONS.update(
        {
            "prepare_threshold": envint("DB_PREPARE_THRESHOLD", 0 if DB_TRANSACTION_POOLING else 5)
            or None,
            "server_side_binding": envbool("DB_SERVER_SIDE_BINDING", True),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
# Django's backend, with a username or an email address, refusing accounts whose person record
# is inactive (people.backends).
AUTHENTICATION_BACKENDS = ["chalkline.people.backends.ChalklineBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    # Argon2id at OWASP's recommended parameters (chalkline/people/hashers.py); hashes made with
    # Django's default Argon2 parameters still verify and are upgraded at the next sign-in.
    "chalkline.people.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling: after LOGIN_MAX_FAILURES failures for one username or one address within
# LOGIN_LOCKOUT_SECONDS, further attempts are refused with the same generic message.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 900)
# Sign-in with a district's OpenID Connect provider (docs/operations.md). The providers'
# discovery documents and signing keys are kept this long in the shared cache (the keys are
# fetched again at once when a token names a key the cached set lacks: key rotation).
SIGN_IN_METADATA_SECONDS = envint("SIGN_IN_METADATA_SECONDS", 3600)
# On the providers page, a client secret may only be named as an environment variable with this
# prefix or a file inside SIGN_IN_SECRET_DIR (empty: no files), so that nobody can make Chalkline
# send another of the server's secrets to a provider of their choosing.
SIGN_IN_SECRET_ENV_PREFIX = envstr("SIGN_IN_SECRET_ENV_PREFIX", "CHALKLINE_SIGN_IN_")
SIGN_IN_SECRET_DIR = envstr("SIGN_IN_SECRET_DIR", "")
# Issuers must be https; the tests' provider on 127.0.0.1 is plain http. Never in production.
SIGN_IN_ALLOW_HTTP_ISSUER = envbool("SIGN_IN_ALLOW_HTTP_ISSUER", False)
# Rate limits, COUNT/SECONDS, counted in the shared cache; over the limit a request gets 429 with
# Retry-After. Per API token on POST /api/v1/screen; per client address and per submitted email
# on the password reset form; per client address on every other anonymous POST (sign-in, setting
# a new password). "0/60" turns one off.
RATE_LIMIT_API_SCREEN = envrate("RATE_LIMIT_API_SCREEN", "600/60")
RATE_LIMIT_PASSWORD_RESET_ADDRESS = envrate("RATE_LIMIT_PASSWORD_RESET_ADDRESS", "20/3600")
RATE_LIMIT_PASSWORD_RESET_ACCOUNT = envrate("RATE_LIMIT_PASSWORD_RESET_ACCOUNT", "5/3600")
# one-time sign-in links for families (messaging hub), per address and per client address
RATE_LIMIT_SIGN_IN_LINK_ACCOUNT = envrate("RATE_LIMIT_SIGN_IN_LINK_ACCOUNT", "5/3600")
RATE_LIMIT_SIGN_IN_LINK_ADDRESS = envrate("RATE_LIMIT_SIGN_IN_LINK_ADDRESS", "20/3600")
RATE_LIMIT_ANONYMOUS_POST = envrate("RATE_LIMIT_ANONYMOUS_POST", "600/60")

# Sessions end after SESSION_IDLE_MINUTES of inactivity and at browser close. The expiry is pushed
# forward at most once every SESSION_REFRESH_SECONDS (people.middleware), not on every request,
# which saves a session write per page view.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 60) * 60
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 300)
SESSION_SAVE_EVERY_REQUEST = False
# Database sessions tagged with their user (people.sessions), so a leaver's sessions can be ended.
SESSION_ENGINE = "chalkline.people.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
# Behind the TLS reverse proxy, the client address is the right-most X-Forwarded-For entry that
# is not one of TRUSTED_PROXIES (the proxy appends the address it saw; see chalkline.lib.http).
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chalkline_cache",
    },
    # Task workers' heartbeats (chalkline/lib/task_workers.py), in a table of their own so that
    # culling the rate-limit counters never drops a live worker's beat. createcachetable makes it.
    "task_workers": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chalkline_task_workers",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

LANGUAGE_CODE = "en-us"
# The languages findings are explained in (screening/locale): the draft-check page follows the
# browser's Accept-Language, the API a "lang" field or Accept-Language. The .mo catalogs are
# compiled by `make messages` (docs/screening.md, "Spanish").
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = envstr("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "chalkline" / "static"]  # project-wide CSS, JS and vendored htmx
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise wants it; collectstatic fills it
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads (roster exports) carry personal data: private files and folders, and Django's
# temporary copy of a large upload goes to a private folder under the var dir (created 0700 at
# start-up; `chalkline sweep-uploads` removes what a killed process left there).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_TEMP_DIR = envstr("FILE_UPLOAD_TEMP_DIR", str(VAR_DIR / "upload-tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
Path(FILE_UPLOAD_TEMP_DIR).chmod(0o700)  # also when an older release created it 0755
UPLOAD_TEMP_MAX_AGE_SECONDS = envint("UPLOAD_TEMP_MAX_AGE_SECONDS", 900)
# The running directory import writes a heartbeat every few seconds; a claim whose heartbeat is
# older than this is dead and may be taken over. A queued import no worker started within
# IMPORT_QUEUED_TIMEOUT_SECONDS is dead too.
IMPORT_HEARTBEAT_SECONDS = envint("IMPORT_HEARTBEAT_SECONDS", 10)
IMPORT_HEARTBEAT_TIMEOUT_SECONDS = envint("IMPORT_HEARTBEAT_TIMEOUT_SECONDS", 60)
IMPORT_QUEUED_TIMEOUT_SECONDS = envint("IMPORT_QUEUED_TIMEOUT_SECONDS", 3600)
# Message attachments: write-once files named by their SHA-256 (chalkline/messaging/attachments.py).
MESSAGING_ATTACHMENT_DIR = envstr("MESSAGING_ATTACHMENT_DIR", str(VAR_DIR / "attachments"))
# A file attached in the composer but never sent is kept this long (its token lasts as long), then
# `chalkline sweep_staged_attachments` deletes it (at least 1 hour).
MESSAGING_STAGED_FILE_HOURS = max(1, envint("MESSAGING_STAGED_FILE_HOURS", 24))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Email goes out over SMTP. Tests run a real local SMTP server. EMAIL_BACKEND may name another
# Django backend: the file backend (`make demo` uses it) writes each message to EMAIL_FILE_PATH.
_EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith(".smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": envstr("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 25),
        "username": envstr("EMAIL_HOST_USER", ""),
        "password": envsecret("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", False),
        "use_ssl": envbool("EMAIL_USE_SSL", False),
        "timeout": envint("EMAIL_TIMEOUT", 10),
    }
elif _EMAIL_BACKEND.endswith(".filebased.EmailBackend"):
    _EMAIL_OPTIONS = {"file_path": envstr("EMAIL_FILE_PATH", str(VAR_DIR / "demo-mail"))}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
# How many SMTP connections `send-mail` uses at once for one batch (the time goes into waiting
# for the mail server's answers; a relay that limits connections per client wants fewer).
OUTBOX_SMTP_CONNECTIONS = envint("OUTBOX_SMTP_CONNECTIONS", 4)
# Audit checkpoints (`chalkline audit checkpoint`): the HMAC key file, the directory the signed
# checkpoint files go to (mount it from another host) and an optional address that gets a copy.
AUDIT_CHECKPOINT_KEY_FILE = envstr("AUDIT_CHECKPOINT_KEY_FILE", "")
AUDIT_CHECKPOINT_DIR = envstr("AUDIT_CHECKPOINT_DIR", "")
AUDIT_CHECKPOINT_EMAIL = envstr("AUDIT_CHECKPOINT_EMAIL", "")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Chalkline <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())
# E-mail delivery of hub messages (docs/messaging.md, "E-mail"). Replies come back to
# reply+<recipient>.<signature>@MESSAGING_REPLY_DOMAIN and bounces to bounce+<delivery>.<signature>@
# the same domain (`chalkline mail-in` receives both); empty: no reply address, no VERP, and the
# e-mail asks the reader to answer in the hub. The signatures are HMAC-SHA256 with
# MESSAGING_REPLY_SECRET, or a key derived from SECRET_KEY when it is empty.
MESSAGING_REPLY_DOMAIN = envstr("MESSAGING_REPLY_DOMAIN", "").strip().lower().strip(".")
MESSAGING_REPLY_SECRET = envsecret("MESSAGING_REPLY_SECRET", "")
# Journaling: every hub message also goes (through the outbox) to this archive address as an
# RFC 5322 copy with X-Chalkline-* headers naming sender and recipients; empty: off.
MESSAGING_JOURNAL_ADDRESS = envstr("MESSAGING_JOURNAL_ADDRESS", "")
# `chalkline mail-in`: where it listens, which protocol, and the largest message it takes.
MAIL_IN_HOST = envstr("MAIL_IN_HOST", "127.0.0.1")
MAIL_IN_PORT = envint("MAIL_IN_PORT", 2525)
MAIL_IN_MAX_BYTES = envint("MAIL_IN_MAX_BYTES", 10 * 1024 * 1024)

# Background work: django.tasks. Inline (Immediate) by default; "database" runs a worker.
TASK_BACKEND = envstr("TASK_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASK_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# A task left RUNNING by a worker that died (SIGKILL, out of memory, a lost host) is put back in
# the queue once its worker has not beaten for TASK_WORKER_TIMEOUT_SECONDS; after
# TASK_MAX_WORKER_LOSSES workers lost on it, it is marked failed instead (chalkline/lib/task_workers.py).
TASK_WORKER_HEARTBEAT_SECONDS = envint("TASK_WORKER_HEARTBEAT_SECONDS", 10)
TASK_WORKER_TIMEOUT_SECONDS = envint("TASK_WORKER_TIMEOUT_SECONDS", 60)
TASK_MAX_WORKER_LOSSES = envint("TASK_MAX_WORKER_LOSSES", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default config gives "django" a console handler of its own when DEBUG is
        # on; with the root handler too every task log printed twice. One handler, no propagation.
        "django": {
            "handlers": ["console"],
            "level": envstr("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # PDF font subsetting (certificates) logs every glyph list at INFO.
        "fontTools": {"level": "WARNING"},
        # Request bodies and SQL parameters can carry PII; keep them out of logs.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.db.backends": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # A request for a host outside ALLOWED_HOSTS is answered 400; the traceback Django would
        # log for each one is scanner noise.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}

# Policy import (chalkline/policies/parsing/limits.py): every file is parsed in a child process
# killed past the time limit, under these bounds; a file that overruns one is refused with a
# message naming the variable. Files of POLICY_IMPORT_BACKGROUND_KB or more are parsed by a
# background task, with progress on the staff page. 0 turns a bound off.
POLICY_IMPORT_MAX_STREAM_BYTES = envint("POLICY_IMPORT_MAX_STREAM_MB", 16) * 1_048_576
POLICY_IMPORT_MAX_PAGES = envint("POLICY_IMPORT_MAX_PAGES", 200)
POLICY_IMPORT_MAX_TEXT_CHARS = envint("POLICY_IMPORT_MAX_TEXT_CHARS", 2_000_000)
POLICY_IMPORT_TIMEOUT_SECONDS = envint("POLICY_IMPORT_TIMEOUT_SECONDS", 60)
POLICY_IMPORT_MEMORY_BYTES = envint("POLICY_IMPORT_MEMORY_MB", 1024) * 1_048_576
POLICY_IMPORT_BACKGROUND_BYTES = envint("POLICY_IMPORT_BACKGROUND_KB", 64) * 1024

# Pagination of long lists.
PAGE_SIZE = envint("PAGE_SIZE", 50)

# The screening roster each process keeps per district (chalkline/people/roster_index.py): how
# often it checks the directory for changes, and whether a rebuild runs in the background while
# the previous index goes on serving (off: the request that notices the change waits for it).
# A directory import that would deactivate more than this share of the district's active people
# stops and asks for confirmation (--confirm-deactivations, or the box on the import form).
IMPORT_MAX_DEACTIVATION_SHARE = float(envstr("IMPORT_MAX_DEACTIVATION_SHARE", "0.10"))
ROSTER_INDEX_CHECK_SECONDS = envint("ROSTER_INDEX_CHECK_SECONDS", 30)
ROSTER_INDEX_BACKGROUND_REBUILD = envbool("ROSTER_INDEX_BACKGROUND_REBUILD", True)
