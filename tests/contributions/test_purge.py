"""Retention: declined and withdrawn proposals lose every personal detail after
CONTRIBUTION_RETENTION_DAYS; everything else stays."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contributions import services
from contributions.models import Proposal, ProposalRating
from tests.factories import EditionFactory, ProposalFactory, ProposalRatingFactory

pytestmark = pytest.mark.django_db

PERSONAL = ["title", "abstract", "bio", "links", "name", "email", "affiliation", "decision_message", "internal_notes"]


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _declined(days, **kwargs):
    return ProposalFactory(
        status=Proposal.Status.DECLINED,
        decided_at=_days_ago(days),
        decision_message="Sorry, Ada.",
        internal_notes="Ada works at a competitor of our host.",
        **kwargs,
    )


def _withdrawn(days, **kwargs):
    return ProposalFactory(status=Proposal.Status.WITHDRAWN, withdrawn_at=_days_ago(days), **kwargs)


def test_old_declined_and_withdrawn_proposals_keep_no_personal_data(settings):
    settings.CONTRIBUTION_RETENTION_DAYS = 90
    edition = EditionFactory()
    declined = _declined(91, name="Ada Lovelace", email="ada@example.org", title="Ada's engines")
    declined.preferred_editions.set([edition])
    ProposalRatingFactory(proposal=declined, score=2)
    withdrawn = _withdrawn(120, name="Grace Hopper", email="grace@example.org", bio="Navy.")

    assert services.purge_proposals() == 2

    for proposal in (declined, withdrawn):
        before = {field: getattr(proposal, field) for field in PERSONAL}
        proposal.refresh_from_db()
        after = {field: getattr(proposal, field) for field in PERSONAL}
        assert proposal.anonymised_at is not None
        for field in PERSONAL:
            assert after[field] != before[field] or not before[field], field
        assert proposal.email.endswith("@anonymised.invalid")
        assert str(proposal.public_id) in proposal.email
        assert proposal.title == "(anonymised)"
    # Nothing anywhere in the rows still names them.
    leftovers = [str(value) for row in Proposal.objects.values() for value in row.values()]
    for needle in ["Ada", "ada@example.org", "Grace", "grace@example.org", "Navy", "competitor"]:
        assert not any(needle in value for value in leftovers), needle
    assert ProposalRating.objects.count() == 0
    # What is left still counts: kind, status, dates, editions.
    declined.refresh_from_db()
    assert (declined.kind, declined.status) == (Proposal.Kind.TALK, Proposal.Status.DECLINED)
    assert list(declined.preferred_editions.all()) == [edition]


def test_recent_accepted_and_open_proposals_stay(settings):
    settings.CONTRIBUTION_RETENTION_DAYS = 90
    recent = _declined(89, name="Recent")
    accepted = ProposalFactory(status=Proposal.Status.ACCEPTED, decided_at=_days_ago(400), name="Accepted")
    waiting = ProposalFactory(name="Waiting")
    reviewing = ProposalFactory(status=Proposal.Status.UNDER_REVIEW, name="Reviewing")
    waiting.created_at = _days_ago(400)
    waiting.save()

    assert services.purge_proposals() == 0
    for proposal, name in [(recent, "Recent"), (accepted, "Accepted"), (waiting, "Waiting"), (reviewing, "Reviewing")]:
        proposal.refresh_from_db()
        assert (proposal.name, proposal.anonymised_at) == (name, None)


def test_the_retention_period_is_exact_to_the_day(settings):
    settings.CONTRIBUTION_RETENTION_DAYS = 30
    now = timezone.now()
    on_the_day = ProposalFactory(status=Proposal.Status.DECLINED, decided_at=now - datetime.timedelta(days=30))
    a_minute_short = ProposalFactory(
        status=Proposal.Status.DECLINED, decided_at=now - datetime.timedelta(days=30) + datetime.timedelta(minutes=1)
    )
    assert services.purge_proposals(now=now) == 1
    on_the_day.refresh_from_db()
    a_minute_short.refresh_from_db()
    assert on_the_day.anonymised_at and not a_minute_short.anonymised_at


def test_the_command_reports_what_it_did_and_a_second_run_changes_nothing():
    _declined(100)
    _withdrawn(95)
    out = io.StringIO()
    call_command("purge_proposals", stdout=out)
    assert out.getvalue().strip() == "Anonymised 2 declined or withdrawn proposals."
    out = io.StringIO()
    call_command("purge_proposals", stdout=out)
    assert out.getvalue().strip() == "Anonymised 0 declined or withdrawn proposals."


def test_the_command_takes_another_period_for_a_one_off_cleanup():
    proposal = _withdrawn(10)
    out = io.StringIO()
    call_command("purge_proposals", "--days", "7", stdout=out)
    assert out.getvalue().strip() == "Anonymised 1 declined or withdrawn proposal."
    proposal.refresh_from_db()
    assert proposal.anonymised_at is not None
    with pytest.raises(CommandError, match="Days cannot be negative"):
        call_command("purge_proposals", "--days", "-1")

