from django.contrib import admin

from .models import Raffle, RaffleEntry


class RaffleEntryInline(admin.TabularInline):
    """Entries are evidence for a fair draw: shown, never edited from the raffle."""

    model = RaffleEntry
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["public_id", "email", "name", "answer", "source", "submitted_at", "confirmed_at", "correct"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="correct", boolean=True)
    def correct(self, entry):
        return entry.is_correct


@admin.register(Raffle)
class RaffleAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "prize", "opens_at", "closes_at", "status", "entries", "correct_entries"]
    list_filter = ["status"]
    search_fields = ["title", "question", "prize"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["edition", "prize_donor"]
    readonly_fields = ["entries", "correct_entries"]
    inlines = [RaffleEntryInline]
    date_hierarchy = "closes_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "edition", "status"]}),
        ("Prize", {"fields": [("prize", "prize_count"), "prize_donor"]}),
        ("Question", {"fields": ["question", "accepted_answers", "rules"]}),
        (
            "Timing and answers by email",
            {"fields": [("opens_at", "closes_at"), ("answer_email", "email_subject"), "requires_confirmation"]},
        ),
        ("Entries", {"fields": [("entries", "correct_entries")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition").with_entry_counts()

    @admin.display(description="entries", ordering="entry_count")
    def entries(self, raffle):
        return getattr(raffle, "entry_count", 0)

    @admin.display(description="correct entries", ordering="correct_entry_count")
    def correct_entries(self, raffle):
        return getattr(raffle, "correct_entry_count", 0)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "accepted_answers" in form.changed_data:
            obj.recheck_entries()


@admin.register(RaffleEntry)
class RaffleEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "raffle", "answer", "source", "submitted_at", "confirmed_at", "correct"]
    list_filter = ["raffle", "source", "correct_override"]
    search_fields = ["email", "name", "answer", "public_id"]
    list_select_related = ["raffle"]
    readonly_fields = ["public_id", "answer_correct", "submitted_at"]
    fields = [
        "raffle",
        "public_id",
        "email",
        "name",
        "answer",
        "source",
        "submitted_at",
        "confirmed_at",
        "answer_correct",
        "correct_override",
        "news_opt_in",
    ]

    @admin.display(description="correct", boolean=True)
    def correct(self, entry):
        return entry.is_correct
