"""Reading the archive's markdown into facts: what each table row and each edition
README says about editions and talks, and where it says it.

Three shapes are understood, recognised by their content rather than their file name:

- a "Meetups" table `# | Date | Venue | Topic | Content | Video | Photos | Meetup.com`
  (the 2019 root README), one row per edition;
- a talks table `Date | MU# | Speaker | Topic | Slides` (2019) or
  `Date | # | Speaker | Topic | Slides | Details` (today), one row per talk, where the
  speaker `VDLM` marks the organizers' intro slides;
- an edition README (`# 32nd Deep Learning Meetup in Vienna` with `* Date:` lines),
  with talks as `**Talk N: title**` blocks or a timed agenda in the invitation text.

Nothing here touches the database; doubts go to the report with file and line.
"""

import datetime
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

_COLUMNS = {
    "#": "code",
    "mu#": "code",
    "mu": "code",
    "nr": "code",
    "nr.": "code",
    "no": "code",
    "no.": "code",
    "number": "code",
    "edition": "code",
    "date": "date",
    "when": "date",
    "venue": "venue",
    "location": "venue",
    "where": "venue",
    "topic": "topic",
    "title": "topic",
    "talk": "topic",
    "content": "details",
    "details": "details",
    "more": "details",
    "video": "video",
    "videos": "video",
    "recording": "video",
    "photos": "photos",
    "pictures": "photos",
    "meetup.com": "meetup",
    "meetup": "meetup",
    "meetup page": "meetup",
    "speaker": "speaker",
    "speakers": "speaker",
    "presenter": "speaker",
    "slides": "slides",
    "pdf": "slides",
}
_CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
_VIDEO_HOST_RE = re.compile(r"youtu\.?be|vimeo\.com", re.IGNORECASE)


@dataclass
class EditionFacts:
    """What one source says about one edition; `values` holds only what it does say."""

    code: str | None
    where: str
    priority: int
    values: dict = field(default_factory=dict)


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


def parse_document(document, report):
    """All facts of one README; file-level problems go to the report."""
    summary = report.file(document.name)
    lines = document.text.split("\n")
    parsed = Parsed()
    context = _Context(document, report, summary, parsed)
    kinds = []
    if _is_edition_readme(lines):
        readme = _EditionReadme(context, lines).parse()
        context.default_code = readme.code
        kinds.append(f"edition README (#{readme.code})" if readme.code else "edition README")
    for start, block in _blocks(lines):
        kind = _Table(context, start, block).parse()
        if kind:
            kinds.append(kind)
    summary.read_as = ", ".join(kinds)
    if not kinds:
        report.error(
            document.name,
            "no archive content: no Meetups table ('| # | Date | Venue | …'), no talks table "
            "('| Date | # | Speaker | Topic | …') and not an edition README ('# 32nd … Meetup' with a '* Date:' line)",
        )
    return parsed


@dataclass
class _Context:
    document: object
    report: object
    summary: object
    parsed: Parsed
    default_code: str | None = None
    folder: str = ""

    def where(self, line_index):
        return f"{self.document.name}:{line_index + 1}"


def _is_edition_readme(lines):
    has_heading = any(re.match(r"^#\s+\S", line) for line in lines[:5])
    has_date = any(re.match(r"^\s*[*-]\s*Date\s*:", line, re.IGNORECASE) for line in lines[:40])
    return has_heading and has_date


def _blocks(lines):
    """(index of the first line, lines) of each run of lines that starts with a pipe."""
    index = 0
    while index < len(lines):
        if lines[index].lstrip().startswith("|"):
            start = index
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                index += 1
            yield start, lines[start:index]
        else:
            index += 1


def _clean_code(raw):
    code = t.collapse(raw).lstrip("#").strip()
    return str(int(code)) if is_number(code) else code


class _Table:
    """One markdown table: which kind it is, and every row of it as facts or a report entry."""

    def __init__(self, context, start, block):
        self.c = context
        self.start = start
        self.block = block

    def parse(self):
        c = self.c
        header = t.split_row(self.block[0])
        if len(self.block) < 2 or not t.is_separator(t.split_row(self.block[1])):
            c.report.warn(
                c.where(self.start),
                f"lines {self.start + 1}–{self.start + len(self.block)} look like a table but have no "
                "header separator line ('| --- | --- |'); not imported",
            )
            return None
        self.columns = []
        for cell in header:
            column = _COLUMNS.get(t.collapse(cell).strip("*_ ").lower())
            self.columns.append(column if column not in self.columns else None)
        rows = [(self.start + 2 + offset, line) for offset, line in enumerate(self.block[2:])]
        if "speaker" in self.columns and "topic" in self.columns:
            handler, kind = self._talk_row, "talks table"
        elif {"code", "date", "venue"} <= set(self.columns):
            handler, kind = self._edition_row, "Meetups table"
        else:
            data_rows = [line for _, line in rows if any(t.split_row(line))]
            shown = ", ".join(f"'{t.collapse(cell)}'" for cell in header)
            c.report.warn(
                c.where(self.start),
                f"the table with columns {shown} is not a Meetups or talks table; its {len(data_rows)} rows "
                "were not imported",
            )
            return None
        for index, line in rows:
            cells = t.split_row(line)
            if not any(cells):
                continue  # the current layout's spacer row under the header
            c.summary.rows += 1
            where = c.where(index)
            if all(not cell or t.is_placeholder(cell) for cell in cells):
                c.report.skip(where, f"placeholder row ('{t.collapse(line)}'), nothing to import")
                imported = False
            else:
                imported = handler(self._values(cells, header, where), where)
            if imported:
                c.summary.imported += 1
            else:
                c.summary.skipped += 1
        return kind

    def _values(self, cells, header, where):
        if len(cells) < len(header):
            self.c.report.warn(
                where,
                f"the row has {len(cells)} cells, the header {len(header)}; the missing "
                f"{', '.join(repr(h) for h in header[len(cells) :])} read as empty",
            )
        elif len(cells) > len(header):
            extra = [cell for cell in cells[len(header) :] if cell]
            if extra:
                self.c.report.warn(
                    where,
                    f"the row has {len(cells)} cells, the header {len(header)}; extra cells not imported: "
                    + ", ".join(f"'{cell}'" for cell in extra),
                )
        values = {}
        for column, cell in zip(self.columns, cells, strict=False):
            if column:
                values[column] = cell
        return values

    def _code(self, values, where):
        raw = values.get("code", "")
        code = _clean_code(raw) if raw and not t.is_placeholder(raw) else self.c.default_code
        if not code:
            self.c.report.skip(where, "no edition number or code in the # column")
            return None
        if not _CODE_RE.match(code) or len(code) > 20 or (code.isdigit() and not is_number(code)):
            self.c.report.skip(where, f"'{raw}' is not an edition code (letters, digits and dashes, like 32 or AI)")
            return None
        return code

    def _dates(self, values, where, code):
        raw = values.get("date", "")
        if not raw or t.is_placeholder(raw):
            return {}
        try:
            start, end = t.parse_dates(raw)
        except ValueError as error:
            self.c.report.warn(where, f"#{code}: {error}; the date was not imported")
            return {}
        return {"start_date": start, "end_date": end}

    def _edition(self, code, where, priority, values):
        facts = EditionFacts(code, where, priority, {**code_values(code), **values})
        self.c.parsed.editions.append(facts)
        return facts

    def _link(self, cell, code, where, what):
        """The absolute URL of the one link a Slides-like cell holds, or None with a warning why."""
        target, label = t.cell_link(cell)
        if not target:
            if label and t.is_placeholder(label):
                self.c.report.warn(where, f"#{code}: {what} say '{label}'; imported without {what}")
            elif label:
                self.c.report.warn(where, f"#{code}: {what} cell '{label}' holds no link; imported without {what}")
            return None
        if t.is_placeholder(target):
            self.c.report.warn(where, f"#{code}: {what} link says '{target}'; imported without {what}")
            return None
        url = t.absolute_url(target, self.c.folder)
        if url is None:
            self.c.report.warn(
                where, f"#{code}: {what} link '{target}' is neither a web link nor a file in the archive; not imported"
            )
            return None
        others = t.links(cell)[1:]
        if others:
            dropped = ", ".join(f"'{other}'" for _, other in others)
            self.c.report.warn(
                where, f"#{code}: more than one link for {what}; kept the first, not imported: {dropped}"
            )
        _check_folder(self.c.report, where, code, url, what)
        return url

    def _details(self, cell, code, where):
        """Video links of a Details cell; the details link itself is checked, not stored."""
        videos = []
        found = t.links(cell)
        if not found and cell and not t.is_placeholder(cell):
            self.c.report.warn(where, f"#{code}: '{cell}' in the Details column is not a link; not imported")
        for label, target in found:
            url = t.absolute_url(target, self.c.folder)
            if url is None:
                self.c.report.warn(where, f"#{code}: link '{target}' in the Details column is broken; not imported")
            elif label.lower().startswith(("video", "youtube", "recording")) or _VIDEO_HOST_RE.search(url):
                videos.append(url)
            elif t.archive_path(url) is not None:
                _check_details_folder(self.c.report, where, code, url)
            else:
                self.c.report.warn(where, f"#{code}: link [{label}]({target}) in the Details column not imported")
        if len(videos) > 1:
            self.c.report.warn(
                where, f"#{code}: more than one video; kept the first, not imported: {', '.join(videos[1:])}"
            )
        return videos[0] if videos else None

    def _talk_row(self, values, where):
        code = self._code(values, where)
        if code is None:
            return False
        edition_values = self._dates(values, where, code)
        speaker_cell = values.get("speaker", "")
        if t.is_intro_speaker(speaker_cell):
            intro = self._link(values.get("slides", ""), code, where, "intro slides")
            video = self._details(values.get("details", ""), code, where)
            self._edition(code, where, TALK_ROW, {**edition_values, "intro_slides_url": intro, "video_url": video})
            return True
        title = t.collapse(values.get("topic", ""))
        if not title or t.is_placeholder(title):
            self.c.report.skip(where, f"#{code}: no talk title in the Topic column (speaker '{speaker_cell}')")
            return False
        self._edition(code, where, TALK_ROW, edition_values)
        speakers, doubts = t.split_speakers(speaker_cell)
        for doubt in doubts:
            self.c.report.warn(where, f"#{code}: speakers {doubt}")
        if not speakers:
            self.c.report.warn(where, f"#{code}: '{title}' names no speaker; imported without one")
        talk_values = {
            "slides_url": self._link(values.get("slides", ""), code, where, "slides"),
            "video_url": self._details(values.get("details", ""), code, where),
            "kind": infer_kind(title),
        }
        self.c.parsed.talks.append(TalkFacts(code, title, where, TALK_ROW, speakers or None, talk_values))
        return True

    def _edition_row(self, values, where):
        code = self._code(values, where)
        if code is None:
            return False
        edition_values = self._dates(values, where, code)
        venue = t.collapse(values.get("venue", ""))
        if venue and not t.is_placeholder(venue):
            edition_values["venue"] = venue
        topic = t.collapse(values.get("topic", ""))
        if topic and not t.is_placeholder(topic):
            edition_values["topic"] = topic
            if not is_number(code):
                edition_values["title"] = topic
        meetup = self._single_link(values.get("meetup", ""), code, where, "Meetup.com")
        if meetup:
            meetup = t.normalise_meetup_url(meetup)
            if not t.MEETUP_LOCALE_RE.match(meetup):
                self.c.report.warn(where, f"#{code}: the Meetup.com column links to {meetup}; stored as the event page")
            edition_values["meetup_url"] = meetup
        edition_values["video_url"] = self._single_link(values.get("video", ""), code, where, "Video")
        edition_values["photos_url"] = self._single_link(values.get("photos", ""), code, where, "Photos")
        for label, target in t.links(values.get("details", "")):
            url = t.absolute_url(target, self.c.folder)
            if url and t.archive_path(url) is not None:
                _check_details_folder(self.c.report, where, code, url)
            elif not url or t.normalise_meetup_url(url) != meetup:
                self.c.report.warn(where, f"#{code}: Content link [{label}]({target}) not imported")
        self._edition(code, where, EDITION_ROW, edition_values)
        return True

    def _single_link(self, cell, code, where, column):
        found = t.links(cell)
        if not found:
            if cell and not t.is_placeholder(cell):
                self.c.report.warn(where, f"#{code}: '{cell}' in the {column} column is not a link; not imported")
            elif cell:
                self.c.report.warn(where, f"#{code}: the {column} column says '{cell}'; nothing imported")
            return None
        url = t.absolute_url(found[0][1], self.c.folder)
        if url is None:
            self.c.report.warn(where, f"#{code}: the {column} link '{found[0][1]}' is broken; not imported")
        if len(found) > 1:
            dropped = ", ".join(target for _, target in found[1:])
            self.c.report.warn(
                where, f"#{code}: {len(found)} links in the {column} column; kept the first, not imported: {dropped}"
            )
        return url


def _check_folder(report, where, code, url, what):
    folder_code = t.edition_folder_code(t.archive_path(url))
    if folder_code and code and folder_code.lower() != code.lower():
        report.warn(where, f"#{code}: the {what} point into Meetup_{folder_code}'s folder, not Meetup_{code}'s: {url}")


def _check_details_folder(report, where, code, url):
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

_BULLET_RE = re.compile(r"^\s*[*-]\s*(?P<label>[^:]{1,60}?)\s*:\s*(?P<value>.*)$")
_TIMED_RE = re.compile(
    r"^\s*(?:[*-]\s+)?(?P<start>\d{1,2}[:.]\d{2})(?:\s*(?:-|–|—|to)\s*(?P<end>\d{1,2}[:.]\d{2}))?"
    r"\s*(?:[-–—:|]\s*)?(?P<title>\S.*)$"
)
_UNTIMED_RE = re.compile(r"^\s*(?:[*-]\s+)?::\s*(?P<title>.+?)\s*::\s*$")
_QUOTES = "\"“”„'‘’«»"


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


def _readme_folder(path, code):
    posix = path.as_posix()
    match = re.search(r"(?:^|/)(Meetups/[^/]+)/[^/]*readme[^/]*\.md$", posix, re.IGNORECASE)
    if match:
        return match[1] + "/"
    match = re.search(r"(?:^|/)(Meetup_[A-Za-z0-9-]+)-README[^/]*\.md$", posix, re.IGNORECASE)
    if match:
        return f"Meetups/{match[1]}/"
    return f"Meetups/Meetup_{code}/" if code else ""


def _path_code(path):
    match = re.search(r"Meetup_([A-Za-z0-9-]+)(?:/[^/]*|-README[^/]*)$", path.as_posix(), re.IGNORECASE)
    return _clean_code(match[1]) if match else None


def _paragraphs(lines, first_index):
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


class _EditionReadme:
    """Meetups/Meetup_N/README.md: bullets, intro slides, invitation, talks, agenda."""

    def __init__(self, context, lines):
        self.c = context
        self.lines = lines
        self.facts = None

    def parse(self):
        c = self.c
        heading_index = next(i for i, line in enumerate(self.lines) if re.match(r"^#\s+\S", line))
        heading = self.lines[heading_index].lstrip("#").strip()
        number = re.search(r"\b([0-9]{1,6})\s*(?:st|nd|rd|th)\b", heading)
        path_code = _path_code(c.document.path)
        code = str(int(number[1])) if number else path_code
        where = c.where(heading_index)
        if number and path_code and path_code.lower() != code.lower():
            c.report.warn(where, f"the heading says #{code}, the file name Meetup_{path_code}; read as #{code}")
        c.folder = _readme_folder(c.document.path, code)
        values = {}
        if code:
            values.update(code_values(code))
        if "workshop" in heading.lower():
            values["kind"] = Edition.Kind.WORKSHOP
        if ":" in heading:
            values["topic"] = heading.split(":", 1)[1].strip()
        self.facts = EditionFacts(code, where, EDITION_README, values)
        self.code = code or "?"
        body_index = self._bullets(heading_index + 1)
        self._details(body_index)
        c.parsed.editions.append(self.facts)
        return self.facts

    def _bullets(self, index):
        """Read the '* Date:' block; returns the index where the details start."""
        c, values = self.c, self.facts.values
        while index < len(self.lines) and not self.lines[index].startswith("## "):
            line = self.lines[index]
            where = c.where(index)
            match = _BULLET_RE.match(line)
            if not line.strip():
                index += 1
                continue
            if not match:
                c.report.warn(where, f"#{self.code}: line not imported: '{t.collapse(line)}'")
                index += 1
                continue
            label, value = match["label"].lower(), match["value"].strip()
            if not value and index + 1 < len(self.lines) and self.lines[index + 1].strip().startswith("["):
                index += 1
                value = self.lines[index].strip()
            if label == "date":
                try:
                    values["start_date"], values["end_date"] = t.parse_dates(value)
                except ValueError as error:
                    c.report.warn(where, f"#{self.code}: {error}; the date was not imported")
            elif label in ("venue", "location", "where"):
                values["venue"] = t.collapse(value)
            elif label in ("host", "hosted by"):
                values["host"] = t.collapse(value)
            elif label.startswith("meetup") or label in ("event", "event page"):
                found = t.links(value)
                url = t.absolute_url(found[0][1]) if found else None
                if url:
                    values["meetup_url"] = t.normalise_meetup_url(url)
                else:
                    c.report.warn(where, f"#{self.code}: meetup page '{value}' is not a link; not imported")
            elif label == "time":
                times = re.findall(r"\d{1,2}[:.]\d{2}", value)
                if times:
                    values["start_time"] = t.parse_time(times[0])
                if len(times) > 1:
                    values["end_time"] = t.parse_time(times[1])
            elif label in ("video", "youtube", "recording", "photos"):
                found = t.links(value)
                url = t.absolute_url(found[0][1], c.folder) if found else None
                values["photos_url" if label == "photos" else "video_url"] = url
            elif re.search(r"agenda|intro|announcement|slides", label):
                found = t.links(value)
                url = t.absolute_url(found[0][1], c.folder) if found else None
                if url:
                    values["intro_slides_url"] = url
                    _check_folder(c.report, where, self.code, url, "intro slides")
                else:
                    c.report.warn(where, f"#{self.code}: '{t.collapse(line)}' has no slides link; not imported")
            else:
                c.report.warn(where, f"#{self.code}: line not imported: '{t.collapse(line)}'")
            index += 1
        return index

    def _details(self, index):
        c = self.c
        if index < len(self.lines) and self.lines[index].startswith("## "):
            index += 1
        paragraphs = _paragraphs(self.lines[index:], index)
        talks, invitation = self._talk_blocks(paragraphs)
        agenda_talks = self._agenda(paragraphs, talks)
        if talks:
            self.facts.values["description"] = "\n\n".join("\n".join(lines) for _, lines in invitation)
        else:
            self.facts.values["description"] = "\n\n".join("\n".join(lines) for _, lines in paragraphs)
            self._prose_abstracts(paragraphs, agenda_talks)
        for talk in talks + agenda_talks:
            if talk.values.get("kind") is None:
                talk.values["kind"] = infer_kind(talk.title, talk.values.get("abstract", ""))
            c.parsed.talks.append(talk)

    def _talk_blocks(self, paragraphs):
        """Talks written as '**Talk 1: title**' / 'by Speaker, Affiliation' / slides / abstract / bio."""
        talks, invitation = [], []
        current, after_bio = None, False
        for index, lines in paragraphs:
            text = "\n".join(lines)
            head = re.match(r"^(?:\*\*(?P<bold>.*?)\*\*|#{2,4}\s*(?P<heading>[^\n]*))(?P<rest>.*)$", text, re.S)
            name = t.collapse((head["bold"] if head["bold"] is not None else head["heading"]) or "") if head else ""
            talk_head = re.match(r"^Talk\b\s*\d*\s*[:.–-]?\s*(?P<title>.*)$", name, re.IGNORECASE)
            if talk_head:
                current, after_bio = self._talk_head(index, talk_head["title"], head["rest"]), False
                talks.append(current)
                continue
            # Only a line that is bold from end to end is a section heading; bold inside prose is prose.
            if re.fullmatch(r"\*\*[^*]+\*\*:?", lines[0].strip()):
                current = None
                rest = self._section(index, name, "\n".join(lines[1:]))
                if rest:
                    invitation.append((index, rest))
                continue
            if current is None or after_bio:
                invitation.append((index, lines))
                continue
            speaker = next((name for name, _ in current.speakers or [] if text.startswith(name)), None)
            if speaker and "abstract" in current.values:
                current.bios[speaker] = text
                after_bio = True
            elif "abstract" in current.values:
                current.values["abstract"] += "\n\n" + text
            else:
                current.values["abstract"] = text
        return talks, invitation

    def _talk_head(self, index, title, rest):
        c = self.c
        where = c.where(index)
        title = t.collapse(title)
        speakers, slides, video = None, None, None
        for line in (line.strip() for line in rest.split("\n")):
            if not line:
                continue
            by = re.match(r"^(?:by|speakers?:)\s+(.+)$", line, re.IGNORECASE)
            if by:
                speakers, doubts = t.split_speakers(by[1])
                for doubt in doubts:
                    c.report.warn(where, f"#{self.code}: speakers {doubt}")
                continue
            found = t.links(line)
            if found:
                for label, target in found:
                    url = t.absolute_url(target, c.folder)
                    if url is None:
                        c.report.warn(where, f"#{self.code}: link '{target}' is broken; not imported")
                    elif label.lower().startswith("video") or _VIDEO_HOST_RE.search(url):
                        video = video or url
                    elif slides is None:
                        slides = url
                        _check_folder(c.report, where, self.code, url, "slides")
                    else:
                        c.report.warn(where, f"#{self.code}: second slides link not imported: {url}")
            elif not title:
                title = t.collapse(line.strip("*"))
            else:
                c.report.warn(where, f"#{self.code}: line not imported: '{line}'")
        if not speakers:
            c.report.warn(where, f"#{self.code}: talk '{title}' names no speaker ('by …' line)")
        return TalkFacts(
            self.facts.code,
            title,
            where,
            EDITION_README,
            speakers or None,
            {"slides_url": slides, "video_url": video},
            readme=self.facts,
        )

    def _section(self, index, name, rest):
        """A bold heading that is not a talk ('**Latest News and Hot Topics:**').

        Its slides are the intro's; returns its lines that are not links, for the invitation.
        """
        kept = []
        for line in rest.split("\n"):
            found = t.links(line)
            if not found:
                if line.strip():
                    kept.append(line)
                continue
            for _, target in found:
                url = t.absolute_url(target, self.c.folder)
                if url and url != self.facts.values.get("intro_slides_url"):
                    self.c.report.warn(
                        self.c.where(index),
                        f"#{self.code}: slides of '{name.rstrip(':')}' are not a talk's and differ from the intro "
                        f"slides; not imported: {url}",
                    )
        return kept

    def _agenda(self, paragraphs, talks):
        """The timed agenda ('18:45 Introduction & Welcome', ':: Break ::'); talks in it that name a speaker."""
        entries = []
        for index, lines in paragraphs:
            for offset, line in enumerate(lines):
                match = _TIMED_RE.match(line) or _UNTIMED_RE.match(line)
                if match:
                    entries.append((index + offset, match))
        if len(entries) < 2:
            return []
        known = {t.key(talk.title): talk for talk in talks}
        agenda, new_talks = [], []
        for line_index, match in entries:
            groups = match.groupdict()
            title = t.collapse(groups["title"].replace("**", ""))
            start = t.parse_time(groups["start"]) if groups.get("start") else None
            end = t.parse_time(groups["end"]) if groups.get("end") else None
            talk_key = None
            who = re.match(r"^(?P<title>.+?)\s*\((?P<who>[^()]+)\)$", title)
            if who:
                speakers, doubts = t.split_speakers(who["who"])
                if speakers and t.looks_like_person(speakers[0][0]):
                    title = who["title"].strip(_QUOTES + " ")
                    for doubt in doubts:
                        self.c.report.warn(self.c.where(line_index), f"#{self.code}: speakers {doubt}")
                    if t.key(title) not in known:
                        talk = TalkFacts(
                            self.facts.code,
                            title,
                            self.c.where(line_index),
                            EDITION_README,
                            speakers,
                            {},
                            readme=self.facts,
                        )
                        known[t.key(title)] = talk
                        new_talks.append(talk)
            if t.key(title) in known:
                talk_key = t.key(title)
            kind = AgendaItem.Kind.TALK if talk_key else agenda_kind(title)
            if kind == AgendaItem.Kind.HOST_PRESENTATION:
                host = re.search(r"\bby\s+(?P<host>.+?),?\s+(?:the\s+)?host\b", title, re.IGNORECASE)
                if host:
                    self.facts.values.setdefault("host", host["host"].strip())
            agenda.append(
                {"time": start.isoformat() if start else None, "kind": kind, "title": title, "talk": talk_key}
            )
            if end is not None:
                self.facts.values["end_time"] = end
        self.facts.values["agenda"] = agenda
        first = next((item["time"] for item in agenda if item["time"]), None)
        if first and "start_time" not in self.facts.values:
            self.facts.values["start_time"] = datetime.time.fromisoformat(first)
        return new_talks

    def _prose_abstracts(self, paragraphs, talks):
        """Abstracts and bios in a free-text invitation: the paragraph after '"Title"', or one quoting it."""
        texts = ["\n".join(lines) for _, lines in paragraphs]
        for talk in talks:
            quoted = [f"{open_}{talk.title}{close}" for open_ in '"“„' for close in '"”“']
            for position, text in enumerate(texts):
                if t.collapse(text) in quoted and position + 1 < len(texts):
                    talk.values.setdefault("abstract", texts[position + 1])
                elif any(quote in text for quote in quoted) and not _TIMED_RE.match(text):
                    talk.values.setdefault("abstract", text)
            for name, _ in talk.speakers or []:
                for lines in (lines for _, lines in paragraphs):
                    if lines[0].strip() == name and len(lines) > 1:
                        talk.bios[name] = "\n".join(line.strip() for line in lines[1:])
