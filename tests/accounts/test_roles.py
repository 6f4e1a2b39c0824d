"""The roles of docs/organizers.md, as the database holds them and as the admin treats them: every
admin page (list, add, change, delete) and every action, signed in as each role."""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import DOOR, EDITOR, HOST_CONTACT, ORGANIZER, REVIEWER, STAFF_ROLES
from contributions.models import Proposal
from meetups.demo import load_demo
from meetups.models import Edition
from rsvps import services as rsvp_services
from rsvps.models import RsvpSettings
from tests.factories import (
    EditionFactory,
    ProposalFactory,
    ProposalRatingFactory,
    RaffleEntryFactory,
    SuperUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "organizers.md"
ROLES_IN_DOCS = [ORGANIZER, EDITOR, REVIEWER, DOOR, HOST_CONTACT]
PAGE_ROW = re.compile(r"^\| `(\w+\.\w+)`(?: \([^)]*\))? \| (.+) \|$")
ACTION_ROW = re.compile(r"^\| `(\w+\.\w+)`: (\w+) \| (.+) \|$")
EVERYTHING = "everything"


def docs_tables():
    """({model label: {role: set of actions or EVERYTHING}}, {(model label, action): {role: bool}})."""
    section = DOCS.read_text(encoding="utf-8").split("\n## Roles\n", 1)[1]
    pages, actions = {}, {}
    for line in section.splitlines():
        if found := ACTION_ROW.match(line):
            cells = [cell.strip() for cell in found[3].split("|")]
            actions[(found[1], found[2])] = {role: cell == "✓" for role, cell in zip(ROLES_IN_DOCS, cells, strict=True)}
        elif found := PAGE_ROW.match(line):
            cells = [cell.strip() for cell in found[2].split("|")]
            pages[found[1]] = {role: _actions_of(cell) for role, cell in zip(ROLES_IN_DOCS, cells, strict=True)}
    return pages, actions


def _actions_of(cell):
    if cell == EVERYTHING:
        return EVERYTHING
    return set() if cell == "–" else {action.strip() for action in cell.split(",")}


def _as_in_docs(codenames, model_name):
    """'view_edition' -> 'view'; a custom codename ('publish_edition') stays as it is."""
    defaults = {f"{action}_{model_name}": action for action in ("add", "change", "delete", "view")}
    return {defaults.get(codename, codename) for codename in codenames}


def model_permissions(label):
    app_label, model_name = label.split(".")
    permissions = Permission.objects.filter(content_type__app_label=app_label, content_type__model=model_name)
    return _as_in_docs(permissions.values_list("codename", flat=True), model_name)


def held(role, label):
    """What the role's group holds on a model, as the docs write it: 'view', 'publish_edition', …"""
    app_label, model_name = label.split(".")
    permissions = Group.objects.get(name=role).permissions.filter(
        content_type__app_label=app_label, content_type__model=model_name
    )
    return _as_in_docs(permissions.values_list("codename", flat=True), model_name)


def registered_models():
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def account(role):
    user = UserFactory(is_staff=role in STAFF_ROLES)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_the_groups_hold_what_the_docs_say():
    pages, _actions = docs_tables()
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES_IN_DOCS)
    assert Group.objects.get(name=ORGANIZER).permissions.count() == Permission.objects.count()
    for label, by_role in pages.items():
        for role, expected in by_role.items():
            wanted = model_permissions(label) if expected == EVERYTHING else expected
            assert held(role, label) == wanted, (role, label)
    # Nobody but the Organizers holds a permission on a model the docs do not list.
    listed = {tuple(label.split(".")) for label in pages}
    for role in [EDITOR, REVIEWER, DOOR, HOST_CONTACT]:
        for permission in Group.objects.get(name=role).permissions.select_related("content_type"):
            assert (permission.content_type.app_label, permission.content_type.model) in listed, (role, permission)


def test_the_docs_list_every_admin_page_and_every_action():
    pages, actions = docs_tables()
    request = RequestFactory().get("/admin/")
    request.user = SuperUserFactory()
    assert {model._meta.label_lower for model in registered_models()} <= set(pages)
    offered = {
        (model._meta.label_lower, name)
        for model in registered_models()
        for name in admin.site.get_model_admin(model).get_actions(request)
    }
    assert offered == set(actions)


def test_sync_roles_puts_a_changed_group_back():
    editor = Group.objects.get(name=EDITOR)
    editor.permissions.add(Permission.objects.get(codename="draw_raffle"))
    Group.objects.get(name=DOOR).delete()
    call_command("sync_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Group.objects.get(name=EDITOR).permissions.filter(codename="draw_raffle").exists()
    assert list(Group.objects.get(name=DOOR).permissions.values_list("codename", flat=True)) == ["check_in"]


@pytest.fixture
def every_kind_of_row():
    """One row for the admin pages of objects: the demo's content, and the personal data around it."""
    edition = load_demo(archive=())
    RaffleEntryFactory(raffle=edition.raffles.first())
    ProposalRatingFactory(proposal=ProposalFactory())
    upcoming = Edition.objects.get(code="demo")
    RsvpSettings.objects.update_or_create(edition=upcoming, defaults={"enabled": True, "capacity": 10})
    rsvp_services.rsvp(upcoming, name="Ada Lovelace", email="ada@example.org", base_url="http://testserver/")
    return edition


def expected_status(role, can, superuser_status):
    if role not in STAFF_ROLES:
        return 302  # to the admin's login: no admin at all
    return superuser_status if can else 403


def test_every_admin_page_answers_each_role_as_the_docs_say(client, every_kind_of_row):
    pages, _actions = docs_tables()
    superuser = SuperUserFactory()
    mismatches = []
    for model in registered_models():
        label = model._meta.label_lower
        opts = model._meta
        first = model._default_manager.order_by("pk").first()
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls = {"list": (reverse(f"{prefix}_changelist"), {"view", "change"})}
        urls["add"] = (reverse(f"{prefix}_add"), {"add"})
        if first is not None:
            urls["change"] = (reverse(f"{prefix}_change", args=[first.pk]), {"view", "change"})
            urls["delete"] = (reverse(f"{prefix}_delete", args=[first.pk]), {"delete"})
        client.force_login(superuser)
        baseline = {page: client.get(url).status_code for page, (url, _needs) in urls.items()}
        for role in ROLES_IN_DOCS:
            documented = pages[label][role]
            holds = model_permissions(label) if documented == EVERYTHING else documented
            client.force_login(account(role))
            for page, (url, needs) in urls.items():
                expected = expected_status(role, bool(holds & needs), baseline[page])
                answer = client.get(url).status_code
                if answer != expected:
                    mismatches.append(f"{role} {page} {label}: {answer}, expected {expected}")
    assert mismatches == [], '\n'.join(mismatches)


def test_every_action_is_offered_to_the_roles_the_docs_say():
    _pages, actions = docs_tables()
    for role in ROLES_IN_DOCS:
        request = RequestFactory().get("/admin/")
        request.user = account(role)
        for model in registered_models():
            label = model._meta.label_lower
            model_admin = admin.site.get_model_admin(model)
            if not model_admin.has_view_or_change_permission(request):
                continue  # no list to run an action from (the list answers 403: the test above)
            offered = set(model_admin.get_actions(request))
            documented = {name for (of, name), by_role in actions.items() if of == label and by_role[role]}
            assert offered == documented, (role, label)


def test_the_door_role_opens_the_check_in_page_of_the_evening_only(client):
    tonight = EditionFactory(number=40, code="40", start_date=timezone.localdate())
    later = EditionFactory(number=41, code="41", start_date=timezone.localdate() + datetime.timedelta(days=7))
    for edition in (tonight, later):
        RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10)
    client.force_login(account(DOOR))
    assert client.get("/meetups/40/door/").status_code == 200
    assert client.get("/meetups/41/door/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "You don’t have permission to view or edit anything." in index
    client.force_login(account(ORGANIZER))
    assert client.get("/meetups/41/door/").status_code == 200


def test_a_host_contact_cannot_sign_in_to_the_admin(client):
    user = account(HOST_CONTACT)
    user.set_password("a long enough passphrase")
    user.save()
    answer = client.post(
        reverse("admin:login"), {"username": user.username, "password": "a long enough passphrase"}
    )
    assert answer.status_code == 200 and "staff account" in answer.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_reviewer_writes_notes_and_rates_but_decides_nothing(client):
    proposal = ProposalFactory(title="Sparse attention, explained")
    client.force_login(account(REVIEWER))
    url = reverse("admin:contributions_proposal_change", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert 'name="internal_notes"' in page and 'name="title"' not in page
    assert "Accept into an edition…" not in page
    answer = client.post(
        url,
        {
            "internal_notes": "Strong abstract; ask for a demo.",
            "title": "Changed by a reviewer",
            "ratings-TOTAL_FORMS": "1",
            "ratings-INITIAL_FORMS": "0",
            "ratings-0-score": "4",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.internal_notes == "Strong abstract; ask for a demo."
    assert proposal.title == "Sparse attention, explained"
    assert proposal.ratings.get().score == 4
    assert client.get(reverse("admin:contributions_proposal_accept", args=[proposal.pk])).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == proposal.status


OTHER_PAGE_ROW = re.compile(r"^\| `(\w+)`(?: \(([^)]*)\))? \| (.+) \|$")


def other_pages():
    """{url name: (method, {role: bool})} of the docs' table of the other admin pages."""
    section = DOCS.read_text(encoding="utf-8").split("The other admin pages", 1)[1].split("\n## ", 1)[0]
    pages = {}
    for line in section.splitlines():
        if found := OTHER_PAGE_ROW.match(line):
            cells = [cell.strip() for cell in found[3].split("|")]
            method = "POST" if (found[2] or "").startswith("`POST`") else "GET"
            pages[found[1]] = (method, {role: cell == "✓" for role, cell in zip(ROLES_IN_DOCS, cells, strict=True)})
    return pages


def test_the_other_admin_pages_answer_each_role_as_the_docs_say(client, every_kind_of_row):
    from members.models import Mailing
    from talks.models import Person, Talk

    mailing = Mailing.objects.create(subject="Hello members", text="A few words.")
    proposal = Proposal.objects.first()
    args = {
        "meetups_edition_publish": [every_kind_of_row.pk],
        "meetups_edition_history": [every_kind_of_row.pk],
        "talks_talk_history": [Talk.objects.first().pk],
        "contributions_proposal_accept": [proposal.pk],
        "contributions_proposal_decline": [proposal.pk],
        "members_mailing_preview": [mailing.pk],
        "members_mailing_test": [mailing.pk],
        "members_mailing_send": [mailing.pk],
        "rsvps_guest_list_link": [Edition.objects.get(code="demo").pk],
    }
    assert Person.objects.exists()
    mismatches = []
    for name, (method, by_role) in other_pages().items():
        url = reverse(f"admin:{name}", args=args.get(name, []))
        for role in ROLES_IN_DOCS:
            client.force_login(account(role))
            answer = client.post(url) if method == "POST" else client.get(url)
            allowed = answer.status_code in (200, 302) and not (
                answer.status_code == 302 and reverse("admin:login") in answer["Location"]
            )
            if allowed != by_role[role]:
                mismatches.append(f"{role} {method} {name}: {answer.status_code}, documented {by_role[role]}")
    assert mismatches == [], "\n".join(mismatches)


def test_the_docs_list_every_page_the_projects_admins_add():
    """Each ModelAdmin's own pages (publish, accept, import, send, …); django-reversion's recover and
    revision pages follow the add and change permissions of their model, and auth's and django-otp's
    pages are the Organizers' (auth.user, otp_*)."""
    standard = ("_changelist", "_add", "_history", "_delete", "_change", "_recoverlist", "_recover", "_revision")
    own = {
        pattern.name
        for model in registered_models()
        if model._meta.app_label not in {"auth", "otp_totp", "otp_static", "axes", "django_tasks_database"}
        for pattern in admin.site.get_model_admin(model).get_urls()
        if pattern.name and not pattern.name.endswith(standard)
    }
    assert own <= set(other_pages())
