from django.urls import path

from . import feeds, views

app_name = "talks"

urlpatterns = [
    path("talks/", views.talk_list, name="talk_list"),
    # Before talks/<slug>/, which would otherwise take "feed" for a talk's slug.
    path("talks/feed/", feeds.TalkFeed(), name="talk_feed"),
    path("talks/feed/atom/", feeds.TalkAtomFeed(), name="talk_feed_atom"),
    path("talks/<slug:slug>/", views.talk_detail, name="talk_detail"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
]
