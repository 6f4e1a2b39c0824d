from django.contrib import admin
from django.db.models import Count

from history.admin import HistoryAdmin
from vdlm.admin_ordering import OrderedTabularInline
from vdlm.admin_utils import CheckedAutocompleteMixin, image_preview

from .models import Person, Talk, TalkSource, TalkSpeaker


class TalkSpeakerInline(CheckedAutocompleteMixin, OrderedTabularInline):
    model = TalkSpeaker
    extra = 0
    min_num = 0
    fields = ["order", "person", "affiliation"]
    autocomplete_fields = ["person"]


class TalkSourceInline(OrderedTabularInline):
    model = TalkSource
    extra = 0
    fields = ["order", "title", "url"]


@admin.register(Talk)
class TalkAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    list_display = ["title", "edition", "kind", "speaker_names", "has_slides", "has_video"]
    list_filter = ["kind", "edition__published", ("edition__start_date", admin.DateFieldListFilter)]
    search_fields = ["title", "subtitle", "abstract", "speakers__name", "edition__code"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TalkSpeakerInline, TalkSourceInline]
    list_select_related = ["edition"]
    fieldsets = [
        (None, {"fields": ["edition", "title", "subtitle", "slug", "kind", "abstract"]}),
        ("Material", {"fields": [("slides_file", "slides_url"), "video_url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description="speakers")
    def speaker_names(self, talk):
        return ", ".join(person.name for person in talk.speakers.all()) or "–"

    @admin.display(description="slides", boolean=True)
    def has_slides(self, talk):
        return bool(talk.slides_link)

    @admin.display(description="video", boolean=True)
    def has_video(self, talk):
        return bool(talk.video_url)


class TalkOfPersonInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = TalkSpeaker
    extra = 0
    fields = ["talk", "affiliation"]
    autocomplete_fields = ["talk"]
    verbose_name = "talk"
    verbose_name_plural = "talks"


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "affiliation", "talk_count", "thumbnail"]
    search_fields = ["name", "affiliation", "email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["photo_preview"]
    inlines = [TalkOfPersonInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "affiliation", "bio"]}),
        ("Photo", {"fields": ["photo", "photo_preview"]}),
        ("Contact and links", {"fields": ["email", "website_url", "github_url", "linkedin_url", "scholar_url"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(num_talks=Count("talk_speakers"))
        return queryset.order_by(*Person._meta.ordering)  # GROUP BY drops Meta.ordering

    @admin.display(description="talks", ordering="num_talks")
    def talk_count(self, person):
        return person.num_talks

    @admin.display(description="photo")
    def thumbnail(self, person):
        return image_preview(person.photo, height=40)

    @admin.display(description="preview")
    def photo_preview(self, person):
        return image_preview(person.photo, height=160)
