from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetups.archive import FORMATS, editions_for_export, export


class Command(BaseCommand):
    """Export editions and talks: the README's `## Meetups` table (markdown), CSV or JSON."""

    help = (
        "Export the archive: --format markdown writes the README's '## Meetups' table to paste into "
        "github.com/vdlm/meetups; csv and json write editions and talks for spreadsheets and scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), help="Output format.")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE instead of standard output.")
        parser.add_argument(
            "--include-drafts", action="store_true", help="Also export unpublished editions (the README is public)."
        )

    def handle(self, *args, **options):
        text = export(options["format"], editions_for_export(include_drafts=options["include_drafts"]))
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"--output {path}: the folder {path.parent} does not exist.")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--output {path}: cannot write: {error.strerror}") from None
        self.stderr.write(f"Wrote {options['format']} export to {path}.")
