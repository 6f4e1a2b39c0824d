"""The editions' queryset methods: what the public pages read of editions, each page in a fixed number of queries."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from talks.models import Talk

# What an archive row (templates/meetups/archive_row.html) shows of an edition and its venue.
ARCHIVE_ROW_FIELDS = (
    "code", "number", "kind", "title", "topic", "start_date", "end_date", "cancelled",
    "intro_slides", "intro_slides_url", "video_url", "meetup_url", "venue__name",
)


class EditionQuerySet(models.QuerySet):
    def published(self):
        """Editions visitors may see: drafts left out."""
        return self.filter(published=True)

    def _today(self):
        """Today in Vienna: the default of upcoming() and past()."""
        return timezone.localdate()

    def upcoming(self, today=None):
        """Editions whose (last) day is `today` (default: today in Vienna) or later, soonest first."""
        today = today or self._today()
        return self.filter(Q(end_date__isnull=True, start_date__gte=today) | Q(end_date__gte=today)).order_by(
            "start_date", "start_time", "pk"
        )

    def past(self, today=None):
        """Editions that are over by `today` (default: today in Vienna), most recent first."""
        today = today or self._today()
        return self.filter(Q(end_date__isnull=True, start_date__lt=today) | Q(end_date__lt=today)).order_by(
            "-start_date", "-start_time", "-pk"
        )

    def get_by_code(self, code):
        """Look an edition up by its code, case-insensitively (/meetups/ai/ = AI)."""
        return self.get(code__iexact=code)

    def by_code(self, code):
        """The edition whose code is `code` in any case: at most one.

        lower(code) is what the unique index edition_code_unique_ci holds, so the lookup
        uses it; iexact would be a LIKE on SQLite and UPPER() on PostgreSQL, neither indexed.
        Codes are letters, digits and dashes (a check constraint), so lower() is exact.
        """
        return self.alias(code_lower=Lower("code")).filter(code_lower=code.lower())

    def with_neighbours(self, code):
        """The edition with this code and the published editions just before and after it.

        Up to three rows in one query (meetups.queries.edition_with_neighbours() tells them
        apart): the edition's page has one query for each relation it shows, and this keeps
        it at ten in all. Editions of one day follow each other by id; the edition itself
        may be a draft. The neighbours are found by subqueries correlated with the edition's
        row, which Django builds in half the time of subqueries that each look it up again.
        """
        edition = self.model.objects.by_code(code).order_by()
        published = self.model.objects.published()
        day, pk = OuterRef("start_date"), OuterRef("pk")
        before = published.filter(Q(start_date__lt=day) | Q(start_date=day, pk__lt=pk)).order_by("-start_date", "-pk")
        after = published.filter(Q(start_date__gt=day) | Q(start_date=day, pk__gt=pk)).order_by("start_date", "pk")
        return (
            self.alias(code_lower=Lower("code"))
            .filter(
                Q(code_lower=code.lower())
                | Q(pk__in=edition.annotate(neighbour=Subquery(before.values("pk")[:1])).values("neighbour"))
                | Q(pk__in=edition.annotate(neighbour=Subquery(after.values("pk")[:1])).values("neighbour"))
            )
            .order_by()
        )

    def search(self, query):
        """Editions that match the words: their code ("#32" too), title, topic, venue, a talk's title or a speaker."""
        matching_talks = Talk.objects.filter(edition=OuterRef("pk")).filter(
            Q(title__icontains=query) | Q(subtitle__icontains=query) | Q(talk_speakers__person__name__icontains=query)
        )
        return self.filter(
            Q(code__iexact=query.lstrip("#"))
            | Q(title__icontains=query)
            | Q(topic__icontains=query)
            | Q(venue__name__icontains=query)
            | Exists(matching_talks)
        )

    def for_archive(self):
        """Published editions, newest first, with their venues' names and, as `archive_talks`, their talks by id.

        What an archive row shows, in two queries for a page of them, each with only the
        columns the row shows; meetups.queries.add_speaker_names() adds the speakers. A list
        (to_attr) rather than a prefetched queryset: a page holds some 200 talks, and a
        queryset for each took longer than the rest of the page.
        """
        talks = Talk.objects.only("edition", "slug", "title").order_by("pk")
        return (
            self.published()
            .select_related("venue")
            .only(*ARCHIVE_ROW_FIELDS)
            .prefetch_related(Prefetch("talks", queryset=talks, to_attr="archive_talks"))
            .order_by("-start_date", "-pk")
        )

    def numbers(self):
        """{editions, workshops, talks, speakers} of these editions: each talk and each speaker counted once."""
        # One query over the join of editions, talks and speakers. The aggregates are named apart
        # from the relations: an aggregate called "talks" would hide the relation from the next one.
        counts = self.aggregate(
            edition_count=Count("pk", distinct=True),
            workshop_count=Count("pk", distinct=True, filter=Q(kind=self.model.Kind.WORKSHOP)),
            talk_count=Count("talks", distinct=True),
            speaker_count=Count("talks__talk_speakers__person", distinct=True),
        )
        return {
            "editions": counts["edition_count"],
            "workshops": counts["workshop_count"],
            "talks": counts["talk_count"],
            "speakers": counts["speaker_count"],
        }
