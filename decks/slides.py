"""The meetup-night deck as a list of slides, built from an edition's data.

The order follows the decks the organizers used to make by hand (the #32 deck):
title, organizers, then the agenda block by block — "Topics for Today" before
each block, followed by the slides of the block's parts that the organizers
present from this deck (the host slot, the announcements, the hot topics) —
and the next meetup at the end. docs/deck.md explains it for organizers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.dateformat import format as format_date

from meetups.models import AgendaItem
from sponsors.models import JobAdItem
from talks.models import Talk
from vdlm.templatetags.vdlm_tags import markdown_inline, nice_time

from .models import DeckSlide, Section
from .qr import qr_svg

# The agenda items whose part of the evening the organizers present from this deck.
ITEM_SECTIONS = {
    AgendaItem.Kind.HOST_PRESENTATION: [Section.HOST],
    AgendaItem.Kind.ANNOUNCEMENTS: [
        Section.ANNOUNCEMENTS,
        Section.ARCHIVE,
        Section.STATS,
        Section.RAFFLES,
        Section.JOBS,
    ],
    AgendaItem.Kind.HOT_TOPICS: [Section.HOT_TOPICS, Section.SOURCES],
}
# Sections that belong to a block, in the order they follow each other (and follow
# the last block when the agenda has no item for them).
BLOCK_SECTIONS = [Section.HOST, *ITEM_SECTIONS[AgendaItem.Kind.ANNOUNCEMENTS], Section.HOT_TOPICS, Section.SOURCES]
ANNOUNCEMENT_GROUP = ITEM_SECTIONS[AgendaItem.Kind.ANNOUNCEMENTS]
OPENS_A_BLOCK = {AgendaItem.Kind.ANNOUNCEMENTS, AgendaItem.Kind.HOT_TOPICS}
# Set aside on the agenda slides: the room is not listening to anyone then.
ASIDE_KINDS = {AgendaItem.Kind.BREAK, AgendaItem.Kind.NETWORKING}
SOURCES_PER_SLIDE = 6
ATTENDANCE_LABELS = [
    ("rsvps", "RSVPs"),
    ("going", "seats taken"),
    ("waiting", "on the waiting list"),
    ("checked_in", "checked in"),
    ("no_shows", "no-shows"),
]

JOB_SECTION_PHRASES = {
    JobAdItem.Section.DO: "you will do",
    JobAdItem.Section.BRING: "you bring",
    JobAdItem.Section.GET: "you get",
}


@dataclass
class Slide:
    """One slide: `kind` picks its template, `title` names it for the counter and screen readers.

    build_slides() sets what the frame around every slide (templates/decks/slide.html)
    prints once the deck is complete: `css_class`, `number` ("3"), `counter` ("3 / 17")
    and `label` ("3 of 17: Topics for Today – next: Welcome").
    """

    kind: str
    title: str
    section: str
    data: dict = field(default_factory=dict)
    dark: bool = False
    css_class: str = ""
    number: str = ""
    counter: str = ""
    label: str = ""

    @property
    def template(self):
        return f"decks/slides/{self.kind}.html"


def agenda_blocks(items):
    """The agenda split into blocks: each block gets its own "Topics for Today" slide.

    The rule: a block starts
    - at the first item,
    - at every Announcements or Hot topics item (the organizers take the stage
      with this deck), and
    - at the first item after a Break (the room comes back and wants to know what is next).
    Every other item joins the block before it. For #32 — Welcome, Talk,
    Announcements, Break, NeurIPS report, Hot topics, Networking — that gives the
    deck's four agenda slides: [Welcome, Talk], [Announcements, Break],
    [NeurIPS report], [Hot topics, Networking]. A host presentation joins its block.
    """
    blocks = []
    previous = None
    for item in items:
        after_break = previous is not None and previous.kind == AgendaItem.Kind.BREAK
        if not blocks or item.kind in OPENS_A_BLOCK or (after_break and item.kind != AgendaItem.Kind.BREAK):
            blocks.append([item])
        else:
            blocks[-1].append(item)
        previous = item
    return blocks


def byline(speakers):
    """"Christoph Bonitz, Njinn Technologies; René Donner": speakers (TalkSpeaker with the person) with
    the affiliation they had at the time, as text."""
    return "; ".join(
        f"{speaker.person.name}, {speaker.affiliation}" if speaker.affiliation else speaker.person.name
        for speaker in speakers
    )


def _same_url(first, second):
    return bool(first and second) and first.rstrip("/").lower() == second.rstrip("/").lower()


def _short_name(profile):
    """"VDLM" from the hashtag "#VDLM", else the group's name."""
    return profile.hashtag.lstrip("#").strip() or profile.group_name


class _DeckBuilder:
    def __init__(self, deck):
        self.deck = deck
        self.settings = deck.settings
        profile = deck.site_profile
        # Announcements that only point at the group's GitHub or YouTube are the archive
        # plug's text: shown there, not twice.
        self.folded = {}
        if self.settings.includes(Section.ARCHIVE):
            for announcement in deck.announcements:
                for key, url in (("github", profile.github_url), ("youtube", profile.youtube_url)):
                    if key not in self.folded and _same_url(announcement.link, url):
                        self.folded[key] = announcement
        folded_ids = {announcement.pk for announcement in self.folded.values()}
        self.announcement_rows = [a for a in deck.announcements if a.pk not in folded_ids]
        self.hot_topic_talks = self._hot_topic_talks()
        self.agenda_has_times = any(item.start_time for item in deck.agenda)
        # What each agenda slide prints of an item, worked out once for all of them.
        self.agenda_lines = {
            item.pk: {"time": nice_time(item.start_time), "byline": byline(item.deck_speakers)} for item in deck.agenda
        }

    def _hot_topic_talks(self):
        """Hot-topics talks in agenda order, then the others by creation."""
        order = {item.talk_id: index for index, item in enumerate(self.deck.agenda) if item.talk_id}
        talks = [talk for talk in self.deck.talks if talk.kind == Talk.Kind.HOT_TOPICS]
        return sorted(talks, key=lambda talk: (order.get(talk.pk, len(order)), talk.pk))

    # --- one method per section; each returns a list of slides ------------------

    def title(self):
        edition = self.deck.edition
        return [
            Slide(
                "title",
                edition.display_title,
                Section.TITLE,
                {
                    "date": format_date(edition.start_date, "j F Y"),
                    "hashtag": self.deck.site_profile.hashtag,
                    "host": self.deck.host.organisation if self.deck.host else None,
                },
                dark=True,
            )
        ]

    def organizers(self):
        if not self.deck.organizers:
            return []
        return [Slide("organizers", "The Organizers", Section.ORGANIZERS, {"people": self.deck.organizers})]

    def agenda(self, blocks, number):
        """"Topics for Today" before block `number`: earlier blocks done, this one highlighted
        (its first item is next), later ones to come."""
        rows = []
        for index, block in enumerate(blocks):
            state = "done" if index < number else "next" if index == number else "later"
            for position, item in enumerate(block):
                rows.append(
                    {
                        "item": item,
                        "state": state,
                        "is_next": index == number and position == 0,
                        "is_aside": item.kind in ASIDE_KINDS,
                        "speakers": item.deck_speakers,
                        **self.agenda_lines[item.pk],
                    }
                )
        first = blocks[number][0]
        return Slide(
            "agenda",
            f"Topics for Today – next: {first.title}",
            Section.AGENDA,
            {"rows": rows, "block": number + 1, "blocks": len(blocks), "has_times": self.agenda_has_times},
        )

    def host(self, item=None):
        host = self.deck.host
        if host is None and item is None:
            return []
        organisation = host.organisation if host else None
        name = organisation.name if organisation else ""
        return [
            Slide(
                "host",
                f"Our host: {name}" if name else item.title,
                Section.HOST,
                {
                    "organisation": organisation,
                    "presentation": item.title if item else (host.note if host else ""),
                    "byline": byline(item.deck_speakers) if item else "",
                },
            )
        ]

    def announcements(self):
        slides = []
        for announcement in self.announcement_rows:
            data = {"announcement": announcement}
            if announcement.link:
                data["qr"] = qr_svg(announcement.link, f"QR code: {announcement.link}")
            slides.append(Slide("announcement", announcement.title, Section.ANNOUNCEMENTS, data))
        return slides

    def archive(self):
        profile = self.deck.site_profile
        short = _short_name(profile)
        slides = []
        github = self.folded.get("github")
        if profile.github_url or self.deck.archive:
            data = {
                "url": profile.github_url,
                "body": github.body if github else "",
                # As the table prints them ("Y-m-d" is the ISO date).
                "rows": [
                    {
                        "code": row["code"],
                        "date": row["start_date"].isoformat(),
                        "place": row["venue__name"] or "",
                        "topic": row["topic"],
                    }
                    for row in self.deck.archive
                ],
            }
            if profile.github_url:
                data["qr"] = qr_svg(profile.github_url, f"QR code: {profile.github_url}")
                title = github.title if github else f"{short} on GitHub"
            else:
                title = "Past meetups"
            slides.append(Slide("archive", title, Section.ARCHIVE, data))
        if profile.youtube_url:
            youtube = self.folded.get("youtube")
            slides.append(
                Slide(
                    "youtube",
                    youtube.title if youtube else f"{short} on YouTube",
                    Section.ARCHIVE,
                    {
                        "url": profile.youtube_url,
                        "body": youtube.body if youtube else "",
                        "qr": qr_svg(profile.youtube_url, f"QR code: {profile.youtube_url}"),
                    },
                )
            )
        return slides

    def stats(self):
        stats = self.deck.stats
        # A zero is no news to announce ("0 workshops"): only what the group has done shows.
        figures = [
            (value, label)
            for value, label in (
                (stats["members"], "members"),
                (stats["meetups"], pluralize(stats["meetups"], "meetup,meetups")),
                (stats["workshops"], pluralize(stats["workshops"], "workshop,workshops")),
            )
            if value
        ]
        if not figures:
            return []
        name = self.deck.site_profile.group_name
        return [Slide("stats", f"{name} in numbers", Section.STATS, {"figures": figures, "name": name})]

    def raffles(self):
        slides = []
        for raffle in self.deck.raffles:
            url = self.deck.absolute_url(raffle.get_absolute_url())
            slides.append(
                Slide(
                    "raffle",
                    f"Raffle: {raffle.title}",
                    Section.RAFFLES,
                    {"raffle": raffle, "url": url, "qr": qr_svg(url, f"QR code: {url}")},
                )
            )
        return slides

    def jobs(self):
        slides = []
        for job_ad in self.deck.job_ads:
            grouped = {section: [] for section in JobAdItem.Section}
            for item in job_ad.deck_items:
                grouped[item.section].append(item.text)
            columns = [
                {
                    "heading": f"{len(items)} {pluralize(len(items), 'thing,things')} {JOB_SECTION_PHRASES[section]}",
                    "items": [markdown_inline(text) for text in items],  # sanitized HTML
                }
                for section, items in grouped.items()
                if items
            ]
            slides.append(
                Slide(
                    "job",
                    f"{job_ad.title} at {job_ad.organisation.name}",
                    Section.JOBS,
                    {
                        "job_ad": job_ad,
                        "columns": columns,
                        "qr": qr_svg(job_ad.apply_url, f"QR code: {job_ad.apply_url}"),
                    },
                )
            )
        return slides

    def hot_topics(self, item=None):
        if not self.hot_topic_talks and item is None:
            return []
        slides = [
            Slide(
                "hot_topics",
                "Hot Topics & Latest News",
                Section.HOT_TOPICS,
                {"contact_email": self.deck.site_profile.contact_email},
                dark=True,
            )
        ]
        for talk in self.hot_topic_talks:
            data = {"talk": talk, "byline": byline(talk.deck_speakers)}
            slides.append(Slide("hot_topic", talk.title, Section.HOT_TOPICS, data))
        return slides

    def sources(self):
        sources = [source for talk in self.hot_topic_talks for source in talk.deck_sources]
        chunks = [sources[start : start + SOURCES_PER_SLIDE] for start in range(0, len(sources), SOURCES_PER_SLIDE)]
        return [
            Slide(
                "sources",
                "Sources" if len(chunks) == 1 else f"Sources ({number}/{len(chunks)})",
                Section.SOURCES,
                {"sources": chunk, "start": (number - 1) * SOURCES_PER_SLIDE + 1},
            )
            for number, chunk in enumerate(chunks, start=1)
        ]

    def attendance(self):
        """Tonight in numbers, near the end: the figures as the deck is loaded; decks/deck.js keeps them current."""
        figures = self.deck.attendance
        if figures is None:
            return []
        edition = self.deck.edition
        data = {
            "figures": [(key, figures[key], label) for key, label in ATTENDANCE_LABELS],
            "url": reverse("rsvps:attendance", args=[edition.code.lower()]),
        }
        return [Slide("attendance", "Tonight in numbers", Section.ATTENDANCE, data)]

    def next_meetup(self):
        following = self.deck.next_edition
        url = self.deck.site_profile.meetup_url
        data = {"edition": following, "url": url}
        if url:
            data["qr"] = qr_svg(url, f"QR code: {url}")
        if following is None:
            when_and_where = "stay tuned"
        else:
            current = self.deck.edition
            date_format = "j F" if following.start_date.year == current.start_date.year else "j F Y"
            when_and_where = format_date(following.start_date, date_format)
            host = self.deck.next_host
            place = host if host is not None else (following.venue.name if following.venue else "")
            if place:
                when_and_where += f" at {place}"
        data.update(heading_lead="Next Meetup:", heading_rest=when_and_where)
        return [Slide("next_meetup", f"Next Meetup: {when_and_where}", Section.NEXT_MEETUP, data, dark=True)]

    def free(self, deck_slide):
        return Slide("free", deck_slide.title, "free", {"slide": deck_slide})

    # --- the order -----------------------------------------------------------------

    def build(self):
        deck = self.deck
        free = defaultdict(list)
        for deck_slide in deck.free_slides:
            free[deck_slide.placement].append(self.free(deck_slide))
        host_item = next((i for i in deck.agenda if i.kind == AgendaItem.Kind.HOST_PRESENTATION), None)
        hot_topics_item = next((i for i in deck.agenda if i.kind == AgendaItem.Kind.HOT_TOPICS), None)
        makers = {
            Section.TITLE: self.title,
            Section.ORGANIZERS: self.organizers,
            Section.HOST: lambda: self.host(host_item),
            Section.ANNOUNCEMENTS: self.announcements,
            Section.ARCHIVE: self.archive,
            Section.STATS: self.stats,
            Section.RAFFLES: self.raffles,
            Section.JOBS: self.jobs,
            Section.HOT_TOPICS: lambda: self.hot_topics(hot_topics_item),
            Section.SOURCES: self.sources,
            Section.ATTENDANCE: self.attendance,
            Section.NEXT_MEETUP: self.next_meetup,
        }
        # Only the shown sections are built: a skipped one costs no QR code.
        shown = {section: maker() for section, maker in makers.items() if self.settings.includes(section)}
        slides = list(free[DeckSlide.Placement.START])

        def place(section):
            if section == Section.ANNOUNCEMENTS:
                slides.extend(self.announcements_divider(shown))
            slides.extend(shown.get(section, []))
            slides.extend(free[section])

        place(Section.TITLE)
        place(Section.ORGANIZERS)
        blocks = agenda_blocks(deck.agenda)
        placed = set()
        for number, block in enumerate(blocks):
            if self.settings.includes(Section.AGENDA):
                slides.append(self.agenda(blocks, number))
            due = [Section.HOST] if number == 0 and host_item is None else []
            for item in block:
                due.extend(ITEM_SECTIONS.get(item.kind, []))
            for section in due:
                if section not in placed:
                    placed.add(section)
                    place(section)
        for section in BLOCK_SECTIONS:
            if section not in placed:
                place(section)
        place(Section.ATTENDANCE)
        place(Section.NEXT_MEETUP)
        return slides

    def announcements_divider(self, shown):
        """"Announcements" listing what is coming, when the announcements are shown and have something to say."""
        if Section.ANNOUNCEMENTS not in shown:
            return []
        coming = [slide.title for section in ANNOUNCEMENT_GROUP for slide in shown.get(section, [])]
        if not coming:
            return []
        return [Slide("divider", "Announcements", Section.ANNOUNCEMENTS, {"coming": coming}, dark=True)]


def build_slides(deck):
    """The slides of a deck (decks.queries.DeckData), in presentation order.

    1. free slides placed "at the very start";
    2. title (ordinal and name, date, hashtag, host logo) and the organizers;
    3. for each agenda block (see agenda_blocks): "Topics for Today" with the
       block highlighted and the earlier ones greyed, then the slides of the
       block's items — the host slot (in the first block when the agenda has no
       host presentation item), the announcements group (announcements, archive
       plug, group stats, raffles, job ads) and the hot topics (intro, one slide
       per talk, sources);
    4. the sections whose agenda item is missing, in that same order;
    5. tonight in numbers (RSVPs, check-ins), when the organizers ask for it;
    6. the next meetup.
    Skipped sections (DeckSettings) leave no slide; free slides follow the
    section they are placed after, whether or not it is shown.
    """
    slides = _DeckBuilder(deck).build()
    count = len(slides)
    for number, slide in enumerate(slides, start=1):
        slide.css_class = f"slide slide-{slide.kind} slide-dark" if slide.dark else f"slide slide-{slide.kind}"
        slide.number = str(number)
        slide.counter = f"{number} / {count}"
        slide.label = f"{number} of {count}: {slide.title}"
    return slides
