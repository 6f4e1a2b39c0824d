from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("invitations/", views.subscribe, name="subscribe"),
    path("invitations/confirm/<str:token>/", views.confirm, name="confirm"),
    path("invitations/leave/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
