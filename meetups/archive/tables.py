"""The archive's markdown tables: the root README's "Meetups" table (one row per edition)
and its talks tables (one row per talk; the speaker `VDLM` marks the organizers' intro).

Tables are recognised by their header, and by their content where the header lies.
"""


from . import text as t
from .facts import (
    CODE_RE,
    EDITION_ROW,
    TALK_ROW,
    VIDEO_HOST_RE,
    EditionFacts,
    TalkFacts,
    check_details_folder,
    check_folder,
    clean_code,
    code_values,
    infer_kind,
    is_number,
)

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
def blocks(lines):
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


class Table:
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
        self._columns_by_content(header, rows)
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
        self.short_rows = []  # (line index, cells) of rows shorter than the header
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
                imported = handler(self._values(cells, header, where, index), where)
            if imported:
                c.summary.imported += 1
            else:
                c.summary.skipped += 1
        self._report_short_rows(header)
        return kind

    def _columns_by_content(self, header, rows):
        """A column whose cells are all dates is the date column, whatever the header calls it.

        The mid-2023 root README says `| # | Date | …` over rows `| 2023-05-04 | 50 | …`: the two
        columns trade their roles, and the mismatch is reported once for the table.
        """
        cells = [t.split_row(line) for _, line in rows]
        cells = [row for row in cells if any(row) and not all(not cell or t.is_placeholder(cell) for cell in row)]
        if not cells:
            return
        dated = [
            position
            for position in range(len(header))
            if all(position < len(row) and _is_date(row[position]) for row in cells)
        ]
        if not dated or self.columns[dated[0]] == "date":
            return
        found = dated[0]
        named = self.columns.index("date") if "date" in self.columns else None
        if named is not None:
            self.columns[named] = self.columns[found]
        self.columns[found] = "date"
        said = f"column {named + 1} ('{t.collapse(header[named])}')" if named is not None else "no column"
        self.c.report.warn(
            self.c.where(self.start),
            f"the header names {said} as the date, but column {found + 1} ('{t.collapse(header[found])}') holds "
            "the dates: the table was read by its content",
        )

    def _report_short_rows(self, header):
        """One warning for the rows with fewer cells than the header: today's root README leaves
        the Details column out of 92 rows, and 92 identical lines would hide the rest."""
        if not self.short_rows:
            return
        (first_index, first_count), *more = self.short_rows
        missing = ", ".join(repr(h) for h in header[first_count:])
        also = ""
        if more:
            also = f" (so do {len(more)} more rows of this table, lines {more[0][0] + 1}–{more[-1][0] + 1})"
        self.c.report.warn(
            self.c.where(first_index),
            f"the row has {first_count} cells, the header {len(header)}; the missing {missing} read as empty{also}",
        )

    def _values(self, cells, header, where, index):
        if len(cells) < len(header):
            self.short_rows.append((index, len(cells)))
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
        code = clean_code(raw) if raw and not t.is_placeholder(raw) else self.c.default_code
        if not code:
            self.c.report.skip(where, "no edition number or code in the # column")
            return None
        if not CODE_RE.match(code) or len(code) > 20 or (code.isdigit() and not is_number(code)):
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
        if t.is_placeholder_link(target):
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
        check_folder(self.c.report, where, code, url, what)
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
            elif label.lower().startswith(("video", "youtube", "recording")) or VIDEO_HOST_RE.search(url):
                videos.append(url)
            elif t.archive_path(url) is not None:
                check_details_folder(self.c.report, where, code, url)
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
        if t.is_intro_row(speaker_cell, values.get("topic", "")):
            intro = self._link(values.get("slides", ""), code, where, "intro slides")
            video = self._details(values.get("details", ""), code, where)
            self._edition(code, where, TALK_ROW, {**edition_values, "intro_slides_url": intro, "video_url": video})
            return True
        title = t.collapse(values.get("topic", ""))
        if not title or t.is_placeholder(title):
            date_cell = t.collapse(values.get("date", ""))
            if not speaker_cell and t.is_placeholder(date_cell):  # today's root README: `| ... |  42 | |`
                self.c.report.skip(where, f"#{code}: a placeholder row ('{date_cell}' and no talk), nothing to import")
            else:
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
                check_details_folder(self.c.report, where, code, url)
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


def _is_date(cell):
    try:
        t.parse_dates(cell)
    except ValueError:
        return False
    return True
