"""The organizers' review of proposals: filters, notes, their own 1–5 rating,
and the decisions (accept into an edition, decline with a message)."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from meetups.markup import render_markdown
from talks.models import Person
from vdlm.admin_utils import CheckedAutocompleteMixin

from . import services
from .forms import AcceptForm, DeclineForm
from .models import Proposal, ProposalRating


class OwnRatingInline(admin.TabularInline):
    """Each organizer sees and sets only their own rating, so nobody anchors on a colleague's."""

    model = ProposalRating
    fields = ["score"]
    extra = 1
    max_num = 1
    verbose_name = "your rating"
    verbose_name_plural = "your rating (only you see it; the list shows the average)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(organizer=request.user)


@admin.register(Proposal)
class ProposalAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "name", "status", "created_at", "preferred", "average_rating"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "abstract", "name", "email", "affiliation", "internal_notes"]
    date_hierarchy = "created_at"
    inlines = [OwnRatingInline]
    autocomplete_fields = ["preferred_editions"]
    actions = ["accept_into_edition", "decline_with_message", "mark_under_review", "send_link", "anonymise_now"]
    readonly_fields = [
        "public_id",
        "status",
        "rating_summary",
        "abstract_rendered",
        "consented_at",
        "created_at",
        "updated_at",
        "review_started_at",
        "decided_at",
        "decided_by",
        "decision_message",
        "talk_link",
        "withdrawn_at",
        "anonymised_at",
    ]
    fieldsets = [
        ("Review", {"fields": [("status", "rating_summary"), "internal_notes"]}),
        ("Proposal", {"fields": ["kind", "title", "abstract", "abstract_rendered", "links"]}),
        ("Proposer", {"fields": ["name", "email", "affiliation", "bio"]}),
        ("When", {"fields": ["any_edition", "preferred_editions"]}),
        (
            "Decision",
            {"fields": [("decided_at", "decided_by"), "decision_message", "talk_link", "review_started_at"]},
        ),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": ["public_id", "consented_at", ("created_at", "updated_at"), "withdrawn_at", "anonymised_at"],
            },
        ),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("contributions.decide_proposal")

    def get_readonly_fields(self, request, obj=None):
        """A Reviewer changes the internal notes only; the proposal stays as its proposer wrote it."""
        readonly = super().get_readonly_fields(request, obj)
        if self.has_decide_permission(request):
            return readonly
        fields = [field for _title, options in self.fieldsets for row in options["fields"] for field in (
            row if isinstance(row, tuple) else (row,))]  # fmt: skip
        return [*readonly, *(field for field in fields if field != "internal_notes" and field not in readonly)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(avg_rating=Avg("ratings__score"), rating_count=Count("ratings", distinct=True))
            .prefetch_related("preferred_editions")
        )

    @admin.display(description="editions")
    def preferred(self, proposal):
        codes = [f"#{edition.code}" for edition in proposal.preferred_editions.all()]
        if proposal.any_edition:
            codes.append("any")
        return ", ".join(codes) or "–"

    @admin.display(description="rating", ordering="avg_rating")
    def average_rating(self, proposal):
        if not getattr(proposal, "rating_count", 0):
            return "–"
        return f"{proposal.avg_rating:.1f} ({proposal.rating_count})"

    @admin.display(description="average rating of all organizers")
    def rating_summary(self, proposal):
        return self.average_rating(proposal) if proposal.pk else "–"

    @admin.display(description="abstract as the site shows it")
    def abstract_rendered(self, proposal):
        return mark_safe(render_markdown(proposal.abstract, 4)) or "–"  # noqa: S308 - nh3 sanitized it

    @admin.display(description="talk")
    def talk_link(self, proposal):
        talk = proposal.accepted_talk
        if talk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> at {}',
            reverse("admin:talks_talk_change", args=[talk.pk]),
            talk.title,
            talk.edition.display_title,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProposalRating:
            return super().save_formset(request, form, formset, change)
        for rating in formset.save(commit=False):
            # update_or_create: a second browser tab that still shows an empty rating updates, never duplicates.
            ProposalRating.objects.update_or_create(
                proposal=form.instance, organizer=request.user, defaults={"score": rating.score}
            )
        for rating in formset.deleted_objects:
            if rating.organizer_id == request.user.pk:
                rating.delete()
        return None

    # --- Decisions ----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/accept/",
                self.admin_site.admin_view(self.accept_view),
                name="contributions_proposal_accept",
            ),
            path(
                "<path:object_id>/decline/",
                self.admin_site.admin_view(self.decline_view),
                name="contributions_proposal_decline",
            ),
            *super().get_urls(),
        ]

    def _one(self, request, object_id):
        # get_object() answers None for an id that is not a number, where a filter would raise.
        proposal = self.get_object(request, object_id)
        if proposal is None:
            raise Http404("No such proposal.")
        if not self.has_decide_permission(request):
            raise PermissionDenied
        return Proposal.objects.filter(pk=proposal.pk)

    def accept_view(self, request, object_id):
        """The change page's "Accept into an edition" button: the same page as the action, for one proposal."""
        queryset = self._one(request, object_id)
        response = self._accept(request, queryset, action=None)
        return response or redirect("admin:contributions_proposal_change", object_id)

    def decline_view(self, request, object_id):
        queryset = self._one(request, object_id)
        response = self._decline(request, queryset, action=None)
        return response or redirect("admin:contributions_proposal_change", object_id)

    def _decision_page(self, request, queryset, action, template, form, title):
        proposals = list(queryset.prefetch_related("preferred_editions"))
        for proposal in proposals:
            proposal.matching_person = services.find_person(proposal.email)
            proposal.namesakes = (
                list(Person.objects.filter(name__iexact=proposal.name.strip()).exclude(email__iexact=proposal.email))
                if proposal.matching_person is None
                else []
            )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "proposals": proposals,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, template, context)

    def _accept(self, request, queryset, action):
        if "apply" in request.POST:
            form = AcceptForm(request.POST)
            if form.is_valid():
                self._apply_accept(request, queryset, form.cleaned_data)
                return None
        else:
            form = AcceptForm()
            # The edition the proposers asked for, the soonest of them that can still take a talk.
            asked_for = form.fields["edition"].queryset.filter(proposals__in=queryset).distinct()
            first = asked_for.order_by("start_date", "start_time", "pk").first()
            if first is not None:
                form = AcceptForm(initial={"edition": first})
        return self._decision_page(
            request, queryset, action, "admin/contributions/proposal/accept.html", form, "Accept into an edition"
        )

    def _apply_accept(self, request, queryset, data):
        base_url = request.build_absolute_uri("/")
        # Oldest first: with several proposals, the agenda follows the order they came in.
        after = data["after"]
        for proposal in queryset.order_by("created_at", "pk"):
            try:
                result = services.accept_proposal(
                    proposal,
                    data["edition"],
                    after=after,
                    decided_by=request.user,
                    message=data["message"],
                    base_url=base_url,
                )
            except services.ProposalError as error:
                self.message_user(request, f"“{proposal.title}”: {error}", messages.ERROR)
                continue
            if after is not None:
                after = result.agenda_item  # the next proposal follows this one
            speaker = "a new speaker" if result.person_created else "the existing speaker"
            self.message_user(
                request,
                format_html(
                    "Accepted “{}” into {}: <a href=\"{}\">the talk</a> with {} <a href=\"{}\">{}</a>, "
                    "on the agenda at position {}. {} is being told by email.",
                    proposal.title,
                    result.talk.edition.display_title,
                    reverse("admin:talks_talk_change", args=[result.talk.pk]),
                    speaker,
                    reverse("admin:talks_person_change", args=[result.person.pk]),
                    result.person.name,
                    result.agenda_item.position,
                    proposal.name,
                ),
                messages.SUCCESS,
            )

    def _decline(self, request, queryset, action):
        if "apply" in request.POST:
            form = DeclineForm(request.POST)
            if form.is_valid():
                self._apply_decline(request, queryset, form.cleaned_data["message"])
                return None
        else:
            form = DeclineForm()
        return self._decision_page(
            request, queryset, action, "admin/contributions/proposal/decline.html", form, "Decline with a message"
        )

    def _apply_decline(self, request, queryset, message):
        base_url = request.build_absolute_uri("/")
        for proposal in queryset:
            try:
                services.decline_proposal(proposal, message, decided_by=request.user, base_url=base_url)
            except services.ProposalError as error:
                self.message_user(request, f"“{proposal.title}”: {error}", messages.ERROR)
                continue
            self.message_user(
                request, f"Declined “{proposal.title}”; {proposal.name} is being told by email.", messages.SUCCESS
            )

    @admin.action(description="Accept into an edition…", permissions=["decide"])
    def accept_into_edition(self, request, queryset):
        return self._accept(request, queryset, action="accept_into_edition")

    @admin.action(description="Decline with a message…", permissions=["decide"])
    def decline_with_message(self, request, queryset):
        return self._decline(request, queryset, action="decline_with_message")

    @admin.action(description="Mark as under review (the proposer's page says so)", permissions=["decide"])
    def mark_under_review(self, request, queryset):
        moved = services.mark_under_review(queryset)
        self.message_user(request, f"{moved} proposal(s) marked as under review; only new ones change.")

    @admin.action(description="Email the proposer a fresh private link", permissions=["decide"])
    def send_link(self, request, queryset):
        base_url = request.build_absolute_uri("/")
        sent = 0
        for proposal in queryset.filter(anonymised_at__isnull=True):
            services.send_link_email(proposal, base_url)
            sent += 1
        self.message_user(request, f"Sent a fresh link to {sent} proposer(s).", messages.SUCCESS)

    @admin.action(description="Anonymise now (the proposer asked to be forgotten)", permissions=["delete"])
    def anonymise_now(self, request, queryset):
        count = services.anonymise(queryset)
        self.message_user(
            request,
            f"Anonymised {count} proposal(s). Talks and speaker pages of accepted ones stay: edit those by hand.",
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["decision_links"] = bool(obj and obj.is_open and self.has_decide_permission(request))
        return super().render_change_form(request, context, add, change, form_url, obj)

