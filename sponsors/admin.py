from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from history.admin import HistoryAdmin
from vdlm.admin_ordering import OrderedTabularInline
from vdlm.admin_utils import CheckedAutocompleteMixin, image_preview

from .models import JobAd, JobAdItem, Organisation, Sponsorship


class SponsorshipOfOrganisationInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = Sponsorship
    extra = 0
    fields = ["edition", "role", "note"]
    autocomplete_fields = ["edition"]
    verbose_name_plural = "roles at editions"


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "website", "hosted_count", "thumbnail"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["logo_preview"]
    inlines = [SponsorshipOfOrganisationInline]
    fields = ["name", "slug", "website", "logo", "logo_preview", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_hosted=Count("sponsorships", filter=Q(sponsorships__role=Sponsorship.Role.HOST)))
            .order_by(*Organisation._meta.ordering)  # GROUP BY drops Meta.ordering
        )

    @admin.display(description="editions hosted", ordering="num_hosted")
    def hosted_count(self, organisation):
        return organisation.num_hosted

    @admin.display(description="logo")
    def thumbnail(self, organisation):
        return image_preview(organisation.logo, height=40)

    @admin.display(description="preview")
    def logo_preview(self, organisation):
        return image_preview(organisation.logo, height=120)


@admin.register(Sponsorship)
class SponsorshipAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["organisation", "edition", "role", "note"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "edition__code"]
    autocomplete_fields = ["organisation", "edition"]
    list_select_related = ["organisation", "edition"]


class JobAdItemInline(OrderedTabularInline):
    model = JobAdItem
    extra = 0
    fields = ["order", "section", "text"]


class JobAdStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "active":
                return queryset.active()
            case "expired":
                return queryset.expired()
            case "scheduled":
                return queryset.filter(published=True, published_on__gt=today)
            case "draft":
                return queryset.filter(published=False)
        return queryset


@admin.register(JobAd)
class JobAdAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["title", "organisation", "published_on", "expires_on", "status"]
    list_filter = [JobAdStatusFilter, "organisation"]
    search_fields = ["title", "tagline", "organisation__name"]
    autocomplete_fields = ["organisation", "editions"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["organisation"]
    inlines = [JobAdItemInline]
    fieldsets = [
        (None, {"fields": ["organisation", "title", "slug", "tagline", "location", "apply_url", "description"]}),
        ("Publication", {"fields": ["published", ("published_on", "expires_on"), "editions"]}),
    ]

    @admin.display(description="status")
    def status(self, job_ad):
        today = timezone.localdate()
        if not job_ad.published:
            return "Draft"
        if job_ad.expires_on and job_ad.expires_on < today:
            return "Expired"
        if job_ad.published_on > today:
            return "Scheduled"
        return "Active"
