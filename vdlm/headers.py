"""The security headers of the site's pages, for the answers its middleware never sees.

Every page gets Content-Security-Policy (django-csp), X-Frame-Options
(XFrameOptionsMiddleware), nosniff, Referrer-Policy (SecurityMiddleware) and
Permissions-Policy (vdlm.middleware). Two kinds of answer miss some or all of
them: static files, which WhiteNoise answers before the CSP and frame
middleware run, and a 400 for a Host header not in ALLOWED_HOSTS, which is
raised inside the first middleware that asks for the host (SecurityMiddleware's
https redirect, the page cache's key, CommonMiddleware), so that the middleware
listed after it never sees the answer. Both get the same headers from here,
built from the same settings.
"""

from csp.utils import build_policy
from django.conf import settings


def permissions_policy():
    """The Permissions-Policy header value of settings.PERMISSIONS_POLICY ("" when empty)."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items())


def security_headers():
    """The security headers of the site's pages, as a dict, from the settings that make them."""
    headers = {}
    # django-csp's own function, reading settings.CONTENT_SECURITY_POLICY as its middleware does.
    policy = build_policy()
    if policy:
        headers["Content-Security-Policy"] = policy
    if settings.X_FRAME_OPTIONS:
        headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    referrer_policy = settings.SECURE_REFERRER_POLICY
    if referrer_policy:
        # Django accepts a list (or comma-separated string) of fallbacks too.
        if not isinstance(referrer_policy, str):
            referrer_policy = ",".join(referrer_policy)
        headers["Referrer-Policy"] = referrer_policy
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if permissions := permissions_policy():
        headers["Permissions-Policy"] = permissions
    return headers


def add_static_file_headers(headers, path, url):
    """WhiteNoise's WHITENOISE_ADD_HEADERS_FUNCTION: the pages' security headers on every static file.

    A CSS or JavaScript file is harmless framed, but an SVG or HTML file under
    /static/ is a document like a page: it gets the same policy.
    """
    for name, value in security_headers().items():
        headers[name] = value


def add_security_headers(response):
    """Set the pages' security headers on a response no middleware finishes (see the module's docstring)."""
    for name, value in security_headers().items():
        response.headers.setdefault(name, value)
    return response
