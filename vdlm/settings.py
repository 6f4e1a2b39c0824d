"""Settings for vdlm, read from the environment.

Development defaults are safe: DEBUG is off unless DJANGO_DEBUG says otherwise,
and without DEBUG the site refuses to start until DJANGO_SECRET_KEY is set.
Every variable is documented in `.env.example`.
"""

from pathlib import Path

import django_include_bootstrap
import environ
from django.core.exceptions import ImproperlyConfigured

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
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "meetups",
    "talks",
    "sponsors",
    "raffles",
    "contributions",
    "api",
    "decks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Rate limits must be shared by every worker process, which local memory is
        # not (django-ratelimit's check refuses it): the database is, without Redis,
        # with an atomic increment (vdlm/cache.py).
        # `manage.py createcachetable` creates the table (make run and the tests do).
        "ratelimit": {
            "BACKEND": "vdlm.cache.AtomicDatabaseCache",
            "LOCATION": "vdlm_ratelimit_cache",
        },
    }
RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit only lists django-redis and memcached as supported; Django's own
# RedisCache increments atomically (Redis INCR), and so does vdlm.cache.AtomicDatabaseCache.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header that carries the
# client address (e.g. HTTP_X_REAL_IP) so that limits apply per visitor.
RATELIMIT_IP_META_KEY = env.str("DJANGO_CLIENT_IP_HEADER", default="") or None

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if Path(STATIC_ROOT).is_dir():
    # Once collectstatic has run, WhiteNoise serves the files (Bootstrap included) from the
    # app itself: no CDN, no extra web server. Before that (development, tests) it would
    # only warn about the missing folder, and django.contrib.staticfiles serves them.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Upload limits enforced by vdlm.validators (and so by the admin forms).
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=25_000_000)
MAX_PDF_UPLOAD_BYTES = env.int("MAX_PDF_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Django refuses request bodies larger than this outside file uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------
# Console backend by default; SMTP by EMAIL_URL=smtp+tls://user:pass@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Vienna Deep Learning Meetup <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Raffles ---------------------------------------------------------------
# How long an emailed confirmation link works (seconds).
RAFFLE_CONFIRMATION_MAX_AGE = env.int("RAFFLE_CONFIRMATION_MAX_AGE", default=7 * 24 * 3600)
# Entries of drawn raffles are anonymised this many days after the draw;
# the winners' after the claim period.
RAFFLE_RETENTION_DAYS = env.int("RAFFLE_RETENTION_DAYS", default=30)
RAFFLE_CLAIM_DAYS = env.int("RAFFLE_CLAIM_DAYS", default=90)
# Web entries per client IP address and 10 minutes.
RAFFLE_ENTRY_RATE = env.str("RAFFLE_ENTRY_RATE", default="10/10m")

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

ADMINS = [("Admin", a) for a in env.list("DJANGO_ADMINS", default=[])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
