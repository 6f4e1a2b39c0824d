"""An edition README of the 2016–2024 shape: `# 32nd Deep Learning Meetup in Vienna`, then
`* Date:` / `* Venue:` / `* Meetup Page:` bullets, then the invitation ("## Details") with
talks as `**Talk N: title**` blocks or a timed agenda.
"""

import datetime
import re

from meetups.models import AgendaItem, Edition

from . import text as t
from .facts import (
    BULLET_RE,
    EDITION_README,
    QUOTES,
    TIMED_RE,
    UNTIMED_RE,
    VIDEO_HOST_RE,
    EditionFacts,
    TalkFacts,
    agenda_kind,
    check_folder,
    code_of_path,
    code_values,
    folder_of_readme,
    infer_kind,
    split_paragraphs,
)
from .invitation import AGENDA_RE, programme_facts
from .programme import is_prose, speaker_line

# Words in the organizers' own deck's name ("Intro - Announcements - Hot Topics") that tell no talk apart.
GENERIC_WORDS = frozenset(
    ["intro", "introduction", "overview", "review", "talk", "update", "news", "hot", "topics", "jobs", "events"]
    + ["survey"]
)
PLAIN_TALK_RE = re.compile(
    r"^(?:main |short |lightning |keynote )?talk\s*\d*\s*:\s*(?P<title>.+?)(?:\s+[-–—]\s+(?P<who>[^-–—]+))?$", re.I
)


class EditionReadme:
    """Meetups/Meetup_N/README.md: bullets, intro slides, invitation, talks, agenda."""

    def __init__(self, context, lines):
        self.c = context
        self.lines = lines
        self.facts = None
        self.slide_links = []  # [(label, target, where)] of a "Slides:" list under the bullets

    def parse(self):
        c = self.c
        heading_index = next(i for i, line in enumerate(self.lines) if re.match(r"^#\s+\S", line))
        heading = self.lines[heading_index].lstrip("#").strip()
        number = re.search(r"\b([0-9]{1,6})\s*(?:st|nd|rd|th)\b", heading)
        path_code = code_of_path(c.document.path)
        code = str(int(number[1])) if number else path_code
        where = c.where(heading_index)
        if number and path_code and path_code.lower() != code.lower():
            c.report.warn(where, f"the heading says #{code}, the file name Meetup_{path_code}; read as #{code}")
        c.folder = folder_of_readme(c.document.path, code)
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
        while index < len(self.lines) and not re.match(r"^#{1,3}\s", self.lines[index]):
            line = self.lines[index]
            where = c.where(index)
            match = BULLET_RE.match(line)
            if not line.strip():
                index += 1
                continue
            if not match and t.collapse(line).strip("*: ").lower() == "slides":
                index += 1  # "Slides:", the list of the evening's PDFs follows
                continue
            if (not match or match["label"].startswith("[")) and t.links(line):
                self.slide_links.extend((label, target, where) for label, target in t.links(line))
                index += 1
                continue
            if not match and "start_date" in values:
                break  # the invitation starts without a "## Details" heading (the first READMEs)
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
                if found and t.is_placeholder_link(found[0][1]):
                    c.report.warn(where, f"#{self.code}: intro slides link '{found[0][1]}' is a placeholder; "
                                         "not imported")  # fmt: skip
                elif url:
                    values["intro_slides_url"] = url
                    check_folder(c.report, where, self.code, url, "intro slides")
                else:
                    c.report.warn(where, f"#{self.code}: '{t.collapse(line)}' has no slides link; not imported")
            else:
                c.report.warn(where, f"#{self.code}: line not imported: '{t.collapse(line)}'")
            index += 1
        return index

    def _details(self, index):
        c = self.c
        if index < len(self.lines) and re.match(r"^#{1,3}\s", self.lines[index]):
            index += 1  # "## Details" (or "# Details")
        paragraphs = split_paragraphs(self.lines[index:], index)
        self.facts.paragraphs = paragraphs
        talks, invitation = self._talk_blocks(paragraphs)
        agenda_talks = self._agenda(paragraphs, talks)
        marker = next((i for i in range(index, len(self.lines)) if AGENDA_RE.match(self.lines[i].strip())), None)
        if not talks and marker is not None:
            # 2023–2024: the invitation, then a "Schedule" of time slots with the talks' abstracts indented.
            lines = [(i, self.lines[i]) for i in range(marker + 1, len(self.lines))]
            scheduled = programme_facts(c, self.facts, lines)
            if scheduled:
                before = [(i, lines) for i, lines in paragraphs if i < marker]
                self.facts.values["description"] = "\n\n".join("\n".join(lines) for _, lines in before)
                talks, agenda_talks = scheduled, []
        if "description" in self.facts.values:
            pass  # the invitation before the schedule
        elif talks:
            self.facts.values["description"] = "\n\n".join("\n".join(lines) for _, lines in invitation)
        else:
            self.facts.values["description"] = "\n\n".join("\n".join(lines) for _, lines in paragraphs)
            self._prose_abstracts(paragraphs, agenda_talks)
        self._assign_slides(talks + agenda_talks)
        for talk in talks + agenda_talks:
            if talk.values.get("kind") is None:
                talk.values["kind"] = infer_kind(talk.title, talk.values.get("abstract", ""))
            c.parsed.talks.append(talk)

    def _assign_slides(self, talks):
        """Each PDF of the "Slides:" list to the talk its name shares the most words with; the organizers'
        deck ("Intro / Events / Jobs") to the edition's intro slides."""
        c, values = self.c, self.facts.values
        for label, target, where in self.slide_links:
            url = t.absolute_url(target, c.folder)
            if url is None or t.is_placeholder_link(target):
                c.report.warn(where, f"#{self.code}: slides link '{target}' is a placeholder or broken; not imported")
                continue
            name = set(t.words_of(f"{label} {target.rsplit('/', 1)[-1]}"))
            scores = [(len(name & set(t.words_of(talk.title))), talk) for talk in talks]
            best = max(scores, key=lambda pair: pair[0], default=(0, None))
            # Two shared words, or one telling word ("Musika") that no other talk of the evening has.
            shared = name & set(t.words_of(best[1].title)) - GENERIC_WORDS if best[1] else set()
            telling = best[0] == 1 and [score for score, _ in scores].count(1) == 1 and any(len(w) >= 5 for w in shared)
            if (best[0] >= 2 or telling) and not best[1].values.get("slides_url"):
                best[1].values["slides_url"] = url
            elif re.search(r"intro|vdlm|agenda|announcement|jobs|events", f"{label} {target}", re.I) and not (
                values.get("intro_slides_url")
            ):
                values["intro_slides_url"] = url
            else:
                c.report.warn(where, f"#{self.code}: slides '{label}' match no talk of the edition; not imported: "
                                     f"{url}")  # fmt: skip

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
            plain_head = PLAIN_TALK_RE.match(lines[0].strip())
            if plain_head:  # "Main talk: <title> - Michael Pieler, contextflow" (2021)
                who = speaker_line(plain_head["who"]) if plain_head["who"] else None
                current, after_bio = self._talk_head(index, plain_head["title"], "\n".join(lines[1:]), who), False
                talks.append(current)
                continue
            if (
                len(lines) >= 2
                and not lines[0][:1].isspace()  # indented: a schedule's slot (meetups.archive.programme)
                and not lines[0].rstrip().endswith((":", ","))  # "• brief Automic Intro:", "Best regards,"
                and not re.match(r"^\s*[•*-]\s", lines[0])
                and speaker_line(lines[1])
                and not is_prose(lines[0])
                and not TIMED_RE.match(lines[0])
            ):
                # "ICLR 2022 - Trends & interesting highlights" / "Rene Donner, mva.ai & contextflow" / slides
                who = speaker_line(lines[1])
                prose = [line.strip() for line in lines[2:] if is_prose(line.strip())]
                rest = "\n".join(line for line in lines[2:] if line.strip() not in prose)
                current, after_bio = self._talk_head(index, lines[0].strip(), rest, who), False
                if prose:
                    current.values["abstract"] = "\n".join(prose)
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
            if re.fullmatch(r"(?:talk\s*\d*|hot topics|intro)\s*:", text.strip(), re.I):
                current = None  # "Talk 2:" on a line of its own: the next talk's head follows
                continue
            speaker = next((name for name, _ in current.speakers or [] if t.opens_with_name(text, name)), None)
            if speaker and speaker not in current.bios:
                current.bios[speaker] = text
                after_bio = "abstract" in current.values  # a bio before the abstract: the abstract follows
            elif "abstract" in current.values:
                current.values["abstract"] += "\n\n" + text
            else:
                current.values["abstract"] = text
        return talks, invitation

    def _talk_head(self, index, title, rest, speakers=None):
        c = self.c
        where = c.where(index)
        title = t.collapse(title)
        slides, video, text = None, None, []
        for line in (line.strip() for line in rest.split("\n")):
            if not line:
                continue
            by = re.match(r"^(?:by|speakers?:)\s+(.+)$", line, re.IGNORECASE)
            if by:
                speakers, doubts = t.split_speakers(by[1])
                for doubt in doubts:
                    c.report.warn(where, f"#{self.code}: speakers {doubt}")
                continue
            dashed = re.match(r"^[-*•]\s+(?P<who>.+)$", line)
            if dashed and not speakers and speaker_line(dashed["who"]):
                speakers = speaker_line(dashed["who"])  # "- Isabel Dregely"
                continue
            if title and not speakers and not t.links(line) and speaker_line(line):
                speakers = speaker_line(line)  # "René Donner, contextflow" under the title
                continue
            found = t.links(line)
            if found:
                for label, target in found:
                    url = t.absolute_url(target, c.folder)
                    if t.is_placeholder_link(target):
                        c.report.warn(where, f"#{self.code}: slides link '{target}' is a placeholder; not imported")
                    elif url is None:
                        c.report.warn(where, f"#{self.code}: link '{target}' is broken; not imported")
                    elif label.lower().startswith("video") or VIDEO_HOST_RE.search(url):
                        video = video or url
                    elif slides is None:
                        slides = url
                        check_folder(c.report, where, self.code, url, "slides")
                    else:
                        c.report.warn(where, f"#{self.code}: second slides link not imported: {url}")
            elif not title:
                title = t.collapse(line.strip("*"))
            else:
                text.append(line)  # a subtitle or the abstract, right under the head
        if not speakers:
            c.report.warn(where, f"#{self.code}: talk '{title}' names no speaker ('by …' line)")
        values = {"slides_url": slides, "video_url": video}
        if text:
            values["abstract"] = "\n".join(text)
        return TalkFacts(self.facts.code, title, where, EDITION_README, speakers or None, values, readme=self.facts)

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
                match = TIMED_RE.match(line) or UNTIMED_RE.match(line)
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
                    title = who["title"].strip(QUOTES + " ")
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
                elif any(quote in text for quote in quoted) and not TIMED_RE.match(text):
                    talk.values.setdefault("abstract", text)
            for name, _ in talk.speakers or []:
                for lines in (lines for _, lines in paragraphs):
                    if lines[0].strip() == name and len(lines) > 1:
                        talk.bios[name] = "\n".join(line.strip() for line in lines[1:])
