from django.urls import path

from . import views

app_name = "decks"

# Codes are letters, digits and dashes (the database enforces it): anything else is not
# a deck, and never reaches a query (PostgreSQL refuses a NUL byte with an error, not a miss).
urlpatterns = [
    path("meetups/<edition_code:code>/deck/", views.deck, name="deck"),
]
