from django.urls import path

from . import views

app_name = "sponsors"

urlpatterns = [
    path("sponsors/", views.sponsor_list, name="sponsor_list"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<slug:slug>/", views.job_detail, name="job_detail"),
]
