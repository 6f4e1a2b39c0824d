from django.apps import AppConfig


class RafflesConfig(AppConfig):
    name = "raffles"
    verbose_name = "Raffles"
