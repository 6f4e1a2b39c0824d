"""The facts the archive's files state, before they are merged: what each table row and
each edition README says about editions and talks, and where it says it; and the small
helpers every reader of a file shares.

Nothing here touches the database; doubts go to the report with file and line.
"""

import re
from dataclasses import dataclass, field

from meetups.models import AgendaItem, Edition
from talks.models import Talk

from . import text as t

# How much a source is trusted when two disagree: the edition's own README knows its
# edition best, the Meetups table knows editions better than a talk row does.
TALK_ROW = 1
EDITION_ROW = 2
EDITION_README = 3

CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
VIDEO_HOST_RE = re.compile(r"youtu\.?be|vimeo\.com", re.IGNORECASE)


@dataclass
class EditionFacts:
    """What one source says about one edition; `values` holds only what it does say."""

    code: str | None
    where: str
    priority: int
    values: dict = field(default_factory=dict)
    # An edition README's invitation as [(index of the first line, [lines])], for talks that other
    # files name but the README only describes in prose (meetups.archive.checks.prose_abstracts).
    paragraphs: list = field(default_factory=list)


@dataclass
class TalkFacts:
    """What one source says about one talk. `speakers` is None when the source names nobody."""

    code: str | None
    title: str
    where: str
    priority: int
    speakers: list | None = None
    values: dict = field(default_factory=dict)
    bios: dict = field(default_factory=dict)
    readme: EditionFacts | None = None
    number: int | None = None  # "Talk 2" in an edition README: its details may refer to it by number


@dataclass
class Parsed:
    editions: list = field(default_factory=list)
    talks: list = field(default_factory=list)


def infer_kind(title, abstract=""):
    """A talk kind the archive states outright ("lightning talk", "Report from …", "Tutorial"); else None."""
    lowered = title.lower()
    if "lightning talk" in lowered or "lightning talk" in (abstract or "").lower():
        return Talk.Kind.LIGHTNING
    if re.match(r"^(report|recap)\b", lowered) or "conference report" in lowered:
        return Talk.Kind.CONFERENCE_REPORT
    if re.search(r"\btutorial\b", lowered):
        return Talk.Kind.TUTORIAL
    if re.search(r"\bhot topics?\b|\blatest news\b", lowered):
        return Talk.Kind.HOT_TOPICS
    return None


def is_number(code):
    """ASCII digits that fit the number column ('²' is a digit to str.isdigit, not to int)."""
    return bool(re.fullmatch(r"[0-9]{1,9}", code))


def code_values(code):
    """Number and kind that follow from a code: '32' is meetup number 32, 'AI' a special event."""
    if is_number(code):
        return {"number": int(code), "kind": Edition.Kind.MEETUP}
    return {"kind": Edition.Kind.SPECIAL}


@dataclass
class Context:
    document: object
    report: object
    summary: object
    parsed: Parsed
    default_code: str | None = None
    folder: str = ""

    def where(self, line_index):
        return f"{self.document.name}:{line_index + 1}"


def clean_code(raw):
    code = t.collapse(raw).lstrip("#").strip()
    return str(int(code)) if is_number(code) else code


def check_folder(report, where, code, url, what):
    folder_code = t.edition_folder_code(t.archive_path(url))
    if folder_code and code and folder_code.lower() != code.lower():
        report.warn(where, f"#{code}: the {what} point into Meetup_{folder_code}'s folder, not Meetup_{code}'s: {url}")


def check_details_folder(report, where, code, url):
    path = t.archive_path(url)
    folder_code = t.edition_folder_code(path)
    if folder_code is None:
        report.warn(
            where,
            f"#{code}: the details folder '{path}' is not imported; the site keeps no archive folder per edition "
            "(exports link numbered editions to Meetups/Meetup_N/)",
        )
    elif folder_code.lower() != code.lower():
        report.warn(where, f"#{code}: the details link points to Meetup_{folder_code}'s folder, not Meetup_{code}'s")


# --- Edition READMEs ---------------------------------------------------------

BULLET_RE = re.compile(r"^\s*[*-]\s*(?P<label>[^:]{1,60}?)\s*:\s*(?P<value>.*)$")
TIMED_RE = re.compile(
    r"^\s*(?:[*-]\s+)?(?P<start>\d{1,2}[:.]\d{2})(?:\s*(?:-|–|—|to)\s*(?P<end>\d{1,2}[:.]\d{2}))?"
    r"\s*(?:[-–—:|]\s*)?(?P<title>\S.*)$"
)
UNTIMED_RE = re.compile(r"^\s*(?:[*-]\s+)?::\s*(?P<title>.+?)\s*::\s*$")
QUOTES = "\"“”„'‘’«»"


def agenda_kind(title):
    """The agenda kind a line's words state; OTHER when they state none."""
    lowered = title.lower()
    rules = [
        (r"\bhost\b", AgendaItem.Kind.HOST_PRESENTATION),
        (r"hot topics?|latest news", AgendaItem.Kind.HOT_TOPICS),
        (r"announcement", AgendaItem.Kind.ANNOUNCEMENTS),
        (r"\bbreak\b", AgendaItem.Kind.BREAK),
        (r"welcome|\bintro(duction)?\b", AgendaItem.Kind.WELCOME),
        (r"networking|discussion|drinks", AgendaItem.Kind.NETWORKING),
        (r"\breport\b|\brecap\b", AgendaItem.Kind.CONFERENCE_REPORT),
    ]
    for pattern, kind in rules:
        if re.search(pattern, lowered):
            return kind
    return AgendaItem.Kind.OTHER


def folder_of_readme(path, code):
    posix = path.as_posix()
    match = re.search(r"(?:^|/)(Meetups/[^/]+)/[^/]*readme[^/]*\.md$", posix, re.IGNORECASE)
    if match:
        return match[1] + "/"
    match = re.search(r"(?:^|/)(Meetup_[A-Za-z0-9-]+)-README[^/]*\.md$", posix, re.IGNORECASE)
    if match:
        return f"Meetups/{match[1]}/"
    return f"Meetups/Meetup_{code}/" if code else ""


def code_of_path(path):
    """"32" of Meetups/Meetup_32/README.md, Meetup_32-README.md, and the first layout's "32. Meetup/README.md"."""
    posix = path.as_posix()
    match = re.search(r"Meetup_([A-Za-z0-9-]+)(?:/[^/]*|-README[^/]*)$", posix, re.IGNORECASE) or re.search(
        r"(?:^|/)([0-9]{1,6})\.\s*Meetup/[^/]*$", posix, re.IGNORECASE
    )
    return clean_code(match[1]) if match else None


def split_paragraphs(lines, first_index):
    """[(index of the first line, [lines])] of the blank-line separated paragraphs."""
    paragraphs, current, start = [], [], None
    for offset, line in enumerate(lines):
        if line.strip():
            if not current:
                start = first_index + offset
            current.append(line.rstrip())
        elif current:
            paragraphs.append((start, current))
            current = []
    if current:
        paragraphs.append((start, current))
    return paragraphs
