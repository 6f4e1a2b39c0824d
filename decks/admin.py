"""The deck's controls, edited on the edition's own admin page.

meetups/admin.py is not touched: the two inlines are added to its EditionAdmin
from here, and templates/admin/meetups/edition/change_form.html adds the
"Present the deck" button.
"""

from django.contrib import admin

from meetups.admin import EditionAdmin

from .models import DeckSettings, DeckSlide


class DeckSettingsInline(admin.StackedInline):
    model = DeckSettings
    can_delete = False
    max_num = 1
    verbose_name = "deck: sections to show"
    verbose_name_plural = "deck: sections to show"
    fieldsets = [
        (
            None,
            {
                "description": (
                    "The meetup-night deck shows every section unless you untick it here, except "
                    "“tonight in numbers”, which it shows only when you tick it. "
                    "Reorder announcements by their position above."
                ),
                "fields": [
                    ("show_title", "show_organizers", "show_agenda", "show_host"),
                    ("show_announcements", "show_archive", "archive_rows", "show_stats"),
                    ("show_raffles", "show_jobs", "show_hot_topics", "show_sources"),
                    ("show_attendance", "show_next_meetup"),
                ],
            },
        ),
    ]


class DeckSlideInline(admin.StackedInline):
    model = DeckSlide
    extra = 0
    verbose_name = "deck: free slide"
    verbose_name_plural = "deck: free slides"
    fields = [("placement", "position"), "title", "body", "image"]
    ordering = ["position", "pk"]


EditionAdmin.inlines = [*EditionAdmin.inlines, DeckSettingsInline, DeckSlideInline]
