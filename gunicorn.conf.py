"""Gunicorn settings for `make serve` and production (gunicorn -c gunicorn.conf.py vdlm.wsgi).

Workers: WEB_CONCURRENCY, 3 by default. Gunicorn's rule of thumb is 2 × cores + 1;
the site's pages take a few milliseconds of CPU and wait on the database, so 3
sync workers suit the one- or two-core small server it is meant for (each takes
about 60 MB). Raise it on a bigger machine; add app servers to scale further
(docs/deploy.md).
"""

import gc
import os
from pathlib import Path

import environ

# The same optional .env as the Django settings, read before them: WEB_CONCURRENCY and the
# rest may live there too. Variables already in the environment win.
environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Workers are recycled now and then, so a slow leak in any library cannot grow without end.
# Not too often: a new worker starts with an empty page cache (local memory) and renders
# every page once more. At 2,000 requests a worker, announcement-day traffic (thousands
# of requests a second) replaced a worker every second or two: `make bench` counted 140
# replacements in one run, and they were its slowest responses.
max_requests = 25000
max_requests_jitter = 2500
# Django is loaded once, then forked: less memory, and a broken setting fails at start.
preload_app = True
# The proxy in front already holds slow clients; keep-alive from it saves handshakes.
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def pre_fork(server, worker):
    """Freeze what the master has loaded (Django, the URL patterns, the templates) before forking.

    Those objects live as long as the worker does. Frozen, the garbage collector never
    walks them again (it did, every few requests: up to a third of the time of the
    largest pages), and the memory pages the workers share with the master stay shared.
    """
    gc.freeze()


# Gunicorn's runtime control socket sits at one path per user: a second instance on the
# machine (a test, a staging copy) would take it over. Signals (HUP, TERM) do the same job.
control_socket_disable = True

# Gunicorn's own lines (start, worker exits, each request) as JSON on stdout, like Django's.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "vdlm.log.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
