"""What the database itself guarantees about proposals and ratings, and the
checks a proposer's links go through."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contributions.models import Proposal, ProposalRating, validate_links
from tests.factories import ProposalFactory, ProposalRatingFactory, SuperUserFactory

pytestmark = pytest.mark.django_db


def test_one_rating_per_organizer_and_proposal_in_the_database():
    rating = ProposalRatingFactory(score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalRating.objects.create(proposal=rating.proposal, organizer=rating.organizer, score=5)
    # Another organizer may rate the same proposal.
    ProposalRating.objects.create(proposal=rating.proposal, organizer=SuperUserFactory(), score=5)
    assert rating.proposal.ratings.count() == 2


@pytest.mark.parametrize("score", [0, 6])
def test_the_database_refuses_scores_outside_1_to_5(score):
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalRating.objects.create(proposal=proposal, organizer=SuperUserFactory(), score=score)
    assert ProposalRating.objects.count() == 0


def test_rating_validation_explains_the_duplicate():
    rating = ProposalRatingFactory()
    duplicate = ProposalRating(proposal=rating.proposal, organizer=rating.organizer, score=2)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "You have already rated this proposal." in str(error.value)


@pytest.mark.parametrize(
    ("status", "missing"),
    [
        (Proposal.Status.ACCEPTED, "decided_at"),
        (Proposal.Status.DECLINED, "decided_at"),
        (Proposal.Status.WITHDRAWN, "withdrawn_at"),
    ],
)
def test_decided_and_withdrawn_proposals_must_have_their_date(status, missing):
    # The retention period counts from this date: without it a proposal would be kept forever.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalFactory(status=status, **{missing: None})
    ProposalFactory(status=status, **{missing: timezone.now()})
    assert Proposal.objects.filter(status=status).count() == 1


def test_links_must_be_web_addresses_one_per_line():
    validate_links("https://github.com/ada\n\n  http://ada.example.org/talk  \n")
    with pytest.raises(ValidationError) as error:
        validate_links("https://github.com/ada\njavascript:alert(1)")
    assert "Link 2 (“javascript:alert(1)”) is not a web address" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        validate_links("\n".join(f"https://example.org/{n}" for n in range(11)))
    assert "at most 10 links (you gave 11)" in error.value.messages[0]


def test_open_proposals_are_the_undecided_ones():
    assert ProposalFactory(status=Proposal.Status.NEW).is_open
    assert ProposalFactory(status=Proposal.Status.UNDER_REVIEW).is_open
    assert not ProposalFactory(status=Proposal.Status.DECLINED, decided_at=timezone.now()).is_open
    assert not ProposalFactory(status=Proposal.Status.WITHDRAWN, withdrawn_at=timezone.now()).is_open
    assert not ProposalFactory(anonymised_at=timezone.now()).is_open


def test_public_ids_are_unique_and_the_title_names_the_proposer():
    first, second = ProposalFactory(title="Graph nets", name="Ada"), ProposalFactory()
    assert first.public_id != second.public_id
    assert str(first) == "Graph nets (Ada)"
    assert first.link_list == ["https://github.com/example"]
