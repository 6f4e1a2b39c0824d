"""The evening's programme as the 2020–2026 invitations write it, read into agenda items and talks.

Three layouts, often mixed in one file:

- a time on a line of its own, the item(s) below it, a talk's speaker line and abstract indented
  under its title (2023–2024: "18:40" / "Security of Machine Learning Systems" /
  "    Rudolf Mayer, SBA Research" / "    With machine learning …");
- one bullet per item with its time ("* 18:45 Talk 1: <title> by <speaker> (<affiliation>)",
  2025–2026), or "Talk 1: <title> - <speaker>, <affiliation>" under a time (2025);
- untimed items between colons (":: Break & Networking ::") or as bullets ("* Networking Break").

A line is a talk when it says "Talk N:", names its speakers ("… by Ada Lovelace (TU Wien)"), or is
followed by a line that reads as a speaker ("Ada Lovelace, TU Wien" / "Ada Lovelace - Researcher at
TU Wien"); every other line is an agenda item of the kind its words state.
"""

import re
from dataclasses import dataclass, field

from meetups.models import AgendaItem

from . import text as t
from .facts import agenda_kind

TIME_RE = re.compile(
    r"^~?(?P<start>\d{1,2}[:.]\d{2})(?:\s*(?:-|–|—|to)\s*~?(?P<end>\d{1,2}[:.]\d{2}))?\s*(?:[-–—:|]\s*)?(?P<rest>.*)$"
)
COLONS_RE = re.compile(r"^::\s*(?P<title>.+?)\s*::$")
BULLET_RE = re.compile(r"^(?:[*•-]|\d+\.)\s+")
TALK_RE = re.compile(r"^(?:(?P<label>(?:short |lightning )?talk)\s*(?P<number>\d*)\s*[:.–-]\s*)(?P<title>.+)$", re.I)
BY_RE = re.compile(r"^(?P<title>.+)\s+(?:-\s+)?by\s+(?P<who>[^()]+?)\s*(?:\((?P<affiliation>[^()]+)\))?\.?$")
DASH_WHO_RE = re.compile(r"^(?P<title>.+?)\s+[-–—]\s+(?P<who>[^-–—]+)$")
ROLE_AT_RE = re.compile(r"^(?:[\w -]*?\b(?:at|@)\s+)(?P<organisation>.+)$", re.I)


@dataclass
class ProgrammeTalk:
    title: str
    line: int  # index of the line that names it
    number: int | None = None  # "Talk 2": the talk details refer to it by number
    speakers: list | None = None  # [(name, affiliation)]
    abstract: str = ""
    cancelled: bool = False
    doubts: list = field(default_factory=list)


@dataclass
class Programme:
    agenda: list = field(default_factory=list)  # {"time", "kind", "title", "talk"}, "talk" a ProgrammeTalk or None
    talks: list = field(default_factory=list)
    end_time: object = None


def plain(line):
    """A line without bullets, bold markers and surrounding space."""
    text = line.strip().replace("**", "").strip()
    return BULLET_RE.sub("", text).strip()


def speaker_line(text):
    """[(name, affiliation)] when a line reads as speakers ("Ada Lovelace, TU Wien", "Ada L. - CTO at X"), else None."""
    text = text.strip().rstrip(".").rstrip(" -–—").strip()
    if not text or len(text) > 160:
        return None
    dash = re.match(r"^(?P<who>[^-–—]+?)\s+[-–—]\s+(?P<role>.+)$", text)
    if dash and t.looks_like_person(dash["who"].strip()):
        return [(dash["who"].strip(), organisation_of(dash["role"]))]
    speakers, _doubts = t.split_speakers(text)
    if speakers and all(t.looks_like_person(name) for name, _ in speakers):
        return [(name, organisation_of(affiliation)) for name, affiliation in speakers]
    return None


def organisation_of(role):
    """"Director of Research at Apart Research" -> "Apart Research"; "SBA Research & TU Wien" stays."""
    role = t.collapse(role).rstrip(".")
    match = ROLE_AT_RE.match(role)
    if match and len(role.split(" at ")[0].split()) <= 6:
        return match["organisation"].strip()
    return role


def split_who(who, affiliation=""):
    speakers, doubts = t.split_speakers(who)
    organisation = organisation_of(affiliation) if affiliation else ""
    return [(name, own or organisation) for name, own in speakers], doubts


def _by_line(text):
    """The speakers of a line "by Damian Stewart" / "by Paul Tiwald, Mostly AI", or None."""
    match = re.match(r"^by\s+(?P<who>.+)$", text.strip(" *"), re.I)
    return split_who(match["who"])[0] if match else None


def _talk_of(text, line, following):
    """(ProgrammeTalk, lines of `following` it took) when `text` is a talk, else (None, 0)."""
    cancelled = bool(re.search(r"\bcancell?ed\b", text, re.I))
    text = re.sub(r"\(?\s*\bcancell?ed\b\s*\)?", "", text, flags=re.I).strip(" *")
    numbered = TALK_RE.match(text)
    number = None
    if numbered:
        number = int(numbered["number"]) if numbered["number"] else None
        text = numbered["title"].strip()
    talk, taken = None, 0
    by = BY_RE.match(text)
    if by and (numbered or not _agenda_line(by["title"])) and (
        by["affiliation"] or t.looks_like_person(t.split_speakers(by["who"])[0][0][0])
    ):
        speakers, doubts = split_who(by["who"], by["affiliation"] or "")
        talk = ProgrammeTalk(by["title"].strip(), line, number, speakers, doubts=doubts)
    elif numbered:
        dash = DASH_WHO_RE.match(text)
        who = speaker_line(dash["who"]) if dash else None
        if who:
            talk = ProgrammeTalk(dash["title"].strip(), line, number, who)
        else:  # "Talk 2: GenAI for Images in 2025 -" with the speakers on the next line ("by …"), or none
            nxt = following and (_by_line(following[0][1]) or speaker_line(following[0][1]))
            talk = ProgrammeTalk(text.rstrip(" -–"), line, number, nxt or None)
            taken = 1 if nxt else 0
    elif following and speaker_line(following[0][1]) and not _agenda_line(text):
        talk = ProgrammeTalk(text, line, None, speaker_line(following[0][1]))
        taken = 1
    if talk is not None:
        talk.title = t.collapse(talk.title).strip(" :-–")
        if talk.title[:1] in "\"“" and talk.title[-1:] in "\"”":
            talk.title = talk.title[1:-1]
        talk.cancelled = cancelled
    return talk, taken


def read_programme(lines):
    """The Programme of [(line index, raw line)], the lines of an agenda or schedule section."""
    entries = []  # [time, end, [(index, text, indented)]]
    for index, raw in lines:
        text = plain(raw)
        if not text or set(text) <= set("*-_ "):
            continue
        timed = TIME_RE.match(text)
        colons = COLONS_RE.match(text)
        if timed and t.parse_time(timed["start"]):
            entries.append([timed["start"], timed["end"], []])
            if timed["rest"].strip():
                entries[-1][2].append((index, timed["rest"].strip(), False))
        elif colons and entries and entries[-1][0] and not entries[-1][2]:
            entries[-1][2].append((index, colons["title"], False))  # "19:30" then ":: Networking Break ::"
        elif colons:
            entries.append([None, None, [(index, colons["title"], False)]])
        elif entries and _ends(entries[-1]):
            break  # after "Wrap up & End": the closing words, a map link
        elif BULLET_RE.match(raw.strip()) and not raw.startswith((" ", "\t")) and entries and entries[-1][2]:
            entries.append([None, None, [(index, text, False)]])  # "* Networking Break": an item of its own
        elif entries:
            entries[-1][2].append((index, text, raw.startswith((" ", "\t"))))
        else:
            entries.append([None, None, [(index, text, False)]])
    programme = Programme()
    for start, end, items in entries:
        _read_entry(programme, start, items)
        if end:
            programme.end_time = t.parse_time(end)
    return programme


def _read_entry(programme, start, items):
    """One time slot: its first item takes the time, the others follow it untimed."""
    time = t.parse_time(start).isoformat() if start else None
    position = 0
    while position < len(items):
        index, text, _indented = items[position]
        following = [(i, x) for i, x, _ in items[position + 1 :]]
        talk, taken = _talk_of(text, index, following)
        position += 1 + taken  # the speaker line
        if talk is not None:
            abstract = []
            while position < len(items) and is_prose(items[position][1]):
                abstract.append(items[position][1])
                position += 1
            talk.abstract = "\n".join(abstract)
            programme.talks.append(talk)
            programme.agenda.append({"time": time, "kind": AgendaItem.Kind.TALK, "title": talk.title, "talk": talk})
        else:
            title = t.collapse(text).strip(" ;")
            programme.agenda.append({"time": time, "kind": agenda_kind(title), "title": title, "talk": None})
        time = None


def _agenda_line(text):
    """"Welcome", "Welcome & Intro", "Hot Topics": an agenda item even with names under it."""
    return agenda_kind(text) != AgendaItem.Kind.OTHER and len(text.split()) <= 4


def _ends(entry):
    """The slot "Wrap up & End" / "End": what follows is the invitation's closing words."""
    last = entry[2][-1][1] if entry[2] else ""
    return len(last) < 40 and re.search(r"^(?:wrap.?up|end)\b|\bend$", last, re.I) is not None


def is_prose(text):
    """An abstract's line: a sentence, not an agenda line ("Announcements & Job Openings")."""
    return len(text) > 90 or (text.endswith((".", "!", "?")) and len(text.split()) > 6)
