from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("set-up/", views.enrol, name="enrol"),
    path("recovery-codes/", views.new_recovery_codes, name="recovery_codes"),
]
