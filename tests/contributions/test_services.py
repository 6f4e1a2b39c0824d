"""The rules behind the pages: what accepting creates, that it is all or nothing,
and that decided proposals stay as they were decided."""

import pytest
from django.core import signing

from contributions import services
from contributions.models import Proposal
from meetups.models import AgendaItem
from talks.models import Person, Talk, TalkSpeaker
from tests.factories import EditionFactory, PersonFactory, ProposalFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "talk_kind", "slot_kind"),
    [
        (Proposal.Kind.TALK, Talk.Kind.TALK, AgendaItem.Kind.TALK),
        (Proposal.Kind.HOT_TOPICS, Talk.Kind.HOT_TOPICS, AgendaItem.Kind.HOT_TOPICS),
        (Proposal.Kind.CONFERENCE_REPORT, Talk.Kind.CONFERENCE_REPORT, AgendaItem.Kind.CONFERENCE_REPORT),
        (Proposal.Kind.LIGHTNING, Talk.Kind.LIGHTNING, AgendaItem.Kind.TALK),
    ],
)
def test_each_kind_becomes_the_right_talk_and_agenda_slot(kind, talk_kind, slot_kind):
    edition = EditionFactory()
    result = services.accept_proposal(ProposalFactory(kind=kind), edition)
    assert result.talk.kind == talk_kind
    assert result.agenda_item.kind == slot_kind


def test_an_empty_agenda_gets_its_first_slot():
    empty = EditionFactory(code="50", number=50)
    result = services.accept_proposal(ProposalFactory(title="Opening act"), empty)
    assert list(empty.agenda_items.values_list("position", "title")) == [(10, "Opening act")]
    assert result.agenda_item.talk == result.talk


def test_a_draft_edition_takes_talks_too():
    draft = EditionFactory(published=False)
    result = services.accept_proposal(ProposalFactory(), draft)
    assert result.talk.edition == draft
    assert not Talk.objects.published().filter(pk=result.talk.pk).exists()


def test_slugs_stay_unique_for_talks_and_people(edition):
    TalkFactory(slug="attention-is-all-you-need")
    PersonFactory(slug="ada-lovelace", email="other-ada@example.org")
    result = services.accept_proposal(
        ProposalFactory(title="Attention is all you need", name="Ada Lovelace", email="ada@example.org"), edition
    )
    assert result.talk.slug == "attention-is-all-you-need-2"
    assert result.person.slug == "ada-lovelace-2"
    assert result.person_created is True


def test_a_title_without_latin_letters_still_gets_a_slug(edition):
    result = services.accept_proposal(ProposalFactory(title="深度学习", name="李雷"), edition)
    assert result.talk.slug == "talk"
    assert result.person.slug == "speaker"


def test_accepting_is_all_or_nothing(edition, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(email="ada@example.org")

    def broken_create(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(AgendaItem.objects, "create", broken_create)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.accept_proposal(proposal, edition)
    assert Talk.objects.count() == 0
    assert Person.objects.count() == 0
    assert TalkSpeaker.objects.count() == 0
    proposal.refresh_from_db()
    assert (proposal.status, proposal.accepted_talk) == (Proposal.Status.NEW, None)
    assert mailoutbox == []


def test_a_cancelled_edition_is_refused(edition):
    edition.cancelled = True
    edition.save()
    proposal = ProposalFactory()
    with pytest.raises(services.ProposalError, match="is cancelled; choose another edition"):
        services.accept_proposal(proposal, edition)
    assert Talk.objects.count() == 0
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW


def test_an_existing_person_keeps_curated_data_and_gets_missing_links(edition):
    person = PersonFactory(email="ada@example.org", bio="Curated bio.", github_url="", scholar_url="")
    proposal = ProposalFactory(
        email="ADA@example.org",
        bio="Self-written bio.",
        links="https://github.com/ada\nhttps://scholar.google.com/citations?user=ada\nhttps://ada.example.org",
    )
    result = services.accept_proposal(proposal, edition)
    assert result.person == person and result.person_created is False
    person.refresh_from_db()
    assert person.bio == "Curated bio."
    assert person.github_url == "https://github.com/ada"
    assert person.scholar_url == "https://scholar.google.com/citations?user=ada"


def test_an_empty_affiliation_is_not_invented(edition):
    result = services.accept_proposal(ProposalFactory(affiliation=""), edition)
    assert result.talk.talk_speakers.get().affiliation == ""


def test_decided_proposals_cannot_be_edited_withdrawn_or_decided_again(edition):
    proposal = ProposalFactory(title="As accepted")
    services.accept_proposal(proposal, edition)
    values = {field: getattr(proposal, field) for field in services.CONTENT_FIELDS}
    with pytest.raises(services.ProposalClosedError):
        services.update_proposal(proposal, **{**values, "title": "Changed afterwards"})
    with pytest.raises(services.ProposalClosedError):
        services.withdraw_proposal(proposal)
    with pytest.raises(services.ProposalClosedError):
        services.decline_proposal(proposal, "Changed our mind")
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("As accepted", Proposal.Status.ACCEPTED)
    assert Talk.objects.count() == 1


def test_declining_needs_a_message():
    proposal = ProposalFactory()
    with pytest.raises(services.ProposalError, match="Write a message for the proposer"):
        services.decline_proposal(proposal, "   ")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW


def test_the_private_link_carries_the_public_id_signed_with_its_own_salt():
    proposal = ProposalFactory()
    token = services.proposal_token(proposal)
    assert str(proposal.public_id) in token
    assert services.proposal_from_token(token) == proposal
    other_salt = signing.TimestampSigner(salt="vdlm.form-rendered-at").sign(str(proposal.public_id))
    with pytest.raises(services.LinkError) as error:
        services.proposal_from_token(other_salt)
    assert error.value.status == 400


def test_organizer_notices_go_to_the_configured_addresses(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.CONTRIBUTION_NOTIFY_EMAILS = ["program@vdlm.example", "chair@vdlm.example"]
    values = {
        "kind": Proposal.Kind.TALK,
        "title": "Graph nets",
        "abstract": "Text.",
        "bio": "",
        "links": "",
        "name": "Ada",
        "email": " ada@example.org ",
        "affiliation": "",
        "any_edition": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.submit_proposal(**values)
    assert proposal.email == "ada@example.org"
    # One mail per organizer: nobody sees the others' addresses.
    assert [message.to for message in mailoutbox] == [
        ["ada@example.org"],
        ["program@vdlm.example"],
        ["chair@vdlm.example"],
    ]


def test_without_any_organizer_address_nobody_is_notified(mailoutbox, django_capture_on_commit_callbacks):
    proposal = ProposalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_proposal(proposal)
    assert mailoutbox == []
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("agenda", "expected"),
    [
        ([], 10),
        ([(10, "welcome"), (20, "talk")], 30),  # no break: at the end
        ([(10, "welcome"), (20, "break"), (30, "talk"), (40, "networking")], 15),  # the first break
        ([(0, "networking")], 5),  # no number below 0: renumbered, the networking moves to 10
    ],
)
def test_a_new_slot_goes_before_the_first_break_or_networking(agenda, expected):
    from contributions.services import free_position_before_the_break
    from meetups.models import AgendaItem
    from tests.factories import AgendaItemFactory, EditionFactory

    edition = EditionFactory()
    for position, kind in agenda:
        AgendaItemFactory(edition=edition, position=position, kind=kind)
    assert free_position_before_the_break(edition) == expected
    AgendaItemFactory(edition=edition, position=expected, kind=AgendaItem.Kind.TALK)


def test_with_no_free_number_before_the_break_the_agenda_is_renumbered_in_order():
    from contributions.services import free_position_before_the_break
    from meetups.models import AgendaItem
    from tests.factories import AgendaItemFactory, EditionFactory

    edition = EditionFactory()
    for position, kind, title in [(1, "welcome", "Welcome"), (2, "talk", "Talk"), (3, "break", "Break")]:
        AgendaItemFactory(edition=edition, position=position, kind=kind, title=title)
    position = free_position_before_the_break(edition)
    AgendaItemFactory(edition=edition, position=position, kind=AgendaItem.Kind.TALK, title="New")
    assert list(edition.agenda_items.order_by("position").values_list("position", "title")) == [
        (10, "Welcome"), (20, "Talk"), (25, "New"), (30, "Break")
    ]


def test_a_new_slot_right_after_a_chosen_item_renumbers_when_no_number_is_free():
    from contributions.services import free_position_before_the_break
    from meetups.models import AgendaItem
    from tests.factories import AgendaItemFactory, EditionFactory

    edition = EditionFactory()
    welcome = AgendaItemFactory(edition=edition, position=10, kind="welcome", title="Welcome")
    AgendaItemFactory(edition=edition, position=11, kind="talk", title="Talk")
    last = AgendaItemFactory(edition=edition, position=40, kind="networking", title="Networking")
    position = free_position_before_the_break(edition, after=welcome)
    AgendaItemFactory(edition=edition, position=position, kind=AgendaItem.Kind.TALK, title="New")
    assert list(edition.agenda_items.order_by("position").values_list("title", flat=True)) == [
        "Welcome", "New", "Talk", "Networking"
    ]
    last.refresh_from_db()  # renumbered: 30
    assert (last.position, free_position_before_the_break(edition, after=last)) == (30, 40)  # after the last: the end
