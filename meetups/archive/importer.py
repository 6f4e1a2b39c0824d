"""The import service: read the archive's READMEs, merge them, and write the result into
the database without ever overwriting what organizers changed in the admin.

Rows are matched by natural keys: editions by code (case-insensitive), talks by edition
and title (ignoring case, accents and punctuation), people by their name without
accents. A field is written when it is empty, or still holds what the last import
wrote (kept in ArchiveImportRecord); any other difference is an organizer's edit and
is reported as a conflict. Nothing is ever deleted.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sponsors.models import Organisation, Sponsorship
from talks.models import Person, Talk, TalkSpeaker
from vdlm.page_cache import content_changed

from ..models import AgendaItem, ArchiveImportRecord, Edition, Venue
from . import text as t
from .checks import check_archive
from .facts import Parsed
from .merge import merge
from .parse import parse_document
from .report import ERROR, Report
from .sources import ArchiveInputError, find_files, read_document

EDITION_FIELDS = [
    "title",
    "topic",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "description",
    "meetup_url",
    "video_url",
    "photos_url",
    "intro_slides_url",
]
TALK_FIELDS = ["title", "kind", "abstract", "slides_url", "video_url"]
PERSON_FIELDS = ["affiliation", "bio"]
_MISSING = object()


def import_archive(paths, *, dry_run=False):
    """Import the README files (or folders of them) at `paths`; returns the Report.

    Everything is written in one transaction; with dry_run it is rolled back, so the
    report says what would happen and nothing is stored. Raises ArchiveInputError when
    there is nothing to import at all (missing path, empty folder, no usable file).
    """
    report = Report(dry_run=dry_run)
    paths = sorted(find_files(paths), key=_reading_order)
    parsed = Parsed()
    for path in paths:
        document = read_document(path, report)
        if document is None:
            continue
        found = parse_document(document, report)
        parsed.editions += found.editions
        parsed.talks += found.talks
    check_archive(parsed, report)
    if not parsed.editions:
        problems = "; ".join(f"{issue.where}: {issue.message}" for issue in report.of_kind(ERROR))
        raise ArchiveInputError("Nothing to import. " + (problems or "The files hold no meetups or talks."))
    archive = merge(parsed, report)
    with transaction.atomic():
        _Writer(report).write(archive)
        if dry_run:
            transaction.set_rollback(True)
        else:
            # Speakers and agendas go in with bulk_create, which sends no signal: the cached pages must still go.
            content_changed()
    return report


def _reading_order(path):
    """Root READMEs before edition READMEs, then by path: the same result for any argument order."""
    posix = path.as_posix()
    is_edition = bool(re.search(r"(^|/)Meetups/|Meetup_[^/]*$", posix))
    return (is_edition, posix)


def _plain(value):
    """A value as JSON keeps it (dates and times as ISO text), for comparing with the record."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _show(value):
    shown = t.collapse(str(value))
    return shown if len(shown) <= 80 else shown[:77] + "…"


def _unique_slug(base, taken, suffix=""):
    """base, else base-suffix, else numbered: the first slug not taken yet (and take it)."""
    base = base[:180].strip("-") or "item"
    candidates = [base] + ([f"{base}-{slugify(suffix)}"] if slugify(suffix) else [])
    slug = next((candidate for candidate in candidates if candidate not in taken), None)
    number = 2
    while slug is None:
        if f"{candidates[-1]}-{number}" not in taken:
            slug = f"{candidates[-1]}-{number}"
        number += 1
    taken.add(slug)
    return slug


class _Writer:
    def __init__(self, report):
        self.report = report
        self.records = {(r.model_label, r.object_id): r for r in ArchiveImportRecord.objects.all()}
        self.dirty = {}
        self.people = {}
        self.person_by_key = {}
        people = {person.pk: person for person in Person.objects.order_by("pk")}
        for person in people.values():
            self.person_by_key.setdefault(t.key(person.name), person)
            self.person_by_key.setdefault(person.slug, person)
        self.person_slugs = set(Person.objects.values_list("slug", flat=True))
        self.talk_slugs = set(Talk.objects.values_list("slug", flat=True))
        self.organisations = {t.key(org.name): org for org in Organisation.objects.order_by("-pk")}
        self.organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.venues = {venue.name.lower(): venue for venue in Venue.objects.select_related("organisation")}
        self.talks = {}
        talks = {talk.pk: talk for talk in Talk.objects.order_by("pk")}
        for talk in talks.values():
            self.talks.setdefault((talk.edition_id, t.key(talk.title)), talk)
        # Rows an organizer renamed in the admin are still found under the name the import gave them,
        # so the rename is reported as a conflict instead of the archive's row coming back as a duplicate.
        self.recorded_codes = {}
        for (label, pk), record in self.records.items():
            if label == "talks.talk" and pk in talks and "title" in record.values:
                self.talks.setdefault((talks[pk].edition_id, t.key(record.values["title"])), talks[pk])
            elif label == "talks.person" and pk in people and "name" in record.values:
                self.person_by_key.setdefault(t.key(record.values["name"]), people[pk])
            elif label == "meetups.edition" and "code" in record.values:
                self.recorded_codes.setdefault(record.values["code"].lower(), pk)

    # --- Records of what the import wrote ------------------------------------

    def _record(self, obj):
        label = obj._meta.label_lower
        record = self.records.get((label, obj.pk))
        if record is None:
            record = self.records[(label, obj.pk)] = ArchiveImportRecord(model_label=label, object_id=obj.pk)
        return record

    def _remember(self, obj, name, value):
        record = self._record(obj)
        if record.values.get(name, _MISSING) != value:
            record.values = {**record.values, name: value}
            self.dirty[(record.model_label, record.object_id)] = record

    def _remember_fields(self, obj, names):
        for name in names:
            self._remember(obj, name, _plain(getattr(obj, name)))

    def _clip(self, text, limit, where, label):
        """Text cut to a column's size, with a warning: a name this long is a misread cell, worth a look."""
        if len(text) <= limit:
            return text
        self.report.warn(where, f"{label}: '{_show(text)}' has {len(text)} characters; cut to {limit}")
        return text[:limit]

    def _fits(self, obj, name, value, where, label):
        max_length = getattr(obj._meta.get_field(name), "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            self.report.warn(
                where, f"{label}: the {name} has {len(value)} characters, at most {max_length} fit; not imported"
            )
            return False
        return True

    def _settle(self, obj, name, value, where, label, created):
        """Give one field the archive's value unless an organizer changed it; True when it changed."""
        if value is None or value == "":
            return False
        new, current = _plain(value), _plain(getattr(obj, name))
        if current == new:
            if obj.pk:
                self._remember(obj, name, new)
            return False
        recorded = self._record(obj).values.get(name, _MISSING) if obj.pk else _MISSING
        if created or current in (None, "") or recorded == current:
            if not self._fits(obj, name, value, where, label):
                return False
            setattr(obj, name, value)
            if obj.pk:
                self._remember(obj, name, new)
            return True
        self.report.conflict(
            where,
            f"{label}: the {name.replace('_', ' ')} in the database is '{_show(current)}', the archive says "
            f"'{_show(new)}'; kept the database value",
        )
        return False

    # --- Writing ---------------------------------------------------------------

    def write(self, archive):
        for merged in archive.people.values():
            self._person(merged)
        editions = {}
        for key, merged in sorted(
            archive.editions.items(), key=lambda item: (item[1].value("start_date") or datetime.date.max, item[0])
        ):
            talks = [talk for (code, _), talk in archive.talks.items() if code == key]
            edition = self._edition(merged, len(talks))
            if edition is not None:
                editions[key] = (edition, merged)
                for talk in talks:
                    self._talk(talk, edition)
        for edition, merged in editions.values():
            self._agenda(edition, merged)
        for record in self.dirty.values():
            record.save()

    def _person(self, merged):
        person = self.person_by_key.get(merged.key)
        created = person is None
        label = f"person '{merged.name}'"
        changed = []
        if created:
            name = self._clip(merged.name, 200, merged.where, "a speaker's name")
            person = Person(name=name, slug=_unique_slug(merged.key, self.person_slugs))
        elif t.key(person.name) != merged.key:
            self.report.conflict(
                merged.where,
                f"{label}: the name in the database is '{person.name}'; kept the database value",
            )
        elif t.accents(merged.name) > t.accents(person.name):
            # The accented spelling is the right one ("René", not "Rene"): not an organizer's choice to keep.
            self.report.warn(merged.where, f"{label}: the database had '{person.name}'; now '{merged.name}'")
            person.name = merged.name
            changed.append("name")
        for name in PERSON_FIELDS:
            value = merged.bio if name == "bio" else merged.affiliation
            if self._settle(person, name, value, merged.where, label, created):
                changed.append(name)
        self._save(person, created, changed, "people", label, ["name", *PERSON_FIELDS])
        self.people[merged.key] = person

    def _save(self, obj, created, changed, counter, label, tracked):
        if created:
            obj.save()
            self._remember_fields(obj, tracked)
            self.report.count(counter, "created")
            self.report.change(f"created {label}")
        elif changed:
            update = [*changed, "updated_at"] if hasattr(obj, "updated_at") else changed
            obj.save(update_fields=update)
            self._remember_fields(obj, [name for name in changed if name in tracked])
            self.report.count(counter, "updated")
            self.report.change(f"updated {label}: {', '.join(changed)}")
        else:
            self.report.count(counter, "unchanged")

    def _edition(self, merged, talk_count):
        label = f"#{merged.code}"
        editions = Edition.objects.select_related("venue")
        edition = editions.filter(code__iexact=merged.code).first()
        if edition is not None:
            self._remember(edition, "code", edition.code)
        elif merged.code.lower() in self.recorded_codes:
            edition = editions.filter(pk=self.recorded_codes[merged.code.lower()]).first()
            if edition is not None:
                self.report.conflict(
                    merged.where, f"{label}: the edition's code in the database is '{edition.code}'; kept it"
                )
        created = edition is None
        start = merged.value("start_date")
        if created:
            if start is None:
                self.report.skip(
                    merged.where,
                    f"{label}: no source gives its date, so the edition and its {talk_count} talks were not imported",
                )
                return None
            last = merged.value("end_date") or start
            edition = Edition(
                code=merged.code,
                kind=merged.value("kind") or Edition.Kind.MEETUP,
                start_date=start,
                published=last < timezone.localdate(),
            )
            if not edition.published:
                self.report.warn(
                    merged.where, f"{label}: an upcoming edition, imported as a draft; publish it in the admin"
                )
        before = {name: getattr(edition, name) for name in EDITION_FIELDS}
        changed = [
            name
            for name in EDITION_FIELDS
            if name in merged.facts
            and self._settle(edition, name, merged.facts[name].value, merged.facts[name].where, label, created)
        ]
        changed += self._number(edition, merged, label, created)
        changed = self._keep_consistent(edition, before, changed, merged, label)
        if self._venue(edition, merged, label, created):
            changed.append("venue")
        self._save(edition, created, changed, "editions", f"edition {label}", ["code", "number", *EDITION_FIELDS])
        if created and edition.venue_id:
            self._remember(edition, "venue", edition.venue.name)
        self._host(edition, merged, label)
        return edition

    def _number(self, edition, merged, label, created):
        number = merged.value("number")
        if number is None or edition.number == number:
            return []
        taken = Edition.objects.filter(kind=edition.kind, number=number).exclude(pk=edition.pk).first()
        if taken:
            self.report.conflict(
                merged.where, f"{label}: number {number} already belongs to #{taken.code}; the number was not set"
            )
            return []
        return ["number"] if self._settle(edition, "number", number, merged.where, label, created) else []

    def _keep_consistent(self, edition, before, changed, merged, label):
        """Undo an end date or end time that would end the edition before it starts (a mix of sources)."""
        if edition.end_date and edition.end_date < edition.start_date:
            self.report.warn(
                merged.where, f"{label}: the end date {edition.end_date} is before the start; not imported"
            )
            edition.end_date = before["end_date"]
            changed = [name for name in changed if name != "end_date"]
        multi_day = edition.end_date and edition.end_date > edition.start_date
        if edition.start_time and edition.end_time and not multi_day and edition.end_time <= edition.start_time:
            self.report.warn(
                merged.where, f"{label}: the end time {edition.end_time} is not after the start; not imported"
            )
            edition.end_time = before["end_time"]
            changed = [name for name in changed if name != "end_time"]
        return changed

    def _venue(self, edition, merged, label, created):
        fact = merged.facts.get("venue")
        if fact is None:
            return False
        current = edition.venue.name if edition.venue_id else None
        if current and current.lower() == fact.value.lower():
            if edition.pk:
                self._remember(edition, "venue", current)
            return False
        recorded = self._record(edition).values.get("venue", _MISSING) if edition.pk else _MISSING
        if not (created or current is None or recorded == current):
            self.report.conflict(
                fact.where,
                f"{label}: the venue in the database is '{current}', the archive says '{fact.value}'; "
                "kept the database value",
            )
            return False
        if not self._fits(Venue(), "name", fact.value, fact.where, label):
            return False
        edition.venue = self._get_venue(fact.value)
        if edition.pk:
            self._remember(edition, "venue", edition.venue.name)
        return True

    def _get_venue(self, name):
        venue = self.venues.get(name.lower())
        if venue is None:
            venue = Venue.objects.create(name=name, organisation=self._organisation(name))
            self.venues[name.lower()] = venue
            self.report.count("venues", "created")
            self.report.change(f"created venue '{name}'")
        return venue

    def _organisation(self, name):
        organisation = self.organisations.get(t.key(name))
        if organisation is None:
            organisation = Organisation.objects.create(
                name=self._clip(name, 200, "archive", "an organisation's name"),
                slug=_unique_slug(t.key(name), self.organisation_slugs),
            )
            self.organisations[t.key(name)] = organisation
            self.report.count("organisations", "created")
            self.report.change(f"created organisation '{name}'")
        return organisation

    def _host(self, edition, merged, label):
        """The venue host: the README's named host, else the venue's organisation. Only added when missing."""
        host_fact = merged.facts.get("host")
        if host_fact is None and (merged.facts.get("venue") is None or edition.venue is None):
            return
        where = (host_fact or merged.facts["venue"]).where
        wanted = host_fact.value if host_fact else None
        if wanted is None:
            venue = edition.venue
            if venue.organisation is None:
                venue.organisation = self._organisation(venue.name)
                venue.save(update_fields=["organisation"])
            wanted = venue.organisation.name
        existing = Sponsorship.objects.filter(edition=edition, role=Sponsorship.Role.HOST).select_related(
            "organisation"
        )
        existing = existing.first()
        if existing is not None:
            if t.key(existing.organisation.name) != t.key(wanted):
                self.report.conflict(
                    where,
                    f"{label}: the host in the database is '{existing.organisation.name}', the archive says "
                    f"'{wanted}'; kept the database value",
                )
            return
        organisation = self._organisation(wanted)
        Sponsorship.objects.create(edition=edition, organisation=organisation, role=Sponsorship.Role.HOST)
        self.report.count("sponsorships", "created")
        self.report.change(f"created host sponsorship of {label}: {organisation.name}")

    def _talk(self, merged, edition):
        title = merged.title.value
        label = f"#{edition.code} '{_show(title)}'"
        talk = self.talks.get((edition.pk, t.key(title)))
        created = talk is None
        if created:
            if not self._fits(Talk(), "title", title, merged.where, label):
                self.report.skip(merged.where, f"{label}: the title is too long for a talk; not imported")
                return
            talk = Talk(
                edition=edition,
                title=title,
                slug=_unique_slug(t.key(title), self.talk_slugs, edition.code),
                kind=merged.value("kind") or Talk.Kind.TALK,
            )
        changed = []
        for name in TALK_FIELDS:
            fact = merged.title if name == "title" else merged.facts.get(name)
            if fact is None:
                continue
            if name == "slides_url" and talk.slides_file:
                self.report.conflict(
                    fact.where, f"{label}: the talk has an uploaded PDF; the archive's slides link was not stored"
                )
                continue
            if self._settle(talk, name, fact.value, fact.where, label, created):
                changed.append(name)
        self._save(talk, created, changed, "talks", f"talk {label}", TALK_FIELDS)
        self.talks[(edition.pk, t.key(title))] = talk
        self._speakers(talk, merged, label, created)

    def _speakers(self, talk, merged, label, created):
        existing = {} if created else {speaker.person_id: speaker for speaker in talk.talk_speakers.all()}
        position = max((speaker.position for speaker in existing.values()), default=-1) + 1
        for name, affiliation in merged.speaker_list:
            person = self.people[t.key(name)]
            speaker = existing.get(person.pk)
            what = f"{label}: speaker {person.name}"
            if speaker is None:
                affiliation = self._clip(affiliation, 200, merged.where, f"{what}'s affiliation")
                speaker = TalkSpeaker(talk=talk, person=person, position=position, affiliation=affiliation)
                position += 1
                # bulk_create skips TalkSpeaker.save(), which would copy today's affiliation into an old talk
                # where the archive names none.
                TalkSpeaker.objects.bulk_create([speaker])
                self._remember_fields(speaker, ["affiliation"])
                existing[person.pk] = speaker
                self.report.count("speakers", "created")
                self.report.change(f"added {what}" + (f", {affiliation}" if affiliation else ""))
            elif self._settle(speaker, "affiliation", affiliation, merged.where, what, False):
                speaker.save(update_fields=["affiliation"])
                self.report.count("speakers", "updated")
                self.report.change(f"updated {what}: affiliation")
            else:
                self.report.count("speakers", "unchanged")

    def _agenda(self, edition, merged):
        fact = merged.facts.get("agenda")
        if fact is None:
            return
        label = f"#{edition.code}"
        wanted = []
        for position, item in enumerate(fact.value, start=1):
            talk = self.talks.get((edition.pk, item["talk"] or t.key(item["title"])))
            kind = AgendaItem.Kind.TALK if talk else item["kind"]
            wanted.append([position * 10, item["time"], kind, item["title"][:300], t.key(talk.title) if talk else None])
        items = list(edition.agenda_items.select_related("talk").order_by("position"))
        current = [
            [
                item.position,
                _plain(item.start_time),
                item.kind,
                item.title,
                t.key(item.talk.title) if item.talk_id else None,
            ]
            for item in items
        ]
        if current == wanted:
            self._remember(edition, "agenda", wanted)
            return
        if current and self._record(edition).values.get("agenda") != current:
            self.report.conflict(
                fact.where,
                f"{label}: the agenda in the database differs from the archive's ({len(wanted)} items); "
                "kept the database's",
            )
            return
        edition.agenda_items.all().delete()
        talks = {t.key(talk.title): talk for talk in edition.talks.all()}
        items = []
        for position, time, kind, title, talk_key in wanted:
            talk = talks.get(talk_key) if talk_key else None
            items.append(
                AgendaItem(
                    edition=edition,
                    position=position,
                    start_time=datetime.time.fromisoformat(time) if time else None,
                    kind=kind,
                    title=title or (talk.title if talk else ""),
                    talk=talk,
                    # The archive's wording where it is not the talk's title: the slot's own.
                    own_title=talk is not None and bool(title) and title != talk.title,
                )
            )
        AgendaItem.objects.bulk_create(items)
        self._remember(edition, "agenda", wanted)
        self.report.count("agenda items", "created", len(wanted))
        self.report.change(f"{'replaced' if current else 'created'} the agenda of {label} ({len(wanted)} items)")
