from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Vienna Deep Learning Meetup – organizers"
admin.site.site_title = "VDLM admin"
admin.site.index_title = "Meetups, talks, sponsors and raffles"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("meetups.urls")),
    path("", include("talks.urls")),
    path("", include("sponsors.urls")),
    path("", include("raffles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
