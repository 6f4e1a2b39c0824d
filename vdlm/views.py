"""Site-wide views that belong to no app: robots.txt, the 400 page, and the benchmark's constant page."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_safe

from .headers import add_security_headers


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


def bad_request(request, exception):
    """The site's 400 page (handler400): a body, a Host header or a form Django could not accept.

    Django's own handler is wrapped in requires_csrf_token, whose check reads
    request.POST again: for a body that could not be decoded (a form sent as
    UTF-16, say) that raised a second time, inside the error handler, and the
    visitor got a 500. This page has no form and needs no token. It is rendered
    without the request, which may be the very thing that is broken (a Host
    header not in ALLOWED_HOSTS), and says nothing of the exception.

    A refused Host header is raised inside the first middleware that asks for
    the host, before the CSP and frame middleware: the page sets the security
    headers itself (vdlm/headers.py).
    """
    return add_security_headers(HttpResponseBadRequest(loader.render_to_string("400.html")))
