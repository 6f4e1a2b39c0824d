"""/healthz: may this app server take traffic? For load balancers, uptime checks and `make serve`."""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

def _database_answers():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _caches_answer():
    # A key of its own per probe: two servers probing at once never read each other's value.
    key = f"vdlm:healthz:{uuid.uuid4().hex}"
    # Every cache the site writes to: the site profile, the pages, the rate-limit counters.
    for alias in settings.CACHES:
        cache = caches[alias]
        cache.set(key, "ok", 10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        if not answered:
            return False
    return True


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database and the caches answer, 503 otherwise.

    The reply never says what failed or why: it is public, and an attacker
    learns nothing from it. The reason goes to the log for the operator.
    """
    checks = {"database": _database_answers, "cache": _caches_answer}
    for name, check in checks.items():
        try:
            healthy = check()
        except Exception:
            logger.exception("Health check failed: the %s does not answer", name)
            healthy = False
        else:
            if not healthy:
                logger.error("Health check failed: the %s gave a wrong answer", name)
        if not healthy:
            return HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
