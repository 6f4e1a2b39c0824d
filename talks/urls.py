from django.urls import path

from . import views

app_name = "talks"

urlpatterns = [
    path("talks/", views.talk_list, name="talk_list"),
    path("talks/<slug:slug>/", views.talk_detail, name="talk_detail"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
]
