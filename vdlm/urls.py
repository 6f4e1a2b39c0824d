from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from .forms import AdminLoginForm
from .health import healthz
from .sitemaps import SITEMAPS
from .views import bench_constant, robots_txt

admin.site.site_header = "Vienna Deep Learning Meetup – organizers"
admin.site.site_title = "VDLM admin"
admin.site.index_title = "Meetups, talks, sponsors and raffles"
# Refuses over-long user names before they reach authentication (vdlm/forms.py says why).
admin.site.login_form = AdminLoginForm

# The site's own 400 page, which also works when the request body cannot be read (vdlm/views.py).
handler400 = "vdlm.views.bad_request"

urlpatterns = [
    # The second factor's pages, before the admin's own (accounts/second_factor.py).
    path("admin/second-factor/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Before meetups.urls, so the deck never depends on how meetups matches its paths.
    path("", include("decks.urls")),
    path("", include("meetups.urls")),
    path("", include("talks.urls")),
    path("", include("sponsors.urls")),
    path("", include("raffles.urls")),
    path("", include("contributions.urls")),
    path("", include("members.urls")),
    path("", include("rsvps.urls")),
    path("", include("api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
]

if getattr(settings, "BENCH_ENDPOINTS", False):
    # Only bench/settings.py turns this on: the benchmark's reference for Django's own cost.
    urlpatterns.append(path("bench/constant/", bench_constant, name="bench_constant"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
