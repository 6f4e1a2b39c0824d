from django.urls import path

from . import views

app_name = "meetups"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetups/", views.edition_list, name="edition_list"),
    path("meetups/<str:code>/", views.edition_detail, name="edition_detail"),
    path("privacy/", views.privacy, name="privacy"),
]
