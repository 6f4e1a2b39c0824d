"""Querysets the public pages share.

Every public page runs a fixed number of queries however many editions, talks
and speakers there are (tests/test_query_counts.py measures it): related rows
come in through select_related or one prefetch query per relation, never one
query per row.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch

from talks.models import SPEAKER_NAME_FIELDS, Talk, TalkSource, TalkSpeaker

from .models import Edition


def speaker_links_prefetch():
    """A talk's speakers in order, as Talk.objects.with_speakers() reads them: the affiliation at the time, and the
    person's name and slug. A Prefetch, for talks of several querysets at once (prefetch_related_objects)."""
    speakers = TalkSpeaker.objects.select_related("person").only("talk", "person", "affiliation", *SPEAKER_NAME_FIELDS)
    return Prefetch("talk_speakers", queryset=speakers.order_by("position", "pk"))


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

    One query (EditionQuerySet.with_neighbours); each comes with its venue and RSVP settings.
    """
    rows = list(Edition.objects.select_related("venue", "rsvp_settings").with_neighbours(code))
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
