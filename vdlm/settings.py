"""Settings for vdlm, read from the environment.

Development defaults are safe: DEBUG is off unless DJANGO_DEBUG says otherwise,
and without DEBUG the site refuses to start until DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS are set. Every variable is documented in `.env.example`;
production, scale-out and backups in docs/deploy.md.
"""

import datetime
import importlib.util
from pathlib import Path
from urllib.parse import urlparse

import django_include_bootstrap
import environ
from django.core.exceptions import ImproperlyConfigured

from vdlm.headers import add_static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Only ever used with DEBUG on, i.e. on a developer's machine.
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
if not ALLOWED_HOSTS and not DEBUG:
    # Django would start and answer every request with 400: better to refuse at once, and say why.
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off "
        "(the site's host names, comma-separated, e.g. meetup.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with the project's admin site (its "view on site" shortcut checks permissions).
    "vdlm.apps.VdlmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "csp",
    "axes",
    # Two-factor sign-in (accounts/second_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "vdlm.apps.VdlmConfig",
    "meetups",
    "talks",
    "sponsors",
    "raffles",
    "contributions",
    "api",
    "decks",
    "django_tasks_db",
    "outbox",
    "members",
    "rsvps",
    "audit",
    # The history of content edits (history/): django-reversion's versions, revert and recover.
    "reversion",
    "history",
    "accounts",
]
# Django 6 has the Tasks framework built in; on 5.2 the django-tasks backport is its app.
if importlib.util.find_spec("django.tasks") is None:
    INSTALLED_APPS.append("django_tasks")
# The task queue's backend (see TASKS below); the RQ one needs django-rq's app for its worker.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
RQ_BACKEND = "django_tasks_rq.RQBackend"
if TASKS_BACKEND == RQ_BACKEND:
    INSTALLED_APPS.append("django_rq")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before anything else runs (see "Static files" below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and auth: a cached page skips them all (vdlm/page_cache.py says what is cached).
    "vdlm.page_cache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "vdlm.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the first reader of request.POST (the CSRF check): an undecodable form is a 400.
    "vdlm.middleware.UnreadableFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor (if any) this session proved; then: none yet, no admin (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vdlm.urls"

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
                "meetups.context_processors.site_profile",
            ],
        },
    },
]

WSGI_APPLICATION = "vdlm.wsgi.application"

# --- Database -------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL comes in through DATABASE_URL.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Measured here: SQLite's default mode rejects about half of concurrent
    # writes with "database is locked"; WAL + IMMEDIATE + a timeout gives none.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Kept open too: a new connection costs ~1 ms and starts with an empty page cache,
    # about 15 % of a page rendered from the database (`make bench`).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
else:
    # Each worker keeps its connection for a minute instead of reconnecting for every
    # request; Django's health check (a SELECT 1 before a request reuses it) notices one
    # the server closed meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratelimit",
        },
    }
else:
    CACHES = {
        # Template fragments ({% cache %}: archive rows, edition parts, menu and footer) live
        # here: a crawled archive alone is over 200 of them, Django's default keeps 300.
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
        # Rate limits must be shared by every worker process, which local memory is
        # not (django-ratelimit's check refuses it): the database is, without Redis,
        # with an atomic increment (vdlm/cache.py).
        # `manage.py migrate` creates the table (vdlm/migrations/0001_cache_tables.py).
        "ratelimit": {
            "BACKEND": "vdlm.cache.AtomicDatabaseCache",
            "LOCATION": "vdlm_ratelimit_cache",
            # Each entry counts under four keys (its network, its address, both, the form's
            # token). With Django's default of 300 rows, a room of 150 entrants made every
            # write cull the table: live counters deleted (limits reset) and, on PostgreSQL,
            # concurrent culls deadlocked. Expired rows go once the table passes this.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
RATELIMIT_USE_CACHE = "ratelimit"

# --- Page cache and HTTP caching (vdlm/page_cache.py, docs/deploy.md) ------------------
# Anonymous visitors' public pages are served from the "pages" cache until any content
# changes (a site-wide version) or PAGE_CACHE_TIMEOUT passes (pages that change with the
# clock: the next meetup, an opening raffle). PAGE_CACHE=off renders every request.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=60)
# Cache-Control: public, max-age=... of those pages, for browsers and proxies.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
        "TIMEOUT": PAGE_CACHE_TIMEOUT,
    }
    # Redis holds the content version too: every app server sees each change.
    PAGE_CACHE_VERSION_FILE = ""
else:
    # Each worker keeps its own copy of the pages (a thousand pages of a few dozen kB at most)...
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "vdlm-pages",
        "TIMEOUT": PAGE_CACHE_TIMEOUT,
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=1000)},
    }
    # ...but the content version must be one for all processes of this server, management
    # commands included: a file they can all write (one server; several need REDIS_URL).
    # (Empty counts as unset: a version in local memory would be one per process, and wrong.)
    PAGE_CACHE_VERSION_FILE = env.str("PAGE_CACHE_VERSION_FILE", default="") or str(
        BASE_DIR / "var" / "page-cache-version"
    )

# Sessions (only organizers in the admin have one) live in the database; with Redis the
# cache answers the reads. Never in a per-process cache: a logout on one app server
# would leave the session alive on the others.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# django-ratelimit only lists django-redis and memcached as supported; Django's own
# RedisCache increments atomically (Redis INCR), and so does vdlm.cache.AtomicDatabaseCache.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header that carries the
# client address (e.g. HTTP_X_REAL_IP) so that limits apply per visitor. The rate limits
# and the admin login lockout both read it through vdlm.middleware.client_ip.
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
RATELIMIT_IP_META_KEY = "vdlm.middleware.client_ip"

# --- Auth -----------------------------------------------------------------
# Pages outside the admin that need an account (the door's check-in page) sign in there too.
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user+address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses a user name that failed too often from all addresses together (accounts/lockout.py).
    "accounts.lockout.NameLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 characters, as OWASP ASVS asks of accounts that see personal data.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin login brute force (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair is locked out for LOGIN_LOCKOUT_HOURS, with a page
# that says so. Attempts are counted in the database, which every app server shares.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Two-factor sign-in for every staff account with access to personal data or destructive actions
# (all but the Door role). On unless DJANGO_DEBUG is (`make run`'s demo admin signs in with its
# password alone); set SECOND_FACTOR_REQUIRED=true to try the enrolment locally.
SECOND_FACTOR_REQUIRED = env.bool("SECOND_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Vienna Deep Learning Meetup")
# The audit trail (audit/): sensitive actions are kept this long, then purged by `purge_audit`.
AUDIT_RETENTION = datetime.timedelta(days=env.int("AUDIT_RETENTION_DAYS", default=730))
# Besides axes' lock per user name and address: a user name that failed this often within the
# hour, from any number of addresses, is locked for an hour and its owner mailed (accounts/lockout.py).
LOGIN_NAME_FAILURE_LIMIT = env.int("DJANGO_LOGIN_NAME_FAILURE_LIMIT", default=20)
LOGIN_NAME_LOCKOUT = datetime.timedelta(hours=env.float("DJANGO_LOGIN_NAME_LOCKOUT_HOURS", default=1))
AXES_COOLOFF_TIME = datetime.timedelta(hours=env.float("DJANGO_LOGIN_LOCKOUT_HOURS", default=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vdlm.middleware.login_lockout_response"
AXES_CLIENT_IP_CALLABLE = "vdlm.middleware.client_ip"
# Failed attempts are kept (for the lockout); successful logins are not recorded in a table
# that would grow for ever: axes writes a log line for each (user name and address masked).
AXES_DISABLE_ACCESS_LOG = True
# An organizer's admin session ends after this long (idle or not).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE_SECONDS", default=12 * 3600)

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Vienna")
USE_I18N = True
USE_TZ = env.bool("USE_TZ", default=True)

# --- Static files and uploads ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's compiled CSS and JS come from a Python package, under static/bootstrap/.
    ("bootstrap", Path(django_include_bootstrap.__file__).resolve().parent / "static"),
]
# WhiteNoise serves the static files (Bootstrap included) from the app itself: no CDN, no
# extra web server. In production (`make serve`) they come from STATIC_ROOT, filled by
# collectstatic: names carry a hash of the content (site.3f1c2a.css), so they are sent
# compressed (Brotli, gzip) with a ten-year, immutable Cache-Control, and a changed
# file is a new URL. With DEBUG on, WhiteNoise reads the source folders directly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Static files get the pages' security headers (CSP, X-Frame-Options, nosniff, ...): WhiteNoise
# answers them before the middleware that sets those on pages.
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_file_headers
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Several app servers share no disk: uploads then go to S3-compatible object storage
# (AWS S3, MinIO, Scaleway, Hetzner, ...), through django-storages. Credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, read by boto3 itself.
S3_BUCKET = env.str("DJANGO_S3_BUCKET", default="")
# Where browsers fetch uploads from, for the Content-Security-Policy (img-src).
MEDIA_ORIGINS = []
if S3_BUCKET:
    S3_ENDPOINT_URL = env.str("DJANGO_S3_ENDPOINT_URL", default="") or None
    S3_CUSTOM_DOMAIN = env.str("DJANGO_S3_CUSTOM_DOMAIN", default="") or None
    S3_REGION = env.str("DJANGO_S3_REGION", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": S3_REGION,
            "custom_domain": S3_CUSTOM_DOMAIN,
            # Uploads are public images and slides: plain URLs, cacheable, no expiring signatures.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    if S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{S3_CUSTOM_DOMAIN}"]
    elif S3_ENDPOINT_URL:
        endpoint = urlparse(S3_ENDPOINT_URL)
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
    else:
        # AWS itself: boto3 names the bucket's host with or without the region.
        MEDIA_ORIGINS = [f"https://{S3_BUCKET}.s3.amazonaws.com"]
        if S3_REGION:
            MEDIA_ORIGINS.append(f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com")

# Where `make backup` (manage.py backup_db) writes; the files hold personal data.
BACKUP_DIR = env.path("DJANGO_BACKUP_DIR", default=BASE_DIR / "backups")

# Upload limits enforced by vdlm.validators (and so by the admin forms).
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=25_000_000)
MAX_PDF_UPLOAD_BYTES = env.int("MAX_PDF_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Django refuses request bodies larger than this outside file uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------
# Console backend by default (make run prints every mail in its terminal); SMTP by
# EMAIL_URL=smtp+tls://user:pass@host:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# With DEBUG off, `check --deploy` warns (vdlm.W001) about a backend that delivers nothing
# (console, file, memory, dummy): the console one writes the mails, private links included,
# to the server log. True says that is meant (a staging server that must not send mail).
VDLM_ALLOW_NON_SMTP_EMAIL = env.bool("VDLM_ALLOW_NON_SMTP_EMAIL", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Vienna Deep Learning Meetup <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- The task queue and outgoing mail (outbox/) -------------------------------------------
# Every mail is a row of outbox.OutgoingMail and a task; `manage.py db_worker` sends it
# (`make run` starts one beside runserver; production runs it as a service, docs/deploy.md).
# The database backend keeps the queue in the site's own database: nothing more to run.
# For several machines, TASKS_BACKEND=django_tasks_rq.RQBackend keeps it in Redis (RQ_URL,
# by default REDIS_URL) and `manage.py rqworker default --with-scheduler` sends (docs/deploy.md).
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
RQ_URL = env.str("RQ_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
# A mailing's batch takes MAILING_BATCH_SIZE / MAILING_RATE seconds (10 s by default): RQ's
# default of 3 minutes a job is plenty, the limit only stops a job that hangs.
RQ_QUEUES = {"default": {"URL": RQ_URL, "DEFAULT_TIMEOUT": 600}}
# django-rq's dashboard in the admin (and its JSON/metrics endpoints beside it) stays off: the
# admin's Outgoing mail shows what the queue is for, and nothing more is exposed.
RQ_SHOW_ADMIN_LINK = False
# Seconds to wait before each new attempt after a failed send; after the last one the mail is
# "failed" in the admin (Outgoing mail), which can queue it again.
OUTBOX_RETRY_DELAYS = [int(s) for s in env.list("OUTBOX_RETRY_DELAYS", default=["60", "300", "1800", "7200"])]
# Sent mail holds addresses and private links: `manage.py purge_outbox` deletes it after this.
OUTBOX_KEEP_SENT_DAYS = env.int("OUTBOX_KEEP_SENT_DAYS", default=30)

# --- The invitations list (members/) ------------------------------------------------
# How long a confirmation link works (seconds), and at most one mail per address this often.
SUBSCRIBE_CONFIRMATION_MAX_AGE = env.int("SUBSCRIBE_CONFIRMATION_MAX_AGE", default=7 * 24 * 3600)
SUBSCRIBE_RESEND_SECONDS = env.int("SUBSCRIBE_RESEND_SECONDS", default=600)
# The form's rate limits: per address (tight), and per network (wide: the meetup room shares one).
SUBSCRIBE_EMAIL_RATE = env.str("SUBSCRIBE_EMAIL_RATE", default="5/h")
SUBSCRIBE_IP_RATE = env.str("SUBSCRIBE_IP_RATE", default="100/10m")
# Mailings to the list go out at most this many mails a second (a mail provider's limit; 0: no
# limit), in batches of this many members: each batch is one task of the worker.
MAILING_RATE = env.float("MAILING_RATE", default=10.0)
MAILING_BATCH_SIZE = env.int("MAILING_BATCH_SIZE", default=100)

# --- RSVPs (rsvps/) ---------------------------------------------------------------
# Waiting longer than this (ms) for an edition's seats ends as "try again" (PostgreSQL's lock_timeout).
RSVP_LOCK_TIMEOUT_MS = env.int("RSVP_LOCK_TIMEOUT_MS", default=3000)
# An offered seat is held at least this long, even on the evening itself (never beyond the event's end).
RSVP_OFFER_MIN_HOURS = env.float("RSVP_OFFER_MIN_HOURS", default=2.0)
# Attendees' names, addresses and answers are deleted this many days after the edition.
RSVP_KEEP_DAYS = env.int("RSVP_KEEP_DAYS", default=30)
# Someone who was going to one of the last N editions and neither came nor cancelled before the
# start waits behind the others; who came or not is kept (as a keyed hash) this many days.
RSVP_NO_SHOW_EDITIONS = env.int("RSVP_NO_SHOW_EDITIONS", default=3)
RSVP_HISTORY_DAYS = env.int("RSVP_HISTORY_DAYS", default=365)
# Everyone going gets a reminder (with the cancel link first) this many hours before the start.
RSVP_REMINDER_HOURS = env.int("RSVP_REMINDER_HOURS", default=24)
RSVP_EMAIL_RATE = env.str("RSVP_EMAIL_RATE", default="5/10m")
RSVP_IP_RATE = env.str("RSVP_IP_RATE", default="300/10m")

# --- Raffles ---------------------------------------------------------------
# How long an emailed confirmation link works (seconds).
RAFFLE_CONFIRMATION_MAX_AGE = env.int("RAFFLE_CONFIRMATION_MAX_AGE", default=7 * 24 * 3600)
# Entries of drawn raffles are anonymised this many days after the draw;
# the winners' after the claim period.
RAFFLE_RETENTION_DAYS = env.int("RAFFLE_RETENTION_DAYS", default=30)
RAFFLE_CLAIM_DAYS = env.int("RAFFLE_CLAIM_DAYS", default=90)
# Web entries are limited per email address (any network), per address from one network
# (repeats), and per network only as a burst guard: on the evening everybody in the room
# shares the venue's one Wi-Fi address, and 150 of them must get in within 10 minutes.
RAFFLE_ENTRY_EMAIL_RATE = env.str("RAFFLE_ENTRY_EMAIL_RATE", default="10/10m")
RAFFLE_ENTRY_IP_EMAIL_RATE = env.str("RAFFLE_ENTRY_IP_EMAIL_RATE", default="5/10m")
RAFFLE_ENTRY_IP_RATE = env.str("RAFFLE_ENTRY_IP_RATE", default="300/10m")
# A repeated entry of an unconfirmed address mails the link again at most this often (seconds):
# anybody can type a stranger's address, and must not be able to flood their inbox.
RAFFLE_CONFIRMATION_RESEND_SECONDS = env.int("RAFFLE_CONFIRMATION_RESEND_SECONDS", default=600)

# --- Call for contributions ---------------------------------------------------
# Proposals sent per client IP address and 10 minutes; previews (button and live) apart.
CONTRIBUTION_RATE = env.str("CONTRIBUTION_RATE", default="5/10m")
CONTRIBUTION_PREVIEW_RATE = env.str("CONTRIBUTION_PREVIEW_RATE", default="120/10m")
# How long a proposer's private link works (days); every email carries a fresh one.
CONTRIBUTION_LINK_MAX_AGE_DAYS = env.int("CONTRIBUTION_LINK_MAX_AGE_DAYS", default=180)
# Declined and withdrawn proposals are anonymised this many days later (purge_proposals).
CONTRIBUTION_RETENTION_DAYS = env.int("CONTRIBUTION_RETENTION_DAYS", default=90)
# Who hears of new and withdrawn proposals; empty: the site profile's contact address.
CONTRIBUTION_NOTIFY_EMAILS = env.list("CONTRIBUTION_NOTIFY_EMAILS", default=[])

# --- Forms ----------------------------------------------------------------
# A public form sent back faster than this was not filled in by a person (vdlm/spam.py).
SPAM_MIN_FILL_SECONDS = env.int("SPAM_MIN_FILL_SECONDS", default=3)
# A form shown longer ago than this (seconds) is refused with a message and a fresh form
# (what was typed stays); one shown form sent more often than SPAM_FORM_MAX_USES times is
# a script replaying it (0: no limit, for the benchmark's replayed form only).
SPAM_FORM_MAX_AGE = env.int("SPAM_FORM_MAX_AGE", default=2 * 3600)
SPAM_FORM_MAX_USES = env.int("SPAM_FORM_MAX_USES", default=5)
# Django 6's behaviour now: a URL typed without a scheme ("vdlm.at") means https.
FORMS_URLFIELD_ASSUME_HTTPS = True
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------
# Production values; with DEBUG on (make run) they stay relaxed for http://127.0.0.1.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("DJANGO_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp) on every response. The site has no inline script
# or style at all (JavaScript and CSS are static files; the schema.org JSON-LD blocks are
# data, which browsers neither run nor check against script-src), so no nonce and no
# 'unsafe-inline' is needed: a script that slipped into a page could not run, and a page
# served from a shared cache needs no per-request value.
CSP_SELF = "'self'"
CSP_NONE = "'none'"
YOUTUBE_EMBED_ORIGIN = "https://www.youtube-nocookie.com"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        # data: for the small SVG icons inside Bootstrap's CSS.
        "img-src": [CSP_SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [CSP_SELF],
        # The live preview of the call for contributions posts to the site itself.
        "connect-src": [CSP_SELF],
        # The click-to-play video embeds, and nothing else.
        "frame-src": [YOUTUBE_EMBED_ORIGIN],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}
if not DEBUG and SECURE_SSL_REDIRECT:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# Permissions-Policy (vdlm.middleware): nothing may use camera, microphone, location,
# sensors or payment; the deck may go full screen, and the YouTube embed may play.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "autoplay": ["self", f'"{YOUTUBE_EMBED_ORIGIN}"'],
    "encrypted-media": ["self", f'"{YOUTUBE_EMBED_ORIGIN}"'],
    "fullscreen": ["self", f'"{YOUTUBE_EMBED_ORIGIN}"'],
    "picture-in-picture": ["self", f'"{YOUTUBE_EMBED_ORIGIN}"'],
}

# --- Logging and error reports -------------------------------------------------
# One JSON object a line on stdout (LOG_FORMAT=plain for a human-readable line);
# server errors are also emailed to DJANGO_ADMINS when set. Tokens from private
# links, passwords and session values are redacted in both (vdlm/log.py).
ADMINS = [("Admin", a) for a in env.list("DJANGO_ADMINS", default=[])]
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
DEFAULT_EXCEPTION_REPORTER_FILTER = "vdlm.log.RedactingExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "json": {"()": "vdlm.log.JsonFormatter"},
        "plain": {"()": "vdlm.log.PlainFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "vdlm.log.RedactingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Named here so Django's own default handlers (an unredacted email) are replaced.
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # Scanners send made-up Host headers all day: a log line each, never an email.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # django-axes announces itself at every start; its login failures (WARNING) stay.
        "axes.apps": {"level": "WARNING"},
    },
}
