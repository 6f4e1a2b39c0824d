"""Reading the archive's markdown into facts (meetups.archive.facts), one file at a time.

The shapes are recognised by their content rather than their file name:

- a "Meetups" table `# | Date | Venue | Topic | Content | Video | Photos | Meetup.com`
  (the 2019 root README), one row per edition, and talks tables
  `Date | MU# | Speaker | Topic | Slides` (2019) or `Date | # | Speaker | Topic | Slides | Details`
  (meetups.archive.tables);
- an edition README with `* Date:` bullets (2016–2024, meetups.archive.bullets);
- an edition README written as the invitation (2023–2026: an agenda with times, then the
  talks' details; meetups.archive.invitation).
"""

import re

from .bullets import EditionReadme
from .facts import Context, Parsed
from .invitation import InvitationReadme, is_invitation_readme
from .tables import Table, blocks


def parse_document(document, report):
    """All facts of one README; file-level problems go to the report."""
    summary = report.file(document.name)
    lines = document.text.split("\n")
    parsed = Parsed()
    context = Context(document, report, summary, parsed)
    kinds = []
    if is_bullets_readme(lines):
        readme = EditionReadme(context, lines).parse()
        context.default_code = readme.code
        kinds.append(_family("edition README with '* Date:' bullets (2016–2024)", readme, parsed))
    elif is_invitation_readme(document, lines):
        readme, _talks = InvitationReadme(context, lines).parse()
        context.default_code = readme.code
        kinds.append(_family("edition README written as the invitation (2023–2026)", readme, parsed))
    for start, block in blocks(lines):
        kind = Table(context, start, block).parse()
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


def _family(name, readme, parsed):
    """"edition README … (#32): 2 talks, 8 agenda items": what a file was read as, with its counts."""
    talks = sum(1 for talk in parsed.talks if talk.readme is readme)
    agenda = len(readme.values.get("agenda", []))
    code = f" (#{readme.code})" if readme.code else ""
    return f"{name}{code}: {talks} talk{'s' if talks != 1 else ''}, {agenda} agenda item{'s' if agenda != 1 else ''}"


def is_bullets_readme(lines):
    has_heading = any(re.match(r"^#\s+\S", line) for line in lines[:5])
    has_date = any(re.match(r"^\s*[*-]\s*Date\s*:", line, re.IGNORECASE) for line in lines[:40])
    return has_heading and has_date
