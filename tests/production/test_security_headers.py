"""Every page carries the security headers, and the production settings switch on the rest.

The suite runs with DEBUG off, like production, but over plain http: the settings
that need https (secure cookies, the redirect) are checked as production reads
them, from the environment, in a separate process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.site_data import build_meetup_32

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
    "DJANGO_ALLOWED_HOSTS": "meetup.example.org",
}


def production_settings(*names, **environment):
    """The named settings as a production process reads them (DEBUG off, only these variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="vdlm.settings", **environment)
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_every_public_page_sends_the_security_headers(client):
    data = build_meetup_32()
    pages = [
        "/",
        "/meetups/",
        data.edition.get_absolute_url(),
        data.self_supervised.get_absolute_url(),
        "/speakers/",
        "/sponsors/",
        "/jobs/",
        f"/raffles/{data.raffle.slug}/",
        "/contribute/",
        "/privacy/",
        f"{data.edition.get_absolute_url()}deck/",
        "/no-such-page/",
        reverse("admin:login"),
    ]
    # Twice: the second answer may come from the page cache, and must carry the same headers.
    for path in pages + pages:
        response = client.get(path, secure=True)
        assert response["Content-Type"].startswith("text/html"), path
        policy = response["Content-Security-Policy"]
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "img-src 'self' data:",
            "frame-src https://www.youtube-nocookie.com",
        ]:
            assert directive in policy, (path, directive)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin" or "/contribute/" in path
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_production_settings_harden_cookies_and_transport():
    values = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "CONTENT_SECURITY_POLICY",
        "MIDDLEWARE",
        "STORAGES",
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"] is True
    assert "vdlm.middleware.PermissionsPolicyMiddleware" in values["MIDDLEWARE"]
    assert values["MIDDLEWARE"][1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_uploads_go_to_object_storage_when_a_bucket_is_set():
    values = production_settings(
        "STORAGES",
        "CONTENT_SECURITY_POLICY",
        DJANGO_S3_BUCKET="vdlm-uploads",
        DJANGO_S3_ENDPOINT_URL="https://s3.eu-central-3.example-cloud.com",
    )
    storage = values["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "vdlm-uploads"
    assert storage["OPTIONS"]["file_overwrite"] is False and storage["OPTIONS"]["querystring_auth"] is False
    # Browsers may show images from the bucket, and from nowhere else.
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'",
        "data:",
        "https://s3.eu-central-3.example-cloud.com",
    ]


def test_shared_redis_cache_holds_sessions_and_rate_limits_when_configured():
    values = production_settings("CACHES", "SESSION_ENGINE", "RATELIMIT_USE_CACHE", REDIS_URL="redis://10.0.0.5:6379/0")
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"][values["RATELIMIT_USE_CACHE"]]["LOCATION"] == "redis://10.0.0.5:6379/0"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    # Without Redis the sessions stay in the database, never in one process's memory.
    assert production_settings("SESSION_ENGINE")["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_a_failed_csrf_check_explains_itself_without_inline_style():
    from django.test import Client

    from tests.factories import RaffleFactory

    RaffleFactory(slug="open")
    response = Client(enforce_csrf_checks=True).post("/raffles/open/", {"email": "ada@example.org"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please send the form again" in page
    assert "<style" not in page and "style=" not in page


def _assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]:
        assert directive in policy, directive
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/static/css/site.css", "/static/js/site.js", "/static/img/og-default.png"])
def test_static_files_carry_the_pages_security_headers(client, path):
    # WhiteNoise answers static files before django-csp and the frame middleware run.
    response = client.get(path)
    assert response.status_code == 200
    _assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_host_not_allowed_gets_the_400_page_with_the_security_headers(client, settings, secure, method):
    # As in production: the https redirect and the page cache both ask for the host, before
    # django-csp and the frame middleware, and raise DisallowedHost there.
    settings.SECURE_SSL_REDIRECT = True
    settings.PAGE_CACHE_ENABLED = True
    response = getattr(client, method)("/contribute/", HTTP_HOST="evil.example", secure=secure)
    assert response.status_code == 400
    assert "This site could not read what your browser sent." in response.content.decode()
    _assert_security_headers(response)
