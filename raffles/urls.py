from django.urls import path

from . import views

app_name = "raffles"

urlpatterns = [
    path("raffles/<slug:slug>/", views.raffle_detail, name="raffle_detail"),
    path("raffles/<slug:slug>/result/", views.raffle_result, name="raffle_result"),
    path("raffles/<slug:slug>/confirm/<str:token>/", views.confirm_entry, name="confirm"),
]
