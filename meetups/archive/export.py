"""Exports of editions and talks: the README's `## Meetups` table in the current layout
(to paste into GitHub), CSV for spreadsheets and JSON for scripts.

The markdown is written so that importing it gives back the same database content:
dates as `2018-12-04/05`, one `VDLM` row per edition for its intro slides and video
(and for editions without talks, so that none is lost), archive files as relative
`./Meetups/…` links, and speakers' affiliations only where the importer reads them
back the same way. Slides uploaded to the site are linked absolutely (`base_url`, the
site's address), so that the links work on GitHub; talks come in the order of the agenda.
"""

import csv
import io
import json
import posixpath

from django.db.models import Prefetch

from sponsors.models import Sponsorship
from talks.models import Talk, TalkSpeaker

from ..models import AgendaItem, Edition
from . import text as t

INTRO_TOPIC = "Intro / Announcements"
MARKDOWN_HEADER = [
    "## Meetups",
    "",
    "| Date | # | Speaker | Topic | Slides | Details |",
    "| ---- | -- | ------- | ----- | ------ |---------|",
    "|      |    |         |       |        |         |",
]
CSV_COLUMNS = [
    "edition_code",
    "edition_number",
    "edition_kind",
    "edition_title",
    "edition_topic",
    "start_date",
    "end_date",
    "venue",
    "host",
    "published",
    "meetup_url",
    "edition_video_url",
    "photos_url",
    "intro_slides_url",
    "talk_title",
    "talk_kind",
    "speakers",
    "affiliations",
    "slides_url",
    "talk_video_url",
    "abstract",
]


def editions_for_export(queryset=None, *, include_drafts=False):
    """Editions newest first, with everything the exports show fetched in a handful of queries.

    Drafts are left out unless asked for: the README is public.
    """
    editions = Edition.objects.all() if queryset is None else Edition.objects.filter(pk__in=queryset.values("pk"))
    if not include_drafts:
        editions = editions.filter(published=True)
    speakers = TalkSpeaker.objects.select_related("person").order_by("position", "pk")
    talks = Talk.objects.order_by("pk").prefetch_related(Prefetch("talk_speakers", queryset=speakers))
    hosts = Sponsorship.objects.filter(role=Sponsorship.Role.HOST).select_related("organisation")
    return (
        editions.select_related("venue")
        .prefetch_related(
            Prefetch("talks", queryset=talks),
            Prefetch("sponsorships", queryset=hosts, to_attr="hosts"),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("talk").order_by("position")),
        )
        .order_by("-start_date", "-number", "code")
    )


def talks_in_agenda_order(edition):
    """The edition's talks as its agenda presents them; talks on no slot follow, oldest first."""
    slots = {}
    for item in edition.agenda_items.all():
        if item.talk_id is not None:
            slots.setdefault(item.talk_id, item.position)
    talks = list(edition.talks.all())
    return sorted(talks, key=lambda talk: (talk.pk not in slots, slots.get(talk.pk, 0), talk.pk))


def uploaded_file_url(file, base_url):
    """The absolute address of a file uploaded to the site ("" without one)."""
    return base_url.rstrip("/") + file.url if file else ""


def talk_slides(talk, base_url):
    """The slides link of a talk: the file uploaded to the site, else the link typed in."""
    return uploaded_file_url(talk.slides_file, base_url) or talk.slides_url


def intro_slides(edition, base_url):
    return uploaded_file_url(edition.intro_slides, base_url) or edition.intro_slides_url


def _host(edition):
    return edition.hosts[0].organisation.name if edition.hosts else ""


def _speakers(talk):
    return [(speaker.person.name, speaker.affiliation) for speaker in talk.talk_speakers.all()]


def _slides_cell(url):
    if not url:
        return ""
    path = t.archive_path(url) or url
    label = "pdf" if posixpath.splitext(path.split("?")[0])[1].lower() == ".pdf" else "slides"
    return t.markdown_link(label, url)


def _details_cell(edition, video_url):
    parts = []
    if edition.code.isdigit():
        parts.append(f"[details](./Meetups/Meetup_{edition.code}/)")
    if video_url:
        parts.append(t.markdown_link("video", video_url))
    return " ".join(parts)


def _row(*cells):
    return "| " + " | ".join(t.escape_cell(cell) for cell in cells) + " |"


def export_markdown(editions, base_url=""):
    """The `## Meetups` table of the README, current layout, for the given editions (newest first)."""
    lines = list(MARKDOWN_HEADER)
    for edition in editions:
        date = t.format_dates(edition.start_date, edition.end_date)
        talks = talks_in_agenda_order(edition)
        intro = intro_slides(edition, base_url)
        if intro or edition.video_url or not talks:
            lines.append(
                _row(
                    date,
                    edition.code,
                    "VDLM",
                    INTRO_TOPIC,
                    _slides_cell(intro),
                    _details_cell(edition, edition.video_url),
                )
            )
        for talk in talks:
            lines.append(
                _row(
                    date,
                    edition.code,
                    t.speaker_cell(_speakers(talk)),
                    talk.title,
                    _slides_cell(talk_slides(talk, base_url)),
                    _details_cell(edition, talk.video_url),
                )
            )
    return "\n".join(lines) + "\n"


def _spreadsheet_safe(value):
    """Text a spreadsheet shows as text: a leading = + - @ would otherwise run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(editions, base_url=""):
    """One row per talk with its edition's columns; an edition without talks gets one row of its own."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for edition in editions:
        base = [
            edition.code,
            edition.number if edition.number is not None else "",
            edition.kind,
            edition.display_title,
            edition.topic,
            edition.start_date.isoformat(),
            edition.end_date.isoformat() if edition.end_date else "",
            edition.venue.name if edition.venue else "",
            _host(edition),
            "yes" if edition.published else "no",
            edition.meetup_url,
            edition.video_url,
            edition.photos_url,
            intro_slides(edition, base_url),
        ]
        talks = talks_in_agenda_order(edition) or [None]
        for talk in talks:
            if talk is None:
                row = base + [""] * 7
            else:
                speakers = _speakers(talk)
                row = base + [
                    talk.title,
                    talk.kind,
                    "; ".join(name for name, _ in speakers),
                    "; ".join(affiliation for _, affiliation in speakers),
                    talk_slides(talk, base_url),
                    talk.video_url,
                    talk.abstract,
                ]
            writer.writerow([_spreadsheet_safe(value) for value in row])
    return out.getvalue()


def _edition_json(edition, base_url):
    return {
        "code": edition.code,
        "number": edition.number,
        "kind": edition.kind,
        "title": edition.display_title,
        "topic": edition.topic,
        "start_date": edition.start_date.isoformat(),
        "end_date": edition.end_date.isoformat() if edition.end_date else None,
        "start_time": edition.start_time.isoformat() if edition.start_time else None,
        "end_time": edition.end_time.isoformat() if edition.end_time else None,
        "venue": edition.venue.name if edition.venue else None,
        "host": _host(edition) or None,
        "published": edition.published,
        "cancelled": edition.cancelled,
        "description": edition.description,
        "meetup_url": edition.meetup_url,
        "video_url": edition.video_url,
        "photos_url": edition.photos_url,
        "intro_slides_url": edition.intro_slides_url,
        "intro_slides_file": uploaded_file_url(edition.intro_slides, base_url) or None,
        "agenda": [
            {
                "time": item.start_time.isoformat() if item.start_time else None,
                "kind": item.kind,
                "title": item.title,
                "talk": item.talk.title if item.talk else None,
            }
            for item in edition.agenda_items.all()
        ],
        "talks": [
            {
                "title": talk.title,
                "slug": talk.slug,
                "kind": talk.kind,
                "abstract": talk.abstract,
                "slides_url": talk.slides_url,
                "slides_file": uploaded_file_url(talk.slides_file, base_url) or None,
                "video_url": talk.video_url,
                "speakers": [
                    {"name": speaker.person.name, "slug": speaker.person.slug, "affiliation": speaker.affiliation}
                    for speaker in talk.talk_speakers.all()
                ],
            }
            for talk in talks_in_agenda_order(edition)
        ],
    }


def export_json(editions, base_url=""):
    """{"editions": [...]} with each edition's talks, speakers and agenda nested in it."""
    data = {"editions": [_edition_json(edition, base_url) for edition in editions]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS = {
    "markdown": (export_markdown, "text/markdown; charset=utf-8", "md"),
    "csv": (export_csv, "text/csv; charset=utf-8", "csv"),
    "json": (export_json, "application/json", "json"),
}


def uploaded_slides_count(editions):
    """How many talks and editions of `editions` have slides uploaded to the site (they need a base URL)."""
    return sum(bool(edition.intro_slides) for edition in editions) + sum(
        bool(talk.slides_file) for edition in editions for talk in edition.talks.all()
    )


def export(format_name, editions, base_url=""):
    """The export of `editions` in one of FORMATS ("markdown", "csv", "json"); uploaded slides
    are linked under `base_url`, the site's address ("https://meetup.example.org")."""
    return FORMATS[format_name][0](editions, base_url)
