"""Importing a list of addresses (a CSV export of another tool) as pending members who must confirm."""

import csv
import dataclasses
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .models import Subscriber
from .services import is_suppressed, send_reconsent

EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address", "mail"}


@dataclasses.dataclass
class ImportReport:
    new: int = 0
    already: int = 0  # on the list, subscribed or waiting for their confirmation
    suppressed: int = 0  # left the list: not added back
    duplicates: int = 0  # the same address again in the file
    invalid: list = dataclasses.field(default_factory=list)  # [(line number, what was there)]


def read_addresses(data):
    """[(line number, cell)] of the file's addresses: the "email" column, or the first cell with an @."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:  # one column: nothing to tell the delimiter by
        dialect = "excel"
    rows = list(csv.reader(io.StringIO(text), dialect=dialect))
    column = None
    if rows and any(cell.strip().lower() in EMAIL_HEADERS for cell in rows[0]):
        column = next(i for i, cell in enumerate(rows[0]) if cell.strip().lower() in EMAIL_HEADERS)
        rows = [None, *rows[1:]]  # the header is line 1
    found = []
    for number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if column is not None:
            cell = row[column] if column < len(row) else ""
        else:
            cell = next((cell for cell in row if "@" in cell), row[0])
        found.append((number, cell.strip()))
    return found


def import_addresses(data, consent_text, base_url, now=None):
    """Add the file's new addresses as pending (source "admin import") and mail each one request to confirm.

    Nobody imported gets an invitation before confirming. Addresses that left the list are not
    added back. Returns an ImportReport.
    """
    now = now or timezone.now()
    report = ImportReport()
    seen = set()
    for number, cell in read_addresses(data):
        try:
            validate_email(cell)
        except ValidationError:
            report.invalid.append((number, cell[:80]))
            continue
        key = cell.lower()
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        if Subscriber.objects.filter(email__iexact=cell).exists():
            report.already += 1
        elif is_suppressed(cell):
            report.suppressed += 1
        else:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(
                    email=cell,
                    source=Subscriber.Source.IMPORT,
                    consent_text=consent_text,
                    consented_at=now,
                    confirmation_sent_at=now,
                )
                send_reconsent(subscriber, base_url)
            report.new += 1
    return report
