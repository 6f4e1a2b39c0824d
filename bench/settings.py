"""Settings of `make bench`: the production settings, changed only where a loopback benchmark must.

bench/run.py sets the rest through the environment as a deployment would:
DJANGO_DEBUG off, a throwaway DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS=127.0.0.1,
DJANGO_SECURE_SSL_REDIRECT off (there is no TLS on the loopback), its own
database, static root and page-cache version file. The entry form's CSRF check
and spam guards stay on: the benchmark's client sends a valid CSRF cookie and
token and a signed render time, as a browser would.
"""

import os

from vdlm.settings import *  # noqa: F403

# Thousands of entries come from one address, 127.0.0.1: the per-IP rate limit would
# rightly stop them after ten. Off here, and only here.
RATELIMIT_ENABLE = False
# The wrk script replays one signed render time for every entry (it cannot sign one per
# request): the replay guard would drop all but the first few.
SPAM_FORM_MAX_USES = 0
# Every entry asks for a confirmation mail; the benchmark measures the site, not an SMTP relay.
# bench/mailing.py's worker sends to its local SMTP server instead (EMAIL_URL, BENCH_SMTP=on).
if os.environ.get("BENCH_SMTP") != "on":
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Routes /bench/constant/, the reference every page is compared with (vdlm/urls.py).
BENCH_ENDPOINTS = True
