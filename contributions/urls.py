from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/preview/", views.preview, name="preview"),
    path("contribute/<str:token>/", views.proposal_detail, name="proposal"),
    path("contribute/<str:token>/withdraw/", views.proposal_withdraw, name="withdraw"),
]
