from django.urls import path

from . import views

app_name = "rsvps"

urlpatterns = [
    path("meetups/<edition_code:code>/rsvp/", views.rsvp_form, name="form"),
    path("meetups/<edition_code:code>/seats.json", views.seats, name="seats"),
    path("meetups/<edition_code:code>/door/", views.check_in_page, name="door"),
    path("rsvp/<str:token>/", views.personal, name="rsvp"),
    path("guests/<str:token>/", views.guest_list, name="guest_list"),
]
