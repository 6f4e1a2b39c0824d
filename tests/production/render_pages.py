"""Render public pages from whatever database DATABASE_URL names, as JSON into a file.

Run as `python -m tests.production.render_pages OUTPUT PATH...` by the backup and migration
tests, so that the pages of a restored or re-migrated database are rendered by a
process that never saw the original one. Per-request values (CSRF tokens, the
forms' render timestamps) are blanked: they differ on every request.
"""

import json
import os
import re
import sys

VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1"),
    (re.compile(r'(name="rendered_at" value=")[^"]*'), r"\1"),
]


def render(paths):
    """{path: [status, body]} for each path, fetched with Django's test client."""
    from django.test import Client

    client = Client()
    pages = {}
    for path in paths:
        response = client.get(path)
        body = response.content.decode()
        for pattern, replacement in VOLATILE:
            body = pattern.sub(replacement, body)
        pages[path] = [response.status_code, body]
    return pages


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    # A file, not stdout: the site logs to stdout.
    with open(sys.argv[1], "w", encoding="utf-8") as output:
        json.dump(render(sys.argv[2:]), output)
