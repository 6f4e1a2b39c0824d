"""Merging the facts of all files into one archive: one value per field, and a warning
wherever two sources disagree.

When sources disagree, the more specific one wins (an edition's README over the
Meetups table over a talk row); between equals the first one read wins. Files are read
in a fixed order (root READMEs first, then by path), so the result does not depend on
the order the paths were given in.
"""

import datetime
import posixpath
from dataclasses import dataclass, field

from . import text as t
from .facts import code_values

_LABELS = {
    "start_date": "date",
    "end_date": "end date",
    "meetup_url": "meetup.com link",
    "video_url": "video",
    "photos_url": "photos",
    "intro_slides_url": "intro slides",
    "slides_url": "slides",
    "description": "invitation text",
    "start_time": "start time",
    "end_time": "end time",
}


@dataclass
class Fact:
    value: object
    where: str
    priority: int


@dataclass
class MergedEdition:
    code: str
    where: str
    facts: dict = field(default_factory=dict)

    def value(self, name, default=None):
        fact = self.facts.get(name)
        return fact.value if fact else default


@dataclass
class MergedTalk:
    code: str
    where: str
    title: Fact
    facts: dict = field(default_factory=dict)
    speakers: Fact | None = None
    bios: dict = field(default_factory=dict)
    files: set = field(default_factory=set)  # the files that named this talk

    def value(self, name, default=None):
        fact = self.facts.get(name)
        return fact.value if fact else default

    @property
    def speaker_list(self):
        return [tuple(pair) for pair in self.speakers.value] if self.speakers else []


@dataclass
class MergedPerson:
    key: str
    name: str
    where: str
    affiliation: str = ""
    bio: str = ""


@dataclass
class Archive:
    editions: dict = field(default_factory=dict)
    talks: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def _show(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    shown = t.collapse(str(value))
    return shown if len(shown) <= 80 else shown[:77] + "…"


def _same(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return t.collapse(a) == t.collapse(b)
    return a == b


class _Merger:
    def __init__(self, report):
        self.report = report
        self.archive = Archive()
        self.warned = set()
        self.spellings = {}  # person key -> {spelling: [where, ...]} in reading order

    def offer(self, facts, name, value, where, priority, label):
        """Take a value unless a more trusted source already gave another one; warn when they differ."""
        if value is None or value == "" or value == []:
            return
        current = facts.get(name)
        if current is None:
            facts[name] = Fact(value, where, priority)
            return
        if _same(current.value, value):
            return
        offered = Fact(value, where, priority)
        winner, loser = (offered, current) if priority > current.priority else (current, offered)
        facts[name] = winner
        seen = (label, name, repr(loser.value))
        if seen in self.warned:
            return
        self.warned.add(seen)
        self.report.warn(
            loser.where,
            f"{label}: the {_LABELS.get(name, name)} here is '{_show(loser.value)}', but '{_show(winner.value)}' "
            f"in {winner.where}; kept '{_show(winner.value)}'",
        )

    def edition(self, facts):
        key = facts.code.lower()
        merged = self.archive.editions.get(key)
        if merged is None:
            merged = self.archive.editions[key] = MergedEdition(facts.code, facts.where)
        for name, value in facts.values.items():
            self.offer(merged.facts, name, value, facts.where, facts.priority, f"#{merged.code}")

    def talk(self, facts):
        edition = self.archive.editions[facts.code.lower()]
        key = self._talk_key(facts.code.lower(), t.key(facts.title))
        if key not in self.archive.talks:
            key = self._same_speakers_key(facts) or key
        label = f"#{edition.code} '{facts.title}'"
        merged = self.archive.talks.get(key)
        if merged is None:
            merged = self.archive.talks[key] = MergedTalk(
                edition.code, facts.where, Fact(facts.title, facts.where, facts.priority)
            )
        else:
            titles = {"title": merged.title}
            self.offer(titles, "title", facts.title, facts.where, facts.priority, label)
            merged.title = titles["title"]
        merged.files.add(_file(facts.where))
        for name, value in facts.values.items():
            self.offer(merged.facts, name, value, facts.where, facts.priority, label)
        for name, bio in facts.bios.items():
            merged.bios.setdefault(t.key(name), bio)
        if facts.speakers:
            for name, _ in facts.speakers:
                self.spellings.setdefault(t.key(name), {}).setdefault(name, []).append(facts.where)
            self.speakers(merged, facts, label)

    def _talk_key(self, code, title_key):
        """One talk titled two ways in one edition ("… in Video Surveillance" in the table, "… in Video
        Surveillance Applications" in the README) is one talk: a title that starts with the other."""
        if (code, title_key) in self.archive.talks or len(title_key) < 20:
            return (code, title_key)
        for known_code, known in self.archive.talks:
            if known_code == code and len(known) >= 20 and (known.startswith(title_key) or title_key.startswith(known)):
                return (known_code, known)
        return (code, title_key)

    def _same_speakers_key(self, facts):
        """The talk another file gave the same edition and the same speakers under another title.

        The root README's one-line topics are often shorter or older than the edition's README
        ("NeurIPS 2020 Review" and "NeurIPS 2020 Review - Emerging topics and trends", "CommentSense"
        and "CommentSense: An On-Device AI Browser Extension …"). Only a talk that no earlier row of
        this file named counts, and only when it is the one such talk: a speaker with two talks in
        one edition (#29) keeps both.
        """
        if not facts.speakers:
            return None
        code, names, file = facts.code.lower(), sorted(t.key(name) for name, _ in facts.speakers), _file(facts.where)
        candidates = [
            key
            for key, talk in self.archive.talks.items()
            if key[0] == code
            and file not in talk.files
            and sorted(t.key(name) for name, _ in talk.speaker_list) == names
        ]
        return candidates[0] if len(candidates) == 1 else None

    def speakers(self, merged, facts, label):
        offered = [[name, affiliation] for name, affiliation in facts.speakers]
        current = merged.speakers
        if current is None:
            merged.speakers = Fact(offered, facts.where, facts.priority)
            return
        if sorted(t.key(name) for name, _ in current.value) != sorted(t.key(name) for name, _ in offered):
            offered_fact = Fact(offered, facts.where, facts.priority)
            winner, loser = (offered_fact, current) if facts.priority > current.priority else (current, offered_fact)
            kept = " and ".join(name for name, _ in winner.value)
            dropped = " and ".join(name for name, _ in loser.value)
            self.report.warn(
                loser.where, f"{label}: the speakers here are {dropped}, but {kept} in {winner.where}; kept {kept}"
            )
            merged.speakers = winner
            return
        by_key = {t.key(pair[0]): pair for pair in offered}
        for pair in current.value:
            other = by_key[t.key(pair[0])]
            if t.accents(other[0]) > t.accents(pair[0]):
                pair[0] = other[0]
            if not other[1] or other[1] == pair[1]:
                continue
            if not pair[1]:
                pair[1] = other[1]
                continue
            offered, known = (other[1], facts.where), (pair[1], current.where)
            kept, dropped = (offered, known) if facts.priority > current.priority else (known, offered)
            self.report.warn(
                dropped[1],
                f"{label}: {pair[0]}'s affiliation is '{dropped[0]}' here, but '{kept[0]}' in {kept[1]}; "
                f"kept '{kept[0]}'",
            )
            pair[1] = kept[0]

    def resolve_readme_codes(self, parsed):
        """Give a README without a number (Meetups/AI_Summit/README.md) the edition of the same date."""
        for facts in parsed.editions:
            if facts.code is not None:
                continue
            date = facts.values.get("start_date")
            matches = {
                other.code
                for other in parsed.editions
                if other.code is not None and date is not None and other.values.get("start_date") == date
            }
            if len(matches) == 1:
                facts.code = matches.pop()
                facts.values = {**code_values(facts.code), **facts.values}
                self.report.warn(
                    facts.where, f"no number in the heading or folder; read as #{facts.code}, the edition of {date}"
                )
            else:
                self.report.skip(
                    facts.where,
                    "cannot tell which edition this README describes: no number in its heading or folder name"
                    + (f" and {len(matches)} editions on {date}" if date else " and no date"),
                )
        for talk in parsed.talks:
            if talk.code is None and talk.readme is not None:
                talk.code = talk.readme.code
        parsed.editions = [facts for facts in parsed.editions if facts.code is not None]
        parsed.talks = [talk for talk in parsed.talks if talk.code is not None]

    def check_slides(self):
        """Warn about slides whose file name fits another talk of the same edition better than their own."""
        by_edition = {}
        for talk in self.archive.talks.values():
            by_edition.setdefault(talk.code.lower(), []).append(talk)
        for talks in by_edition.values():
            words = {id(talk): _talk_words(talk) for talk in talks}
            for talk in talks:
                path = t.archive_path(talk.value("slides_url") or "")
                if not path:
                    continue
                file_words = t.words_of(posixpath.splitext(posixpath.basename(path))[0])
                own = len(file_words & words[id(talk)])
                others = [(len(file_words & words[id(other)]), other) for other in talks if other is not talk]
                best, other = max(others, key=lambda pair: pair[0], default=(0, None))
                if best and best > own:
                    self.report.warn(
                        talk.facts["slides_url"].where,
                        f"#{talk.code}: the slides of '{talk.title.value}' ({posixpath.basename(path)}) look like "
                        f"they belong to '{other.title.value}'; imported as written, please check",
                    )

    def people(self):
        """One person per folded name; the accented spelling, the latest affiliation, the bio."""
        talks = sorted(
            self.archive.talks.values(),
            key=lambda talk: self.archive.editions[talk.code.lower()].value("start_date") or datetime.date.min,
            reverse=True,
        )
        keys = dict.fromkeys(t.key(name) for talk in self.archive.talks.values() for name, _ in talk.speaker_list)
        for key in keys:
            spellings = self.spellings[key]
            names = list(spellings)
            name = max(names, key=lambda spelling: (t.accents(spelling), -names.index(spelling)))
            where = spellings[name][0]
            if len(names) > 1:
                variants = "; ".join(f"'{spelling}' ({', '.join(spellings[spelling])})" for spelling in names)
                self.report.warn(where, f"one person written in {len(names)} ways: {variants}; imported as '{name}'")
            person = MergedPerson(key, name, where)
            for talk in talks:
                for speaker_name, affiliation in talk.speaker_list:
                    if t.key(speaker_name) == key and affiliation and not person.affiliation:
                        person.affiliation = affiliation
                person.bio = person.bio or talk.bios.get(key, "")
            self.archive.people[key] = person


def _file(where):
    """'path/README.md:12' -> 'path/README.md'."""
    return where.rsplit(":", 1)[0]


def _talk_words(talk):
    words = t.words_of(talk.title.value)
    for name, _ in talk.speaker_list:
        words |= t.words_of(name)
    return words


def merge(parsed, report):
    """One Archive from the Parsed facts of all files (already in reading order)."""
    merger = _Merger(report)
    merger.resolve_readme_codes(parsed)
    for facts in parsed.editions:
        merger.edition(facts)
    for facts in parsed.talks:
        merger.talk(facts)
    merger.check_slides()
    merger.people()
    return merger.archive
