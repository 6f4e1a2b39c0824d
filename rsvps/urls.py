from django.urls import path

from . import views

app_name = "rsvps"

urlpatterns = [
    path("meetups/<edition_code:code>/rsvp/", views.rsvp_form, name="form"),
    path("meetups/<edition_code:code>/seats.json", views.seats, name="seats"),
    path("meetups/<edition_code:code>/attendance.json", views.attendance, name="attendance"),
    path("meetups/<edition_code:code>/door/", views.check_in_page, name="door"),
    path("meetups/<edition_code:code>/here.svg", views.here_qr, name="here_qr"),
    path("meetups/<edition_code:code>/here/<str:minute_code>/", views.here, name="here"),
    path("here/<str:token>/", views.here_confirm, name="here_confirm"),
    path("rsvp/<str:token>/", views.personal, name="rsvp"),
    path("guests/<str:token>/", views.guest_list, name="guest_list"),
]
