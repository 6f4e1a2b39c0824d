import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEntry
from history.admin import HistoryAdmin
from vdlm.admin_utils import CheckedAutocompleteMixin, RecordAdmin
from vdlm.spreadsheets import safe_cell

from . import services
from .models import Raffle, RaffleDraw, RaffleEntry

# Who drew, exported or erased what, and when (OWASP ASVS V7): counts and ids, never an address.


class RaffleOfEditionForm(forms.ModelForm):
    def save(self, commit=True):
        raffle = super().save(commit)
        if commit and self.initial and "accepted_answers" in self.changed_data:
            raffle.recheck_entries()  # as the raffle's own page does
        return raffle


class RaffleOfEditionInline(admin.StackedInline):
    """The edition's raffles on the edition's page: what to set up for the evening. A new raffle is a
    draft until the edition is published (with it); entries, the draw and mail are on the raffle's page."""

    model = Raffle
    form = RaffleOfEditionForm
    extra = 0
    fields = [("title", "status"), ("prize", "prize_count"), "question", "accepted_answers", ("opens_at", "closes_at")]
    show_change_link = True
    verbose_name = "raffle"


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


class RaffleDrawInline(admin.StackedInline):
    model = RaffleDraw
    extra = 0
    can_delete = False
    fields = ["sequence", "drawn_at", "drawn_by", "eligible_count", "list_hash", "salt", "seed", "winners"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="winners (full addresses, organizers only)")
    def winners(self, record):
        if record.pk is None:
            return "–"  # a row forged into the form: there is no draw, nor winners
        return ", ".join(f"{entry.email} ({entry.public_id})" for entry in services.winner_entries(record)) or "–"


@admin.register(Raffle)
class RaffleAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["title", "edition", "prize", "opens_at", "closes_at", "status", "entries", "correct_entries"]
    list_filter = ["status"]
    search_fields = ["title", "question", "prize"]
    autocomplete_fields = ["edition", "prize_donor"]
    readonly_fields = ["entries", "correct_entries", "commitment"]
    inlines = [RaffleDrawInline, RaffleEntryInline]
    date_hierarchy = "closes_at"
    actions = ["draw_winners", "redraw_winner", "export_entries_csv"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "edition", "status"]}),
        ("Prize", {"fields": [("prize", "prize_count"), "prize_donor"]}),
        ("Question", {"fields": ["question", "accepted_answers", "rules"]}),
        (
            "Timing and answers by email",
            {"fields": [("opens_at", "closes_at"), ("answer_email", "email_subject"), "requires_confirmation"]},
        ),
        ("Entries and fairness", {"fields": [("entries", "correct_entries"), "commitment"]}),
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
        if change:
            # Every change, not only one of accepted_answers in this form: a revert (history) writes the
            # old answers before its form is shown, so the form finds them unchanged.
            obj.recheck_entries()

    def _confirm_draw(self, request, queryset, action, redraw):
        """The page that asks before drawing: each raffle with its eligible entries and commitment."""
        raffles = list(queryset.order_by("closes_at", "pk"))
        for raffle in raffles:
            raffle.eligible_count = services.eligible_entries(raffle).count()
        context = {
            **self.admin_site.each_context(request),
            "title": "Draw one more winner?" if redraw else "Draw the winners?",
            "opts": self.model._meta,
            "raffles": raffles,
            "redraw": redraw,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/raffles/raffle/draw_confirm.html", context)

    def _draw(self, request, queryset, redraw):
        for raffle in queryset:
            try:
                record = services.draw(
                    raffle, winners=None if not redraw else 1, drawn_by=request.user.get_username(), redraw=redraw
                )
            except services.DrawError as error:
                self.message_user(request, f"Raffle “{raffle.title}”: {error}", messages.ERROR)
                continue
            audit.record(
                AuditEntry.Action.REDRAW if redraw else AuditEntry.Action.DRAW,
                f"draw {record.sequence} of “{raffle.title}” among {record.eligible_count} eligible entries",
                request=request,
                objects=[raffle, record],
            )
            winners = ", ".join(entry.email for entry in services.winner_entries(record))
            self.message_user(
                request,
                f"Raffle “{raffle.title}”: draw {record.sequence} among {record.eligible_count} eligible entries. "
                f"Winner(s): {winners}. They are being notified by email.",
                messages.SUCCESS,
            )

    # Custom permissions (Raffle.Meta.permissions): Django looks for has_<name>_permission().
    def has_draw_permission(self, request):
        return request.user.has_perm("raffles.draw_raffle")

    def has_export_permission(self, request):
        return request.user.has_perm("raffles.export_entries")

    @admin.action(description="Draw the winner(s) of the selected closed raffles", permissions=["draw"])
    def draw_winners(self, request, queryset):
        if "apply" not in request.POST:
            return self._confirm_draw(request, queryset, "draw_winners", redraw=False)
        self._draw(request, queryset, redraw=False)
        return None

    @admin.action(description="Re-draw one winner (unclaimed prize; keeps the earlier draw)", permissions=["draw"])
    def redraw_winner(self, request, queryset):
        if "apply" not in request.POST:
            return self._confirm_draw(request, queryset, "redraw_winner", redraw=True)
        self._draw(request, queryset, redraw=True)
        return None

    @admin.action(description="Export the entries of the selected raffles as CSV", permissions=["export"])
    def export_entries_csv(self, request, queryset):
        entries = RaffleEntry.objects.filter(raffle__in=queryset)
        audit.record(
            AuditEntry.Action.EXPORT, f"{entries.count()} raffle entries as CSV", request=request, objects=queryset
        )
        return entries_csv(entries)


def entries_csv(entries):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="raffle-entries-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["raffle", "public id", "email", "name", "answer", "correct", "source", "submitted at", "confirmed at"]
    )
    for entry in entries.select_related("raffle").order_by("raffle__title", "submitted_at"):
        writer.writerow(
            [
                entry.raffle.title,
                entry.public_id,
                safe_cell(entry.email),
                safe_cell(entry.name),
                safe_cell(entry.answer),
                "yes" if entry.is_correct else "no",
                entry.get_source_display(),
                timezone.localtime(entry.submitted_at).isoformat(),
                timezone.localtime(entry.confirmed_at).isoformat() if entry.confirmed_at else "",
            ]
        )
    return response


class CorrectListFilter(admin.SimpleListFilter):
    title = "correct"
    parameter_name = "correct"

    def lookups(self, request, model_admin):
        return [("yes", "Correct"), ("no", "Incorrect")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(RaffleEntry.correct_q())
        if self.value() == "no":
            return queryset.exclude(RaffleEntry.correct_q())
        return queryset


class ConfirmedListFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Not confirmed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(RaffleEntry)
class RaffleEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "raffle", "answer", "source", "submitted_at", "confirmed", "correct"]
    list_filter = ["raffle", CorrectListFilter, ConfirmedListFilter, "source"]
    search_fields = ["email", "name", "answer", "public_id"]
    list_select_related = ["raffle"]
    readonly_fields = ["public_id", "answer_correct", "submitted_at", "consented_at", "message_id", "anonymised_at"]
    fields = [
        "raffle",
        "public_id",
        "email",
        "name",
        "answer",
        "source",
        "submitted_at",
        "consented_at",
        "confirmed_at",
        "answer_correct",
        "correct_override",
        "news_opt_in",
        "message_id",
        "anonymised_at",
    ]
    actions = ["export_csv", "erase_people"]

    @admin.display(description="correct", boolean=True)
    def correct(self, entry):
        return entry.is_correct

    @admin.display(description="confirmed", boolean=True)
    def confirmed(self, entry):
        return entry.is_confirmed

    def has_export_permission(self, request):
        return request.user.has_perm("raffles.export_entries")

    def has_erase_permission(self, request):
        return request.user.has_perm("raffles.erase_entrant")

    @admin.action(description="Export the selected entries as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        raffles = Raffle.objects.filter(entries__in=queryset).distinct()
        audit.record(
            AuditEntry.Action.EXPORT, f"{queryset.count()} raffle entries as CSV", request=request, objects=raffles
        )
        return entries_csv(queryset)

    @admin.action(
        description="Erase these people everywhere: all raffles, RSVPs, the list, mail (data-subject request)",
        permissions=["erase"],
    )
    def erase_people(self, request, queryset):
        from vdlm.erasure import erase_everywhere

        emails = {entry.email.lower() for entry in queryset if not entry.anonymised_at}
        results = [erase_everywhere(email, request=request) for email in emails]
        erased = sum(result["raffle entries"] for result in results)
        elsewhere = sum(result["RSVPs"] + result["list addresses"] for result in results)
        self.message_user(
            request,
            f"Erased {erased} entr{'y' if erased == 1 else 'ies'} of {len(emails)} person(s), "
            f"and {elsewhere} RSVP(s) and list address(es).",
            messages.SUCCESS,
        )


@admin.register(RaffleDraw)
class RaffleDrawAdmin(RecordAdmin):
    """Draws are permanent records: visible, never changed or deleted."""

    list_display = ["raffle", "sequence", "drawn_at", "drawn_by", "eligible_count"]
    list_select_related = ["raffle"]
