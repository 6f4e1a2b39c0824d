from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("api/", views.index, name="index"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("api/editions/", views.edition_list, name="edition_list"),
    path("api/editions/<edition_code:code>/", views.edition_detail, name="edition_detail"),
    path("api/talks/", views.talk_list, name="talk_list"),
    path("api/talks/<slug:slug>/", views.talk_detail, name="talk_detail"),
    path("api/speakers/", views.speaker_list, name="speaker_list"),
    path("api/speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    # Any other path ending in a slash gets a JSON 404; without the slash, APPEND_SLASH
    # still redirects /api/editions to /api/editions/ as everywhere on the site.
    re_path(r"^api/(?P<rest>.+/)$", views.not_found),
]
