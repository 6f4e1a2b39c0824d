from django.apps import AppConfig
from django.urls import register_converter


class MeetupsConfig(AppConfig):
    name = "meetups"
    verbose_name = "Meetups"

    def ready(self):
        from .converters import EditionCodeConverter

        # Registered here, once, because the meetups, decks and api URLs all use it.
        register_converter(EditionCodeConverter, "edition_code")

        from vdlm import page_cache

        # Here, not in the middleware: management commands change data too, and must make pages stale.
        page_cache.connect_signals()
