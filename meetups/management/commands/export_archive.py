from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from meetups.archive import FORMATS, editions_for_export, export
from meetups.archive.export import uploaded_slides_count
from vdlm.validators import WebURLValidator


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
        parser.add_argument(
            "--base-url",
            metavar="URL",
            default="",
            help="The site's address, e.g. https://meetup.example.org: slides uploaded to the site are linked "
            "under it (needed when there are any).",
        )

    def handle(self, *args, **options):
        editions = list(editions_for_export(include_drafts=options["include_drafts"]))
        base_url = options["base_url"].strip()
        if base_url:
            try:
                WebURLValidator()(base_url)
            except ValidationError:
                message = f"--base-url {base_url!r} is not a web address such as https://meetup.example.org."
                raise CommandError(message) from None
        elif uploaded := uploaded_slides_count(editions):
            raise CommandError(
                f"{uploaded} set(s) of slides are uploaded to the site: give --base-url https://<the site's address> "
                "so that their links work outside it."
            )
        text = export(options["format"], editions, base_url=base_url)
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
