from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from audit import services as audit
from audit.models import AuditEntry
from history.admin import HistoryAdmin
from raffles.admin import RaffleOfEditionInline
from rsvps.admin import RsvpSettingsInline
from sponsors.models import Sponsorship
from talks.edition_inline import EditionTalkInline
from talks.models import Talk
from vdlm.admin_ordering import OrderedStackedInline, OrderedTabularInline
from vdlm.admin_utils import CheckedAutocompleteMixin, image_preview

from . import services
from .admin_forms import EditionAdminForm
from .archive import FORMATS, editions_for_export, export
from .models import AgendaItem, Announcement, Edition, SiteProfile, Venue


@admin.register(SiteProfile)
class SiteProfileAdmin(HistoryAdmin):
    list_display = ["group_name", "hashtag", "members_count", "contact_email"]
    fieldsets = [
        (None, {"fields": ["group_name", "hashtag", "tagline", "members_count", "contact_email"]}),
        ("Links", {"fields": ["github_url", "youtube_url", "meetup_url"]}),
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is only one profile: go straight to it (for those who may see it at all).
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = SiteProfile.load()
        return redirect(reverse("admin:meetups_siteprofile_change", args=[profile.pk]))


def _audit_publishing(request, editions, published):
    if not editions:
        return
    codes = ", ".join(f"#{edition.code}" for edition in editions)
    action = AuditEntry.Action.PUBLISH if published else AuditEntry.Action.UNPUBLISH
    audit.record(action, f"{'published' if published else 'unpublished'} {codes}", request=request, objects=editions)


@admin.register(Venue)
class VenueAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["name", "organisation", "capacity", "edition_count"]
    search_fields = ["name", "address", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").annotate(num_editions=Count("editions"))

    @admin.display(description="editions", ordering="num_editions")
    def edition_count(self, venue):
        return venue.num_editions


class AgendaItemInline(OrderedTabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "start_time", "kind", "title", "talk", "own_title"]
    classes = ["vdlm-ordered", "agenda-inline"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the talks of the edition being edited can fill one of its slots.
        if db_field.name == "talk":
            edition_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Talk.objects.filter(edition_id=edition_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SponsorshipInline(CheckedAutocompleteMixin, OrderedTabularInline):
    """Catering, prizes, partners: the venue host is the edition's "venue host" field, not a row here."""

    model = Sponsorship
    extra = 0
    fields = ["order", "organisation", "role", "note"]
    autocomplete_fields = ["organisation"]
    verbose_name_plural = "other sponsorships"

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(role=Sponsorship.Role.HOST)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [choice for choice in Sponsorship.Role.choices if choice[0] != Sponsorship.Role.HOST]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class AnnouncementInline(OrderedStackedInline):
    model = Announcement
    extra = 0
    fields = [("order", "title"), "body", ("link", "image")]


class YearListFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Edition.objects.annotate(year=ExtractYear("start_date"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value() or ""
        # Years a date can have: start_date__year=0 (or 10000) fails while the SQL is built.
        if value.isdecimal() and len(value) <= 4 and int(value) >= 1:
            return queryset.filter(start_date__year=int(value))
        return queryset


class HostListFilter(admin.SimpleListFilter):
    title = "host"
    parameter_name = "host"

    def lookups(self, request, model_admin):
        hosts = (
            Sponsorship.objects.filter(role=Sponsorship.Role.HOST)
            .values_list("organisation_id", "organisation__name")
            .distinct()
            .order_by("organisation__name")
        )
        return [(str(pk), name) for pk, name in hosts]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(
                sponsorships__role=Sponsorship.Role.HOST,
                sponsorships__organisation_id=int(self.value()),
            )
        return queryset


@admin.register(Edition)
class EditionAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = [
        "code",
        "display_title",
        "start_date",
        "kind",
        "venue",
        "host_name",
        "talk_count",
        "published",
        "cancelled",
    ]
    list_display_links = ["code", "display_title"]
    list_filter = [YearListFilter, "kind", "published", "cancelled", HostListFilter]
    search_fields = [
        "code",
        "title",
        "topic",
        "venue__name",
        "talks__title",
        "talks__speakers__name",
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["venue", "organizers"]
    form = EditionAdminForm
    inlines = [
        AgendaItemInline,
        EditionTalkInline,
        SponsorshipInline,
        RaffleOfEditionInline,
        RsvpSettingsInline,
        AnnouncementInline,
    ]
    actions = ["clone_as_next_edition", "publish", "unpublish", "download_markdown", "download_csv", "download_json"]
    save_on_top = True
    fieldsets = [
        # loaded_version: hidden, the edit check of history/concurrency.py.
        (None, {"fields": [("code", "number", "kind"), "title", "topic", ("published", "cancelled"), "loaded_version"]}),  # noqa: E501
        (
            "When and where",
            {
                "fields": [
                    ("start_date", "start_time"),
                    ("end_date", "end_time"),
                    "host",
                    ("venue", "new_venue_address"),
                    ("attendance", "stream_url"),
                ]
            },
        ),
        ("Invitation", {"fields": ["description", "organizers"]}),
        ("Links", {"fields": ["meetup_url", "video_url", "photos_url", ("intro_slides", "intro_slides_url")]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The "published" box is the publish action by another door: same permission.
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("published")
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "published" in form.changed_data:
            _audit_publishing(request, [obj], obj.published)
        created = services.set_host(obj, form.cleaned_data.get("host"), form.cleaned_data.get("new_venue_address", ""))
        if created is not None:
            self.message_user(
                request,
                f"The venue “{created.name}” was created from the host"
                + ("." if created.address else ": add its address and map link on the venue's page."),
                messages.INFO,
            )

    def get_queryset(self, request):
        hosts = Sponsorship.objects.filter(role=Sponsorship.Role.HOST).select_related("organisation")
        return (
            super()
            .get_queryset(request)
            .select_related("venue")
            .prefetch_related(Prefetch("sponsorships", queryset=hosts, to_attr="host_sponsorships"))
            .annotate(num_talks=Count("talks", distinct=True))
            .order_by(*Edition._meta.ordering)  # GROUP BY drops Meta.ordering
        )

    @admin.display(description="title")
    def display_title(self, edition):
        return edition.display_title

    @admin.display(description="host")
    def host_name(self, edition):
        hosts = getattr(edition, "host_sponsorships", None)
        return hosts[0].organisation.name if hosts else "–"

    @admin.display(description="talks", ordering="num_talks")
    def talk_count(self, edition):
        return edition.num_talks

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="meetups_edition_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        """"Publish…" (or "Unpublish…") on the change page: the preview links, the checklist, one confirmation."""
        edition = self.get_object(request, object_id)
        if edition is None:
            raise Http404("No such edition.")
        if not self.has_publish_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:meetups_edition_change", args=[edition.pk])
        checks = services.publish_checklist(edition)
        blocked = any(check.level == "blocker" for check in checks)
        if request.method == "POST" and "unpublish" in request.POST and edition.published:
            unpublished, _ = services.set_published([edition], False)
            _audit_publishing(request, unpublished, False)
            message = f"#{edition.code} is a draft again: visitors no longer see it."
            self.message_user(request, message, messages.SUCCESS)
            return redirect(change_url)
        if request.method == "POST" and "publish" in request.POST and not edition.published and not blocked:
            changed, refused = services.set_published([edition], True)
            _audit_publishing(request, changed, True)
            for _edition, reason in refused:
                self.message_user(request, f"#{edition.code} was not published: {reason}", messages.ERROR)
            if changed:
                self.message_user(request, f"Published #{edition.code}: visitors see it now.", messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Unpublish' if edition.published else 'Publish'} {edition.display_title}",
            "opts": self.model._meta,
            "original": edition,
            "checks": checks,
            "blocked": blocked,
            "change_url": change_url,
            "deck_url": reverse("decks:deck", kwargs={"code": edition.code.lower()}),
        }
        return TemplateResponse(request, "admin/meetups/edition/publish.html", context)

    def has_publish_permission(self, request):
        """The custom permission of Edition.Meta.permissions, for the publish and unpublish actions."""
        return request.user.has_perm("meetups.publish_edition")

    # A clone is a new edition (with agenda items): the permission to add editions.
    @admin.action(
        description="Clone as next edition (agenda skeleton and organizers, unpublished)", permissions=["add"]
    )
    def clone_as_next_edition(self, request, queryset):
        """Clone each selected edition; with one, go straight to the new edition's page."""
        clones = []
        for edition in queryset:
            clone = services.clone_as_next_edition(edition)
            clones.append(clone)
            url = reverse("admin:meetups_edition_change", args=[clone.pk])
            self.message_user(
                request,
                format_html(
                    'Created <a href="{}">{}</a> from #{}, on {} (proposed by the monthly rhythm): '
                    "check the date, set the venue and talks, then publish it.",
                    url,
                    clone,
                    edition.code,
                    date_format(clone.start_date, "D, j F Y"),
                ),
                messages.SUCCESS,
            )
        if len(clones) == 1:
            return redirect("admin:meetups_edition_change", clones[0].pk)
        return None

    @admin.action(description="Publish selected editions", permissions=["publish"])
    def publish(self, request, queryset):
        published, refused = services.set_published(queryset, True)
        _audit_publishing(request, published, True)
        if published:
            self.message_user(request, f"Published {len(published)} edition(s).", messages.SUCCESS)
        for edition, reason in refused:
            self.message_user(request, f"#{edition.code} was not published: {reason}", messages.ERROR)

    @admin.action(description="Unpublish selected editions (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        unpublished, _ = services.set_published(queryset, False)
        _audit_publishing(request, unpublished, False)
        self.message_user(request, f"Unpublished {len(unpublished)} edition(s).", messages.SUCCESS)

    def _archive_download(self, request, queryset, format_name):
        """The selected editions (drafts too: an organizer chose them) as `manage.py export_archive` writes them,
        with slides uploaded to the site linked on this site's address."""
        _, content_type, extension = FORMATS[format_name]
        editions = editions_for_export(queryset, include_drafts=True)
        response = HttpResponse(
            export(format_name, editions, base_url=request.build_absolute_uri("/")), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="vdlm-meetups.{extension}"'
        return response

    @admin.action(description="Download selected as the GitHub README table (markdown)", permissions=["view"])
    def download_markdown(self, request, queryset):
        return self._archive_download(request, queryset, "markdown")

    @admin.action(description="Download selected editions and talks as CSV", permissions=["view"])
    def download_csv(self, request, queryset):
        return self._archive_download(request, queryset, "csv")

    @admin.action(description="Download selected editions and talks as JSON", permissions=["view"])
    def download_json(self, request, queryset):
        return self._archive_download(request, queryset, "json")


@admin.register(AgendaItem)
class AgendaItemAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["title", "edition", "position", "kind", "start_time"]
    list_filter = ["kind"]
    search_fields = ["title", "edition__code"]
    list_select_related = ["edition"]
    autocomplete_fields = ["edition", "talk"]


@admin.register(Announcement)
class AnnouncementAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["title", "edition", "position", "preview"]
    search_fields = ["title", "body", "edition__code"]
    list_select_related = ["edition"]
    autocomplete_fields = ["edition"]
    readonly_fields = ["preview"]

    @admin.display(description="image")
    def preview(self, announcement):
        return image_preview(announcement.image)
