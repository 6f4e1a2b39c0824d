"""Querysets the public pages share.

Every public page runs a fixed number of queries however many editions, talks
and speakers there are (tests/test_query_counts.py measures it): related rows
come in through select_related or one prefetch query per relation, never one
query per row.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch

from talks.models import SPEAKER_NAME_FIELDS, Talk, TalkSource, TalkSpeaker
from vdlm.links import path_to

from .models import AgendaItem, Announcement, Edition


def speakers_prefetch(lookup="talk_speakers"):
    """A talk's speakers in order, each with the affiliation they had at the time."""
    return Prefetch(lookup, queryset=TalkSpeaker.objects.select_related("person").order_by("position", "pk"))


def speaker_links_prefetch():
    """A talk's speakers in order, as Talk.objects.with_speakers() reads them: the affiliation at the time, and the
    person's name and slug. A Prefetch, for talks of several querysets at once (prefetch_related_objects)."""
    speakers = TalkSpeaker.objects.select_related("person").only("talk", "person", "affiliation", *SPEAKER_NAME_FIELDS)
    return Prefetch("talk_speakers", queryset=speakers.order_by("position", "pk"))


def talk_cards():
    """Published talks with what a talk card shows: edition, venue and speakers."""
    return (
        Talk.objects.published()
        .select_related("edition", "edition__venue")
        .prefetch_related(speakers_prefetch())
    )


def recent_talks(today, count):
    """The latest `count` talks before `today`, newest edition first, with what a talk card shows of them and their
    edition (add the speakers: with_speakers()).

    They come from the latest editions with talks: naming those first spares the
    database sorting every talk of the archive by its edition's date.
    """
    latest_with_talks = (
        Edition.objects.published()
        .filter(Exists(Talk.objects.filter(edition=OuterRef("pk"))), start_date__lt=today)
        .order_by("-start_date", "-pk")
        .values("pk")[:count]
    )
    return (
        Talk.objects.filter(edition__in=latest_with_talks)
        .select_related("edition")
        .only(
            "slug", "title", "subtitle", "kind", "slides_file", "slides_url", "video_url",
            "edition__code", "edition__start_date", "edition__published",
        )
        .order_by("-edition__start_date", "-edition__pk", "title")[:count]
    )


def add_speaker_names(talks):
    """Set `speaker_names` on each of the talks: its speakers' names, in order. One query (none without talks).

    Names only, as values: an archive page names some 300 speakers, and as TalkSpeaker
    instances through prefetch_related() they took 4.4 of the page's 15 ms (make profile).
    """
    names = defaultdict(list)
    if talks:
        speakers = TalkSpeaker.objects.filter(talk__in=[talk.pk for talk in talks]).order_by("position", "pk")
        for talk_id, name in speakers.values_list("talk_id", "person__name"):
            names[talk_id].append(name)
    for talk in talks:
        talk.speaker_names = names[talk.pk]


def edition_with_neighbours(code):
    """(the edition with this code, drafts too, or None; the published edition before it; the one after it).

    One query (EditionQuerySet.with_neighbours); each comes with its venue.
    """
    rows = list(Edition.objects.select_related("venue").with_neighbours(code))
    edition = next((row for row in rows if row.code.lower() == code.lower()), None)
    if edition is None:
        return None, None, None
    place = (edition.start_date, edition.pk)
    previous = next((row for row in rows if (row.start_date, row.pk) < place), None)
    following = next((row for row in rows if (row.start_date, row.pk) > place), None)
    return edition, previous, following


def edition_talks(edition):
    """The edition's talks by id, with their speakers and sources in order: three queries (none without talks)."""
    sources = TalkSource.objects.only("talk", "title", "url").order_by("position", "pk")
    return list(
        edition.talks.order_by("pk").prefetch_related(
            speaker_links_prefetch(), Prefetch("sources", queryset=sources)
        )
    )


def edition_announcements(edition):
    """The edition's announcements in order (their images are thumbnailed)."""
    return list(Announcement.objects.filter(edition=edition).order_by("position"))


# --- The shapes talks/ reads from here (talks/queries.py, talks/views.py) ----------------
# Plain objects that answer what the model instances answer, kept until the talk and
# speaker pages read model instances too; the meetups pages no longer use them.


class Rows(list):
    """A list that answers .all() as a prefetched relation does (the templates and tags call it)."""

    __slots__ = ()

    def all(self):
        return self


class PersonLink:
    """A speaker or an organizer, as the page names and links them."""

    __slots__ = ("affiliation", "name", "slug", "url")

    def __init__(self, name, slug, affiliation=""):
        self.name = name
        self.slug = slug
        self.affiliation = affiliation
        self.url = path_to("talks:speaker_detail", slug=slug)

    def get_absolute_url(self):
        return self.url


class EditionLink:
    """A talk's edition as a talk card shows it: its code, date and whether it is published."""

    __slots__ = ("code", "published", "start_date", "url")

    def __init__(self, code, start_date, published):
        self.code = code
        self.start_date = start_date
        self.published = published
        self.url = path_to("meetups:edition_detail", code=code.lower())

    def get_absolute_url(self):
        return self.url


class SpeakerRow:
    """A row of talk.talk_speakers: the person, and the affiliation they had at the time of the talk."""

    __slots__ = ("affiliation", "person", "person_id")

    def __init__(self, person_id, person, affiliation):
        self.person_id = person_id
        self.person = person
        self.affiliation = affiliation


class SourceRow:
    __slots__ = ("title", "url")

    def __init__(self, title, url):
        self.title = title
        self.url = url


_SLIDES_STORAGE = Talk._meta.get_field("slides_file").storage


class TalkEntry:
    """A talk of the edition, with its speakers (talk_speakers) and sources in order."""

    __slots__ = (
        "abstract",
        "kind",
        "pk",
        "slides_link",
        "slug",
        "sources",
        "subtitle",
        "talk_speakers",
        "title",
        "url",
        "video_url",
    )

    def __init__(self, pk, kind, title, subtitle, slug, abstract, slides_file, slides_url, video_url):
        self.pk = pk
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.slug = slug
        self.abstract = abstract
        # As Talk.slides_link: the uploaded PDF (slides_file is its stored name here), else the link.
        self.slides_link = _SLIDES_STORAGE.url(slides_file) if slides_file else slides_url
        self.video_url = video_url
        self.url = path_to("talks:talk_detail", slug=slug)
        self.talk_speakers = Rows()
        self.sources = Rows()

    def get_absolute_url(self):
        return self.url


# The columns TalkEntry, SpeakerRow and SourceRow are made from (the talk pages add to them).
TALK_COLUMNS = ("pk", "kind", "title", "subtitle", "slug", "abstract", "slides_file", "slides_url", "video_url")
SPEAKER_COLUMNS = (
    "talk_speakers__pk",
    "talk_speakers__person",
    "talk_speakers__affiliation",
    "talk_speakers__person__name",
    "talk_speakers__person__slug",
)
SOURCE_COLUMNS = ("sources__pk", "sources__title", "sources__url")


def edition_agenda(edition, talks=None):
    """The edition's agenda items in order (for the schema.org data of a talk's page; `talks` is not read any more)."""
    return list(AgendaItem.objects.filter(edition=edition).order_by("position"))
