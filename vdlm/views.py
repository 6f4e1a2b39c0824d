"""Site-wide views that belong to no app: robots.txt, and the benchmark's constant page."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    """Crawlers may read every public page; the sitemap lists them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Confirmation links are personal (and a crawler following one would confirm an entry).
        "Disallow: /raffles/*/confirm/",
        "Disallow: /api/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bench_constant(request):
    """A constant answer, routed only when settings.BENCH_ENDPOINTS is on (bench/settings.py).

    `make bench` divides every page's requests per second by this view's: what the
    middleware, the WSGI server and the loopback network cost with no work at all.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
