from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """The history of every content edit (django-reversion): versions, revert, recover after a delete."""

    name = "history"
    verbose_name = "History of edits"

    def ready(self):
        from . import registration

        registration.register_content()
