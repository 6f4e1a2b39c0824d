"""Checks across the archive's files, once every file is read.

- A README whose header is a copy of another edition's (the old `Meetup_19/` starts with #1's
  bullets: same meetup.com event, same date) keeps its body, not that header; the Meetups
  table says which edition an event belongs to.
- Dates written without a year ("on March 19") get the year their neighbours in the numbering
  imply: #57 comes after #56 (17 January 2024), so its "March 19" is 19 March 2024. Each guess
  is a warning naming both neighbours.
- Numbers and dates that disagree (#44 dated before #43) are reported; both are kept as written.
- A talk that the tables name and the edition's README only describes in prose (2016–2019:
  "• A Comparison of Deep Learning Frameworks (Peter Ruch)" and a paragraph under it) gets
  that paragraph as its abstract.
"""

import datetime
import re
from collections import defaultdict

from . import text as t
from .facts import EDITION_README, EDITION_ROW, TalkFacts, is_number
from .programme import is_prose


def check_archive(parsed, report):
    """All three checks, in this order (a copy's date must not count as a neighbour's)."""
    drop_copies(parsed, report)
    give_years(parsed.editions, report)
    report_order(parsed.editions, report)
    prose_abstracts(parsed, report)
    report_editions_without_talks(parsed, report)


def report_editions_without_talks(parsed, report):
    """An edition README from which no file yields a talk: its text is kept as the invitation, and said so."""
    with_talks = {(talk.code or "").lower() for talk in parsed.talks}
    for facts in parsed.editions:
        if facts.priority == EDITION_README and facts.code and facts.code.lower() not in with_talks:
            report.warn(facts.where, f"#{facts.code}: no file names a talk of this edition (its README describes the "
                                     "evening in prose only); the text is kept as the invitation, add the talks in "
                                     "the admin")  # fmt: skip


def prose_abstracts(parsed, report):
    """Abstracts of talks named elsewhere, from the prose under their title in the edition's README."""
    described = {(talk.code or "").lower() + "/" + t.key(talk.title) for talk in parsed.talks if talk.readme}
    named = defaultdict(list)
    for talk in parsed.talks:
        if talk.readme is None and talk.code:
            named[talk.code.lower()].append(talk)
    for facts in parsed.editions:
        if facts.priority != EDITION_README or not facts.paragraphs or not facts.code:
            continue
        code = facts.code.lower()
        talks = [talk for talk in named[code] if f"{code}/{t.key(talk.title)}" not in described]
        titles = [t.key(talk.title) for talk in named[code]]
        for talk in talks:
            found = _prose_after_title(facts.paragraphs, t.key(talk.title), titles)
            if found:
                line, prose = found
                where = f"{facts.where.rsplit(':', 1)[0]}:{line + 1}"
                bios, abstract = _bios_in(prose, talk.speakers or [])
                found_talk = TalkFacts(facts.code, talk.title, where, EDITION_README, None, {"abstract": abstract})
                found_talk.readme = facts
                found_talk.bios = bios
                parsed.talks.append(found_talk)
                described.add(f"{code}/{t.key(talk.title)}")
                report.warn(where, f"#{facts.code}: the abstract of '{talk.title}' read from the invitation's prose")


def _bios_in(prose, speakers):
    """({name: bio}, abstract) of prose paragraphs: one that opens with a speaker ("Anouk is the CTO …",
    "Jakub Mačina is …") is that speaker's bio, the others are the abstract."""
    bios, abstract = {}, []
    for paragraph in prose.split("\n\n"):
        name = next((name for name, _ in speakers if t.opens_with_name(paragraph, name)), None)
        if name and name not in bios:
            bios[name] = paragraph
        else:
            abstract.append(paragraph)
    return bios, "\n\n".join(abstract)


HEADER_FIELDS = ("start_date", "end_date", "venue", "host", "meetup_url", "start_time", "end_time")


def drop_copies(parsed, report):
    """A README whose header (date, venue, meetup.com event) is another edition's keeps only its body.

    The old Meetup_19/ README starts with #1's bullets, then describes #19's talks: the talks and
    the invitation are #19's, the date and the venue are not imported for #19.
    """
    owners = {}  # meetup.com URL -> the code the Meetups table gives it
    for facts in parsed.editions:
        url = facts.values.get("meetup_url")
        if url and facts.priority == EDITION_ROW and facts.code:
            owners.setdefault(url.lower(), facts.code)
    for facts in parsed.editions:
        owner = owners.get((facts.values.get("meetup_url") or "").lower())
        if facts.priority == EDITION_README and owner and facts.code and owner.lower() != facts.code.lower():
            dropped = [name for name in HEADER_FIELDS if facts.values.pop(name, None) is not None]
            report.skip(facts.where, f"the header of this README is #{owner}'s (the Meetups table gives its meetup.com "
                                     f"event to #{owner}), not #{facts.code}'s: its {', '.join(dropped)} were not "
                                     f"imported for #{facts.code}")  # fmt: skip


def report_order(editions, report):
    """Warn where a higher number has an earlier date than a lower one (both kept as written)."""
    dates = {}
    for facts in editions:
        if facts.code and is_number(facts.code) and facts.values.get("start_date"):
            dates.setdefault(int(facts.code), (facts.values["start_date"], facts.where))
    previous = None
    for number in sorted(dates):
        if previous is not None and dates[number][0] < dates[previous][0]:
            report.warn(dates[number][1], f"#{number} is dated {dates[number][0].isoformat()}, before "
                                          f"#{previous} on {dates[previous][0].isoformat()}; kept as written, "
                                          "please check")  # fmt: skip
        previous = number


def give_years(editions, report):
    """Set start_date on EditionFacts that only hold a `month_day`, in number order; report every guess."""
    dated = {}
    for facts in editions:
        if facts.code and is_number(facts.code) and facts.values.get("start_date"):
            dated.setdefault(int(facts.code), facts.values["start_date"])
    undated = [facts for facts in editions if facts.values.get("month_day") and not facts.values.get("start_date")]
    for facts in sorted(undated, key=lambda facts: int(facts.code) if facts.code and is_number(facts.code) else 0):
        month, day = facts.values.pop("month_day")
        if not facts.code or not is_number(facts.code):
            report.warn(facts.where, f"#{facts.code}: the date has no year and the edition no number; not imported")
            continue
        number = int(facts.code)
        if number in dated:
            continue  # another file gives the whole date
        before = max((n for n in dated if n < number), default=None)
        after = min((n for n in dated if n > number), default=None)
        guess = _first_after(dated[before], month, day) if before else None
        if guess is None and after:
            guess = _last_before(dated[after], month, day)
        if guess is None:
            report.warn(facts.where, f"#{number}: the date has no year and no numbered neighbour has a date; "
                                     "the date was not imported")  # fmt: skip
            continue
        neighbours = ", ".join(f"#{n} on {dated[n].isoformat()}" for n in (before, after) if n)
        if after and guess >= dated[after]:
            report.warn(facts.where, f"#{number}: '{guess:%B} {day}' without a year fits no year between {neighbours}; "
                                     f"read as {guess.isoformat()}, please check")  # fmt: skip
        else:
            report.warn(facts.where, f"#{number}: the date has no year; read as {guess.isoformat()} ({neighbours})")
        facts.values["start_date"], facts.values["end_date"] = guess, None
        dated[number] = guess


def _first_after(day_before, month, day):
    for year in (day_before.year, day_before.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate > day_before:
            return candidate
    return None


def _last_before(day_after, month, day):
    for year in (day_after.year, day_after.year - 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate < day_after:
            return candidate
    return None


def _prose_after_title(paragraphs, title_key, titles):
    """(line index, text) of the prose that follows a line naming the title, or None.

    When the title is named more than once (#46 names each talk in the invitation, then gives
    its abstract under a line of its own further down), the longest prose is the abstract.
    """
    lines = [(start + offset, line) for start, block in paragraphs for offset, line in enumerate(block)]
    found = []
    for position, (index, line) in enumerate(lines):
        if not _names_title(line, title_key):
            continue
        prose = []
        for _, following in lines[position + 1 :]:
            text = following.strip()
            next_talk = any(other in t.key(text) for other in titles if len(other) >= 12)
            if next_talk or re.match(r"^[•*-]\s|^\(\d+\)", text):
                break  # the next talk, or the agenda's next item
            if not is_prose(text) or CLOSING_RE.match(text):
                if prose:
                    break
                continue  # a quoted subtitle under the title
            prose.append(text)
        if prose:
            found.append((index, "\n\n".join(prose)))
    return max(found, key=lambda pair: len(pair[1]), default=None)


def _names_title(line, title_key):
    """Whether a line names the talk: it holds the title, or its words with one more at most
    ("Eye Analysis : Designing a Neural Network …" in the README, "… Designing Neural Network …"
    in the table)."""
    if len(title_key) < 12:
        return False
    if title_key in t.key(line):
        return True
    title_words, line_words = t.words_of(title_key), t.words_of(line)
    return len(title_words) >= 4 and title_words <= line_words and len(line_words - title_words) <= 1


CLOSING_RE = re.compile(
    r"^(?:after the talks?|as usual|this meetup|this evening|looking forward|we (?:wish|would like) to thank|"
    r"thanks?|ps:|important|please|if you)",
    re.I,
)
