"""An edition README written as the invitation itself (2023–2026), without `* Date:` bullets.

    # 75th Deep Learning Meetup: AI Manipulation / Scaling LLM Infrastructure   (optional)
    23 Sep 2026 @ 42 Vienna                                                       (or the date in the prose)
    https://www.meetup.com/vienna-deep-learning-meetup/events/316293951/
    Hi Deep Learners, … on September 23 we'll be hosted by 42 Vienna …            (the invitation text)
    ## Agenda:                                                                    (meetups.archive.programme)
    ## Talk Details:  ### Talk 1: <title>  <abstract>  **About the speaker:**  <bio>

The number comes from the heading or the folder (Meetups/Meetup_55/). A date written without a year
("on March 19") keeps its month and day; meetups.archive.years gives it the year its neighbours imply.
"""

import datetime
import re

from meetups.models import AgendaItem

from . import text as t
from .facts import (
    EDITION_README,
    EditionFacts,
    TalkFacts,
    agenda_kind,
    code_of_path,
    code_values,
    folder_of_readme,
    infer_kind,
)
from .programme import read_programme, speaker_line

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
DATE_LINE_RE = re.compile(rf"^{DAY}\.?\s+{MONTH}\s+(?P<year>\d{{4}})\s*(?:@|\bat\b)\s*(?P<venue>.+)$")
PROSE_DATES = [
    re.compile(rf"\b{MONTH}\s+{DAY}\b(?:,?\s*(?P<year>\d{{4}}))?"),
    re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s*(?P<year>\d{{4}}))?"),
]
HOSTED_BY_RE = re.compile(r"\bhosted by\s+(?P<name>[A-Z0-9][^!.,;:()\n]*?)(?=\s+(?:in|at|on|and|with)\b|[!.,;:(]|$)")
AT_RE = re.compile(r"\bat\s+(?:the\s+)?(?P<name>[A-ZÄÖÜ0-9][^!.,;:()\n]*?)(?=\s+(?:in|on|and|with|for)\b|[!.,;:(]|$)")
AGENDA_RE = re.compile(r"^(?:#{1,4}\s*)?(?:\*\*)?\s*(?:agenda|schedule|programme|program)\s*:?\s*(?:\*\*)?\s*$", re.I)
DETAILS_RE = re.compile(
    r"^(?:(?:#{1,4}\s*|\*\*\s*)?(?:talk details|talk abstracts?)"
    r"|(?:#{1,4}\s*|\*\*\s*)(?:short |lightning )?talk\s*\d*\s*[:.])",
    re.I,
)
SECTION_RE = re.compile(
    r"^(?:#{1,4}\s*|\*\*\s*)(?P<label>(?:short |lightning )?talk(?:\s*(?P<number>\d+))?|talk abstract)\s*[:.]\s*"
    r"(?P<title>.*?)\s*(?:\*\*)?\s*$",
    re.I,
)
PLAIN_SECTION_RE = re.compile(r"^(?P<label>talk\s*(?P<number>\d+))\s*:\s*(?P<title>.+)$", re.I)
HEADING_RE = re.compile(r"^(?:#{1,4}\s+(?P<heading>.+)|\*\*(?P<bold>[^*]+)\*\*\s*:?\s*)$")
ABOUT_RE = re.compile(r"^about the speakers?\b", re.I)
CLOSING_RE = re.compile(
    r"^(?:thanks? (?:to|you)|we (?:would like to |kindly |want to )?thank|we are looking forward|looking forward|"
    r"if you want to|your vdlm|hope to see|see you)",
    re.I,
)


def is_invitation_readme(document, lines):
    """An edition's own README (Meetups/Meetup_N/ or a '# Nth … Meetup' heading) with an agenda."""
    in_edition_folder = code_of_path(document.path) is not None
    has_heading = any(re.match(r"^#\s+.*\bmeetup\b", line, re.I) for line in lines[:5])
    has_agenda = any(AGENDA_RE.match(line.strip()) for line in lines)
    return (in_edition_folder or has_heading) and has_agenda


def month_number(word):
    word = word.lower()
    return MONTHS.index(word[:3]) + 1 if word.isalpha() and word[:3] in MONTHS else None


class InvitationReadme:
    """Meetups/Meetup_N/README.md of the 2023–2026 shapes: invitation, agenda, talk details."""

    def __init__(self, context, lines):
        self.c = context
        self.lines = lines

    def parse(self):
        c = self.c
        heading_index = next((i for i, line in enumerate(self.lines[:5]) if line.startswith("# ")), None)
        heading = self.lines[heading_index][2:].strip() if heading_index is not None else ""
        number = re.search(r"\b([0-9]{1,6})\s*(?:st|nd|rd|th)\b", heading)
        path_code = code_of_path(c.document.path)
        code = str(int(number[1])) if number else path_code
        where = c.where(heading_index or 0)
        if number and path_code and path_code.lower() != code.lower():
            c.report.warn(where, f"the heading says #{code}, the file name Meetup_{path_code}; read as #{code}")
        c.folder = folder_of_readme(c.document.path, code)
        self.code = code or "?"
        values = code_values(code) if code else {}
        if ":" in heading:
            values["topic"] = t.collapse(heading.split(":", 1)[1])
        self.facts = EditionFacts(code, where, EDITION_README, values)
        agenda_index = next((i for i, line in enumerate(self.lines) if AGENDA_RE.match(line.strip())), len(self.lines))
        details_index = next(
            (i for i in range(agenda_index + 1, len(self.lines)) if DETAILS_RE.match(self.lines[i].strip())),
            len(self.lines),
        )
        self._head(heading_index, agenda_index)
        talks = self._programme(agenda_index, details_index)
        self._details(details_index, talks)
        for talk in talks:
            talk.values.setdefault("kind", infer_kind(talk.title, talk.values.get("abstract", "")))
            c.parsed.talks.append(talk)
        c.parsed.editions.append(self.facts)
        return self.facts, talks

    # --- before the agenda: date, venue, meetup.com, the invitation ----------------------------------

    def _head(self, heading_index, agenda_index):
        c, values = self.c, self.facts.values
        start = heading_index + 1 if heading_index is not None else 0
        invitation = []
        for index in range(start, agenda_index):
            line = self.lines[index].strip()
            date_line = DATE_LINE_RE.match(line)
            if date_line and "start_date" not in values:
                self._set_date(date_line, index)
                values["venue"] = t.collapse(date_line["venue"])
                continue
            meetup = next((u for _, u in t.links(line) if "meetup.com" in u.lower()), None)
            if meetup and "meetup_url" not in values:
                values["meetup_url"] = t.normalise_meetup_url(meetup)
                if line == meetup:
                    continue
            if line.startswith("![") or set(line) <= set("*-_ "):
                continue  # the banner image, a rule
            invitation.append((index, line))
        if "start_date" not in values and "month_day" not in values:
            for index, line in invitation:
                if self._prose_date(index, line):
                    break
            else:
                c.report.warn(self.facts.where, f"#{self.code}: the invitation gives no date")
        if "venue" not in values:
            for index, line in invitation:
                hosted = HOSTED_BY_RE.search(line) or (self._date_sentence(line) and AT_RE.search(line))
                if hosted:
                    values["venue"] = t.collapse(hosted["name"])
                    c.report.warn(c.where(index), f"#{self.code}: venue read from the invitation: '{values['venue']}'")
                    break
        values["description"] = re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines[start:agenda_index])).strip()
        values["description"] = "\n\n".join(
            block.strip() for block in re.split(r"\n\s*\n", values["description"]) if self._keeps(block)
        )

    def _keeps(self, block):
        block = block.strip()
        return bool(block) and not DATE_LINE_RE.match(block) and not block.startswith(("![", "http")) and set(
            block
        ) - set("*-_ ")

    def _date_sentence(self, line):
        return any(pattern.search(line) and month_number(pattern.search(line)["month"]) for pattern in PROSE_DATES)

    def _prose_date(self, index, line):
        for pattern in PROSE_DATES:
            for match in pattern.finditer(line):
                if month_number(match["month"]):
                    year = match["year"] or next(iter(re.findall(r"\b(20\d\d)\b", line)), None)
                    if year:
                        return self._set_date(match, index, int(year))
                    self.facts.values["month_day"] = (month_number(match["month"]), int(match["day"]))
                    return True
        return False

    def _set_date(self, match, index, year=None):
        try:
            day = datetime.date(year or int(match["year"]), month_number(match["month"]), int(match["day"]))
        except (TypeError, ValueError):
            self.c.report.warn(self.c.where(index), f"#{self.code}: '{match.group(0)}' is not a date; not imported")
            return False
        self.facts.values["start_date"], self.facts.values["end_date"] = day, None
        return True

    # --- the agenda ------------------------------------------------------------------------------------

    def _programme(self, agenda_index, details_index):
        lines = []
        for index in range(agenda_index + 1, details_index):
            line = self.lines[index]
            if line.startswith("#") or (line.strip() == "***" and lines):
                break
            lines.append((index, line))
        return programme_facts(self.c, self.facts, lines)

    # --- the talks' details ------------------------------------------------------------------------------

    def _details(self, index, talks):
        """Each talk's section: its abstract, then "About the speaker(s)" (or a paragraph opening with a
        speaker's name) as the bios; a rule ("----"), another heading or the closing words end it."""
        current, about, just_opened = None, False, False
        for number, line in enumerate(self.lines[index:], start=index):
            text = line.strip()
            section = SECTION_RE.match(text) or PLAIN_SECTION_RE.match(text)
            heading = HEADING_RE.match(text)
            named = self._talk_named(heading, talks) if heading and not section else None
            if not section and number == index and len(talks) == 1 and re.match(r"^talk details\W*$", t.collapse(
                    text.strip("#* ")), re.I):  # fmt: skip
                current, about, just_opened = talks[0], False, True  # one talk: its details follow at once
                continue
            if section or named:
                current = named or self._talk_of_section(section, number, talks)
                about, just_opened = False, True
                continue
            if just_opened and text and self._speakers_line(current, text):
                continue  # "*Martin Trapp, Aalto University*" / "by Paul Tiwald, Mostly AI**" under the title
            just_opened = just_opened and not text
            about_line = ABOUT_RE.match(text.strip("*: "))
            if heading and not about_line:
                name = t.collapse((heading["heading"] or heading["bold"] or "").strip(" :*"))
                if heading["heading"] or agenda_kind(name) != AgendaItem.Kind.OTHER:
                    current = None  # "## Hot Topics & Latest News:": not a talk's
                elif current is not None:  # "**Section topics (tentative):**": part of the talk's text
                    current.values.setdefault("_bio_lines" if about else "_abstract_lines", []).extend(["", name + ":"])
                continue
            if current is None:
                continue
            if about_line:
                about = True
                rest = re.sub(r"^\**\s*about the speakers?\s*\**\s*:?\s*\**", "", text, flags=re.I).strip()
                if rest:
                    current.values.setdefault("_bio_lines", []).append(rest)
                continue
            if set(text) <= set("-*_") and len(text) >= 3 or CLOSING_RE.match(text):
                current = None  # a rule, or "Thanks to Canva for hosting us": the talk's section is over
                continue
            if not about and current.speakers and self._opens_bio(current, text):
                about = True
            field = "bio" if about else "abstract"
            current.values.setdefault(f"_{field}_lines", []).append(line.rstrip())
        for talk in talks:
            abstract = _join(talk.values.pop("_abstract_lines", []))
            if abstract:
                talk.values["abstract"] = abstract
            self._bios(talk, talk.values.pop("_bio_lines", []))

    def _talk_named(self, heading, talks):
        """The talk whose title a bold or heading line gives ("**Uncertainty Quantification in …**")."""
        wanted = t.key(heading["heading"] or heading["bold"] or "")
        return next((talk for talk in talks if wanted and t.key(talk.title) == wanted), None)

    def _speakers_line(self, talk, text):
        line = re.sub(r"^by\s+", "", text.strip("*_ "), flags=re.I).strip("*_ ")
        found = speaker_line(line) if line != text.strip("*_ ") or text.startswith(("*", "_")) else None
        if found and talk is not None and not talk.speakers:
            talk.speakers = found
        return found is not None

    def _opens_bio(self, talk, text):
        """A paragraph that starts with a speaker's name ("[Martin Trapp](…) is a …") is their bio."""
        plain_text = t.LINK_RE.sub(lambda m: m["label"], text)
        return any(plain_text.startswith(name) for name, _ in talk.speakers)

    def _talk_of_section(self, section, index, talks):
        title = t.collapse(section["title"])
        if title[:1] in "\"“" and title[-1:] in "\"”":
            title = title[1:-1]
        number = int(section["number"]) if section["number"] else None
        wanted = t.key(title)
        for talk in talks:
            if wanted and (t.key(talk.title) == wanted or t.key(talk.title).startswith(wanted)):
                return talk
        if number is not None:
            numbered = [talk for talk in talks if talk.number == number]
            if numbered:
                return numbered[0]
        if not title:
            return None
        where = self.c.where(index)
        self.c.report.warn(where, f"#{self.code}: '{title}' is in the talk details but not on the agenda; "
                                  "imported without a speaker")  # fmt: skip
        talk = TalkFacts(self.facts.code, title, where, EDITION_README, None, {}, readme=self.facts)
        talk.number = number
        talks.append(talk)
        return talk

    def _bios(self, talk, lines):
        """One speaker: the whole "About the speaker" text. Several: each from the line that names them."""
        text = _join(lines)
        if not text or not talk.speakers:
            if text:
                self.c.report.warn(talk.where, f"#{self.code}: a bio for '{talk.title}', which names no speaker; "
                                               "not imported")  # fmt: skip
            return
        if len(talk.speakers) == 1:
            talk.bios[talk.speakers[0][0]] = text
            return
        current = None
        for line in text.split("\n"):
            named = next((name for name, _ in talk.speakers if line.startswith((name, name.split()[0] + " "))), None)
            if named:
                current = named
            if current:
                talk.bios[current] = (talk.bios.get(current, "") + "\n" + line).strip()


def programme_facts(c, facts, lines):
    """The talks (TalkFacts) of the agenda in `lines` [(index, line)]; the agenda and times go to `facts`."""
    programme = read_programme(lines)
    code = facts.code or "?"
    talks = []
    for found in programme.talks:
        where = c.where(found.line)
        if found.cancelled:
            c.report.skip(where, f"#{code}: talk '{found.title}' was cancelled; not imported")
            continue
        for doubt in found.doubts:
            c.report.warn(where, f"#{code}: speakers {doubt}")
        talk = TalkFacts(facts.code, found.title, where, EDITION_README, found.speakers, {}, readme=facts)
        if found.abstract:
            talk.values["abstract"] = found.abstract
        talk.number = found.number
        talks.append(talk)
    agenda = [
        {**item, "talk": t.key(item["talk"].title) if item["talk"] else None}
        for item in programme.agenda
        if not (item["talk"] and item["talk"].cancelled)
    ]
    if agenda:
        facts.values["agenda"] = agenda
        first = next((item["time"] for item in agenda if item["time"]), None)
        if first:
            facts.values["start_time"] = datetime.time.fromisoformat(first)
    if programme.end_time:
        facts.values["end_time"] = programme.end_time
    return talks


def _join(lines):
    """Lines back into paragraphs, blank-line separated, without surrounding space."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in lines)).strip()

