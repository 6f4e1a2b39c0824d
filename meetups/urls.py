from django.urls import path

from . import feeds, views

app_name = "meetups"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetups/", views.edition_list, name="edition_list"),
    # Fixed paths before meetups/<code>/, which would otherwise take "feed" for an edition code.
    path("meetups/feed/", feeds.EditionFeed(), name="edition_feed"),
    path("meetups/feed/atom/", feeds.EditionAtomFeed(), name="edition_feed_atom"),
    path("meetups/calendar.ics", views.subscription_calendar, name="calendar"),
    path("meetups/<edition_code:code>/calendar.ics", views.edition_calendar, name="edition_calendar"),
    path("meetups/<edition_code:code>/", views.edition_detail, name="edition_detail"),
    path("privacy/", views.privacy, name="privacy"),
]
