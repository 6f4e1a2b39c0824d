"""The rows of a talk's page and of a speaker's page, read as values.

Building and compiling these pages' querysets, then their model instances and
prefetches, was most of each page's time. So their queries are compiled once per
process (vdlm/compiled_query.py), a talk's speakers (and sources) come in the same
query for all the talks a page shows, and the rows become the small classes below and
those of the edition page (meetups/queries.py): they answer what the templates, the
talk_card and speaker_names tags and the schema.org data (meetups/structured_data.py)
read. The edition and the sponsors of a talk's page are model instances, as the
schema.org data needs them, built from the rows without Django's query machinery.
A speaker's page reads drafts too and the view leaves them out for visitors: one
query shape for visitors and organizers.
"""

from meetups.models import Edition
from meetups.queries import (
    SOURCE_COLUMNS,
    SPEAKER_COLUMNS,
    TALK_COLUMNS,
    EditionLink,
    PersonLink,
    SourceRow,
    SpeakerRow,
    TalkEntry,
)
from sponsors.models import Organisation, Sponsorship
from vdlm.compiled_query import CompiledQuery, Instances

from .models import Person, Talk, TalkSpeaker

_TALK_KIND_LABELS = dict(Talk.Kind.choices)


class TalkRow(TalkEntry):
    """A talk as its page, a talk card and the schema.org data read it: the edition page's
    TalkEntry, with its edition and the name of its uploaded slides."""

    __slots__ = ("edition", "slides_file")
    Kind = Talk.Kind  # talk_card compares the kind with Kind.TALK

    def __init__(self, pk, kind, title, subtitle, slug, abstract, slides_file, slides_url, video_url, edition):
        super().__init__(pk, kind, title, subtitle, slug, abstract, slides_file, slides_url, video_url)
        self.slides_file = slides_file  # the stored file's name, "" without an upload
        self.edition = edition

    def get_kind_display(self):
        return _TALK_KIND_LABELS.get(self.kind, self.kind)


_PHOTO_FIELD = Person._meta.get_field("photo")


class SpeakerLink(PersonLink):
    """A speaker, linked and named, with the photo the talk page shows."""

    __slots__ = ("photo_name",)

    def __init__(self, name, slug, photo_name):
        super().__init__(name, slug)
        self.photo_name = photo_name

    @property
    def photo(self):
        """As Person.photo: the stored image (an ImageFieldFile, empty without a photo) to thumbnail."""
        return _PHOTO_FIELD.attr_class(self, _PHOTO_FIELD, self.photo_name)


# The speakers' photo too: the talk and speaker pages show it.
_SPEAKER_COLUMNS_WITH_PHOTO = (*SPEAKER_COLUMNS, "talk_speakers__person__photo")
# Whole instances (every concrete field: none deferred, to be queried later).
_TALK_EDITION = Instances(Edition, "venue", through="edition")


class _SpeakerReader:
    """Adds each speaker of a talk once, from rows that repeat them (a join with the sources)."""

    def __init__(self):
        self.seen = set()
        self.people = {}  # a speaker of several talks is linked once

    def add(self, talk, speaker_pk, person_id, affiliation, name, slug, photo):
        if speaker_pk is None or speaker_pk in self.seen:
            return
        self.seen.add(speaker_pk)
        person = self.people.get(person_id)
        if person is None:
            person = self.people[person_id] = SpeakerLink(name, slug, photo)
        talk.talk_speakers.append(SpeakerRow(person_id, person, affiliation))


# --- The page of one talk --------------------------------------------------------------


def talk_by_slug(slug):
    """The talk with this slug as TalkRow, its edition an Edition with its venue; None if there is none."""
    rows = _TALK(slug)
    if not rows:
        return None
    talk_values, edition_values = rows[0][: len(TALK_COLUMNS)], rows[0][len(TALK_COLUMNS) :]
    return TalkRow(*talk_values, _TALK_EDITION.load(edition_values))


_TALK = CompiledQuery(
    lambda slug: Talk.objects.filter(slug=slug)
    .order_by()
    .values_list(*TALK_COLUMNS, *_TALK_EDITION.columns),
    str,
)


def sibling_talks(talk):
    """The other talks of the talk's edition, as TalkRow by title (without their speakers yet)."""
    return [TalkRow(*row, talk.edition) for row in _SIBLINGS(talk.edition.pk, talk.pk)]


# Sorted by the title alone, in the database, as the page always did: on PostgreSQL, talks
# of the same title come in the order its sort leaves them, which a tie-breaker would change.
_SIBLINGS = CompiledQuery(
    lambda edition_id, talk_id: Talk.objects.filter(edition=edition_id)
    .exclude(pk=talk_id)
    .order_by("title")
    .values_list(*TALK_COLUMNS),
    int,
    int,
)


def add_speakers_and_sources(edition, talks):
    """Fill in the talk_speakers and sources of `talks` (TalkRow of the edition), in order: one query.

    Its rows are each talk of the edition times its speakers times its sources (None
    in their columns for a talk without either), ordered by talk, speaker and source: a
    speaker or a source is taken where it first occurs, which keeps their order.
    """
    by_pk = {talk.pk: talk for talk in talks}
    speakers = _SpeakerReader()
    seen_sources = set()
    for talk_pk, *speaker_values, source_pk, title, url in _SPEAKERS_AND_SOURCES(edition.pk):
        talk = by_pk.get(talk_pk)
        if talk is None:  # added since the talks were read
            continue
        speakers.add(talk, *speaker_values)
        if source_pk is not None and source_pk not in seen_sources:
            seen_sources.add(source_pk)
            talk.sources.append(SourceRow(title, url))


_SPEAKERS_AND_SOURCES = CompiledQuery(
    lambda edition_id: Talk.objects.filter(edition=edition_id)
    .order_by("pk", "talk_speakers__position", "talk_speakers__pk", "sources__position", "sources__pk")
    .values_list("pk", *_SPEAKER_COLUMNS_WITH_PHOTO, *SOURCE_COLUMNS),
    int,
)


def edition_sponsorships(edition):
    """The edition's sponsorships in order, as Sponsorship instances with their Organisation."""
    return [
        Sponsorship(
            role=role,
            organisation=Organisation(pk=organisation_id, name=name, slug=slug, website=website, logo=logo),
        )
        for role, organisation_id, name, slug, website, logo in _SPONSORSHIPS(edition.pk)
    ]


_SPONSORSHIPS = CompiledQuery(
    lambda edition_id: Sponsorship.objects.filter(edition=edition_id)
    .order_by("position", "pk")
    .values_list(
        "role", "organisation_id", "organisation__name", "organisation__slug", "organisation__website",
        "organisation__logo",
    ),
    int,
)


# --- The page of one speaker -----------------------------------------------------------

def person_by_slug(slug):
    """The Person with this slug, or None."""
    rows = _PERSON(slug)
    return _PEOPLE.load(rows[0]) if rows else None


_PEOPLE = Instances(Person)
_PERSON = CompiledQuery(lambda slug: Person.objects.filter(slug=slug).order_by().values_list(*_PEOPLE.columns), str)


def person_talks(person):
    """Every talk the person gave, drafts too, as TalkRow with its EditionLink and speakers.

    Latest edition first, by title within an edition: one query.
    """
    talks = {}
    editions = {}
    speakers = _SpeakerReader()
    for edition_id, code, start_date, published, *values in _PERSON_TALKS(person.pk):
        talk_values, speaker_values = values[: len(TALK_COLUMNS)], values[len(TALK_COLUMNS) :]
        talk = talks.get(talk_values[0])
        if talk is None:
            edition = editions.get(edition_id)
            if edition is None:
                edition = editions[edition_id] = EditionLink(code, start_date, published)
            talk = talks[talk_values[0]] = TalkRow(*talk_values, edition)
        speakers.add(talk, *speaker_values)
    return list(talks.values())


_PERSON_TALKS = CompiledQuery(
    # Through a subquery: filtering on talk_speakers itself would leave only the person's row in the join.
    lambda person_id: Talk.objects.filter(pk__in=TalkSpeaker.objects.filter(person=person_id).values("talk"))
    .order_by("-edition__start_date", "-edition__pk", "title", "pk", "talk_speakers__position", "talk_speakers__pk")
    .values_list("edition", "edition__code", "edition__start_date", "edition__published", *TALK_COLUMNS,
                 *_SPEAKER_COLUMNS_WITH_PHOTO),
    int,
)


_ORGANIZED_COLUMNS = ("pk", "code", "title", "number", "kind", "topic", "start_date", "published")


def organized_editions(person):
    """The editions the person organized, drafts too, latest first (Edition with what the page names)."""
    return [Edition(**dict(zip(_ORGANIZED_COLUMNS, row, strict=True))) for row in _ORGANIZED(person.pk)]


_ORGANIZED = CompiledQuery(
    lambda person_id: Edition.objects.filter(organizers=person_id)
    .order_by("-start_date", "-pk")
    .values_list(*_ORGANIZED_COLUMNS),
    int,
)
