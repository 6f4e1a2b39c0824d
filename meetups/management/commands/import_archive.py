from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from meetups.archive import ArchiveInputError, import_archive


class Command(BaseCommand):
    """Import the GitHub archive (vdlm/meetups) READMEs; see docs/archive.md.

    Idempotent: a second run changes nothing. Conflicts with what organizers edited
    in the admin are reported, never overwritten.
    """

    help = (
        "Import editions and talks from the vdlm/meetups README files (the root README and/or "
        "Meetups/Meetup_N/README.md; folders are searched for both)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="README files or folders of them.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--report", metavar="FILE", help="Write the full report as markdown to FILE.")

    def handle(self, *args, **options):
        report_path = Path(options["report"]) if options["report"] else None
        if report_path and not report_path.parent.is_dir():
            raise CommandError(f"--report {report_path}: the folder {report_path.parent} does not exist.")
        if report_path and report_path.is_dir():
            raise CommandError(f"--report {report_path}: that is a folder; give a file name.")
        try:
            report = import_archive(options["paths"], dry_run=options["dry_run"])
        except ArchiveInputError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            # The import runs in one transaction, so a refused write leaves the database as it was.
            raise CommandError(f"The database refused a write; nothing was imported: {error}") from None
        if report_path:
            try:
                report_path.write_text(report.to_markdown(), encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--report {report_path}: cannot write the report: {error.strerror}") from None
        verbosity = options["verbosity"]
        if verbosity >= 1:
            for issue in report.issues:
                self.stdout.write(f"{issue.kind}: {issue.where}: {issue.message}")
        if verbosity >= 2:
            for change in report.changes:
                self.stdout.write(f"change: {change}")
        for line in report.summary_lines():
            self.stdout.write(self.style.SUCCESS(line) if line.startswith(("Imported", "Would")) else line)
        if report_path:
            self.stdout.write(f"Report written to {report_path}.")
