"""Every public page of a seeded site, rendered at a fixed moment: to show that a change of code changes no page.

    python -m bench.snapshot build DB            # a new SQLite file: the bench data set (SMALL) and the demo
    python -m bench.snapshot render DB OUT.json  # every page of it, as the code of this checkout renders it
    python -m bench.snapshot compare A.json B.json

Render the same database file with the code before and after a change (the "before"
from a `git worktree` of the older commit) and compare: whitespace is normalised,
per-request values (CSRF tokens, the forms' render times) are blanked; anything else
that differs is printed, page by page. The pages are those of the sitemap, the
benchmark's (bench/seed.py), the feeds, calendars, decks, raffles and the API's lists
and details, fetched with Django's test client and the page cache off.
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own sitemap
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The moment every page is rendered at (a Wednesday evening in Vienna), and the data set's "today".
MOMENT = "2026-11-25T17:00:00+00:00"
VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1"),
    (re.compile(r'(name="rendered_at" value=")[^"]*'), r"\1"),
]


def _setup(database):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(database):
    """Migrate a new SQLite file and fill it with the bench's small data set and the demo editions."""
    import time_machine

    Path(database).unlink(missing_ok=True)
    _setup(database)
    from django.core.management import call_command
    from django.utils import timezone

    from bench import seed
    from meetups.demo import load_demo

    with time_machine.travel(MOMENT, tick=False):
        call_command("migrate", verbosity=0)
        seed.seed(seed.SMALL, today=timezone.localdate())
        load_demo()


def _paths(client):
    from bench import seed
    from meetups.models import Edition
    from raffles.models import Raffle
    from talks.models import Person, Talk

    paths = set(seed.bench_paths().values())
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - the site's own output
    paths.update(urlsplit(loc.text).path for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"))
    for edition in Edition.objects.all():
        code = edition.code.lower()
        paths.update({edition.get_absolute_url(), f"/meetups/{code}/deck/", f"/meetups/{code}/calendar.ics"})
        paths.add(f"/api/editions/{code}/")
    for raffle in Raffle.objects.all():
        paths.update({raffle.get_absolute_url(), raffle.get_absolute_url() + "result/"})
    paths.update(f"/api/talks/{slug}/" for slug in Talk.objects.values_list("slug", flat=True))
    paths.update(f"/api/speakers/{slug}/" for slug in Person.objects.values_list("slug", flat=True))
    paths.update(
        [
            "/meetups/feed/",
            "/meetups/feed/atom/",
            "/talks/feed/",
            "/talks/feed/atom/",
            "/meetups/calendar.ics",
            "/api/",
            "/api/openapi.json",
            "/api/editions/",
            "/api/editions/?page=2",
            "/api/talks/",
            "/api/talks/?page=2",
            "/api/speakers/",
            "/talks/?page=2",
            "/speakers/?page=2",
            "/meetups/?page=2",
            "/talks/?q=learning",
            "/speakers/?q=a",
            "/contribute/",
            "/privacy/",
            "/jobs/",
            "/sponsors/",
        ]
    )
    return sorted(paths)


def render(database, output):
    """{path: [status, content type, body]} of every page, written to `output` as JSON."""
    import time_machine

    _setup(database)
    from django.test import Client

    pages = {}
    with time_machine.travel(MOMENT, tick=False):
        client = Client()
        for path in _paths(client):
            response = client.get(path)
            body = response.content.decode()
            for pattern, replacement in VOLATILE:
                body = pattern.sub(replacement, body)
            pages[path] = [response.status_code, response.get("Content-Type", ""), body]
    Path(output).write_text(json.dumps(pages, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{len(pages)} pages written to {output}")


def _normalised(body):
    return " ".join(re.sub(r">\s+<", "><", body).split())


def compare(before, after):
    """Print each page that differs (whitespace aside); exit status 1 if any does."""
    old = json.loads(Path(before).read_text(encoding="utf-8"))
    new = json.loads(Path(after).read_text(encoding="utf-8"))
    differing = 0
    for path in sorted(set(old) | set(new)):
        if path not in old or path not in new:
            print(f"{path}: only in {'after' if path in new else 'before'}")
            differing += 1
            continue
        (old_status, old_type, old_body), (new_status, new_type, new_body) = old[path], new[path]
        a, b = _normalised(old_body), _normalised(new_body)
        if (old_status, old_type, a) == (new_status, new_type, b):
            continue
        differing += 1
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        print(f"{path}: {old_status} -> {new_status}, first difference at {at}:")
        print(f"  before: {a[max(0, at - 80) : at + 120]!r}")
        print(f"  after:  {b[max(0, at - 80) : at + 120]!r}")
    print(f"{len(old)} pages before, {len(new)} after, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "build":
        build(*arguments)
    elif command == "render":
        render(*arguments)
    elif command == "compare":
        sys.exit(compare(*arguments))
    else:
        raise SystemExit(__doc__)
