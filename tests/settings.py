"""Test settings: the real settings, with a throwaway secret and test-only speed-ups."""

import importlib.util
import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from vdlm.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
# The admin tests sign in with force_login and no second factor; tests/accounts/test_second_factor.py
# turns it on and walks the admin as an account that has not proved one.
SECOND_FACTOR_REQUIRED = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Mail is sent as it is queued (after the commit), so a test sees it in mail.outbox at once;
# tests/outbox/ run the real database queue and its worker.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if importlib.util.find_spec("django.tasks")
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    },
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# A worker that a test starts as its own process (tests/outbox/test_worker_crash.py) works on
# that test's database and sends through the test's SMTP server (EMAIL_URL).
if os.environ.get("VDLM_TEST_WORKER_DATABASE"):
    DATABASES["default"]["NAME"] = os.environ["VDLM_TEST_WORKER_DATABASE"]  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The queue on Redis (tests/outbox/test_rq_queue.py): its worker command, on a database of
# Redis of its own, emptied by those tests.
if "django_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
RQ_QUEUES = {"default": {"URL": os.environ.get("VDLM_TEST_RQ_URL", "redis://127.0.0.1:6379/14"), "DEFAULT_TIMEOUT": 60}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="vdlm-test-media-")
# Production hashes static names in a manifest written by collectstatic; the tests serve the
# source folders instead (tests/production/test_serving.py runs collectstatic itself).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The live server speaks plain http: the production CSP would upgrade its requests to https.
CONTENT_SECURITY_POLICY["DIRECTIVES"].pop("upgrade-insecure-requests", None)  # noqa: F405
# Logs stay readable in pytest's captured output.
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405

# The browser tests' live server answers from threads; connections must not outlive a test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: the browser tests' live server
    # answers from other threads, and each thread then has a connection of its own.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="vdlm-test-db-")) / "test.sqlite3")}  # noqa: F405

# The page cache is off: many tests change rows behind the ORM's back (queryset.update(),
# time travel) between two requests on purpose, which a cache would rightly hide until it
# expires. tests/test_page_cache.py switches it on. The headers are set either way.
PAGE_CACHE_ENABLED = False
if PAGE_CACHE_VERSION_FILE and not os.environ.get("PAGE_CACHE_VERSION_FILE"):  # noqa: F405
    # Never the checkout's var/: a test run must not touch a running site's version.
    PAGE_CACHE_VERSION_FILE = str(Path(tempfile.mkdtemp(prefix="vdlm-test-pages-")) / "page-cache-version")
