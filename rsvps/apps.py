from django.apps import AppConfig


class RsvpsConfig(AppConfig):
    name = "rsvps"
    verbose_name = "RSVPs (who's coming)"
