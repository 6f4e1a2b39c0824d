"""The import report: what was found, created, changed, skipped and doubted, with where
in the files it came from. The command prints its summary; --report writes it as markdown."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

ERROR = "error"
SKIPPED = "skipped"
CONFLICT = "conflict"
WARNING = "warning"

# (kind, heading) in the order the markdown report lists them.
SECTIONS = [
    (ERROR, "Files not read"),
    (SKIPPED, "Skipped rows"),
    (CONFLICT, "Conflicts: the database value was kept"),
    (WARNING, "Warnings: imported, but check these"),
]

# (counter name, label) for the summary table.
COUNTED = [
    ("editions", "Editions"),
    ("talks", "Talks"),
    ("people", "People"),
    ("speakers", "Talk speakers"),
]
CREATED_ONLY = [
    ("venues", "venues"),
    ("organisations", "organisations"),
    ("sponsorships", "host sponsorships"),
    ("agenda items", "agenda items"),
]


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class Issue:
    kind: str
    where: str
    message: str


@dataclass
class FileSummary:
    name: str
    read_as: str = ""
    rows: int = 0
    imported: int = 0
    skipped: int = 0


@dataclass
class Report:
    """Everything one import run found and did; nothing is dropped without an entry here."""

    dry_run: bool = False
    files: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind, where, message):
        issue = Issue(kind, str(where), message)
        # The same doubt reached twice (two rows of one edition) is one entry.
        if issue not in self.issues:
            self.issues.append(issue)

    def error(self, where, message):
        self.add(ERROR, where, message)

    def skip(self, where, message):
        self.add(SKIPPED, where, message)

    def conflict(self, where, message):
        self.add(CONFLICT, where, message)

    def warn(self, where, message):
        self.add(WARNING, where, message)

    def file(self, name):
        summary = FileSummary(name)
        self.files.append(summary)
        return summary

    def count(self, what, outcome, number=1):
        self.counts[what][outcome] += number

    def change(self, text):
        self.changes.append(text)

    def of_kind(self, kind):
        return [issue for issue in self.issues if issue.kind == kind]

    @property
    def changed(self):
        return any(counter["created"] or counter["updated"] for counter in self.counts.values())

    def total(self, what):
        counter = self.counts[what]
        return counter["created"] + counter["updated"] + counter["unchanged"]

    def summary_lines(self):
        """A few lines for the terminal: counts, problems, and whether anything changed."""
        verb = "Would import" if self.dry_run else "Imported"
        parts = []
        for name, label in COUNTED:
            counter = self.counts[name]
            parts.append(f"{self.total(name)} {label.lower()} ({counter['created']} new, {counter['updated']} updated)")
        lines = [f"{verb} from {_count(len(self.files), 'file')}: " + ", ".join(parts) + "."]
        extra = [
            f"{self.counts[name]['created']} {label}" for name, label in CREATED_ONLY if self.counts[name]["created"]
        ]
        if extra:
            lines.append(("Would also create " if self.dry_run else "Also created ") + ", ".join(extra) + ".")
        lines.append(
            f"{_count(len(self.of_kind(WARNING)), 'warning')}, {_count(len(self.of_kind(CONFLICT)), 'conflict')}, "
            f"{_count(len(self.of_kind(SKIPPED)), 'skipped row')}, {_count(len(self.of_kind(ERROR)), 'file')} not read."
        )
        if not self.changed:
            lines.append("Nothing changed: the database already matches the archive.")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines

    def to_markdown(self):
        out = ["# Archive import report", ""]
        if self.dry_run:
            out += ["**Dry run: nothing was written.** The counts say what a real run would do.", ""]
        out += ["| | in the archive | new | updated | unchanged |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, label in COUNTED:
            counter = self.counts[name]
            cells = [label, self.total(name), counter["created"], counter["updated"], counter["unchanged"]]
            out.append("| " + " | ".join(str(cell) for cell in cells) + " |")
        out.append("")
        extra = [
            f"{self.counts[name]['created']} {label}" for name, label in CREATED_ONLY if self.counts[name]["created"]
        ]
        if extra:
            out += [("Would also create: " if self.dry_run else "Also created: ") + ", ".join(extra) + ".", ""]
        if not self.changed:
            out += ["Nothing changed: the database already matches the archive.", ""]
        out += [
            "## Files",
            "",
            "| file | read as | table rows | imported | skipped |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for summary in self.files:
            cells = [f"`{summary.name}`", summary.read_as or "–", summary.rows, summary.imported, summary.skipped]
            out.append("| " + " | ".join(str(cell) for cell in cells) + " |")
        out.append("")
        for kind, heading in SECTIONS:
            issues = self.of_kind(kind)
            out += [f"## {heading} ({len(issues)})", ""]
            out += [f"- `{issue.where}`: {issue.message}" for issue in issues] or ["None."]
            out.append("")
        out += [f"## {'Changes a real run would make' if self.dry_run else 'Changes'} ({len(self.changes)})", ""]
        out += [f"- {change}" for change in self.changes] or ["None."]
        out.append("")
        return "\n".join(out)
