from django.apps import AppConfig
from django.urls import register_converter


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = "Meetups"

    def ready(self):
        from .converters import EditionCodeConverter

        # Registered here, once, because the meetups, decks and api URLs all use it.
        register_converter(EditionCodeConverter, "edition_code")
