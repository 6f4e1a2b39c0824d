"""Organizers review proposals in the admin: filters, their own ratings, notes,
and the two decisions with their intermediate pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import Proposal, ProposalRating
from meetups.models import AgendaItem
from talks.models import Person, Talk
from tests.contributions.conftest import private_path
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PersonFactory,
    ProposalFactory,
    ProposalRatingFactory,
    SuperUserFactory,
)
from tests.html_helpers import text

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:contributions_proposal_changelist"


def _titles(response):
    return sorted(proposal.title for proposal in response.context["cl"].result_list)


def _change_url(proposal):
    return reverse("admin:contributions_proposal_change", args=[proposal.pk])


def _change_data(proposal, **overrides):
    data = {
        "kind": proposal.kind,
        "title": proposal.title,
        "abstract": proposal.abstract,
        "links": proposal.links,
        "name": proposal.name,
        "email": proposal.email,
        "affiliation": proposal.affiliation,
        "bio": proposal.bio,
        "any_edition": "on" if proposal.any_edition else "",
        "internal_notes": proposal.internal_notes,
        "ratings-TOTAL_FORMS": "1",
        "ratings-INITIAL_FORMS": "0",
        "ratings-MIN_NUM_FORMS": "0",
        "ratings-MAX_NUM_FORMS": "1",
        "ratings-0-id": "",
        "ratings-0-proposal": str(proposal.pk),
        "ratings-0-score": "",
    }
    data.update(overrides)
    return data


def test_list_filters_by_status_and_kind(organizer_client):
    ProposalFactory(title="Fresh talk")
    ProposalFactory(title="Reviewed hot topics", kind=Proposal.Kind.HOT_TOPICS, status=Proposal.Status.UNDER_REVIEW)
    ProposalFactory(
        title="Old report",
        kind=Proposal.Kind.CONFERENCE_REPORT,
        status=Proposal.Status.DECLINED,
        decided_at=timezone.now(),
    )
    ProposalFactory(title="Gone", status=Proposal.Status.WITHDRAWN, withdrawn_at=timezone.now())
    url = reverse(CHANGELIST)
    assert _titles(organizer_client.get(url, {"status__exact": "new"})) == ["Fresh talk"]
    assert _titles(organizer_client.get(url, {"status__exact": "under_review"})) == ["Reviewed hot topics"]
    assert _titles(organizer_client.get(url, {"status__exact": "declined"})) == ["Old report"]
    assert _titles(organizer_client.get(url, {"status__exact": "withdrawn"})) == ["Gone"]
    assert _titles(organizer_client.get(url, {"kind__exact": "hot_topics"})) == ["Reviewed hot topics"]
    page = organizer_client.get(url).content.decode()
    for choice in ["New", "Under review", "Accepted", "Declined", "Withdrawn", "Conference report", "Lightning talk"]:
        assert choice in page


def test_list_shows_the_average_rating(organizer_client):
    proposal = ProposalFactory(title="Rated")
    ProposalRatingFactory(proposal=proposal, score=5)
    ProposalRatingFactory(proposal=proposal, score=4)
    ProposalFactory(title="Unrated")
    response = organizer_client.get(reverse(CHANGELIST))
    content = response.content.decode()
    assert "4.5 (2)" in content
    rows = {p.title: p for p in response.context["cl"].result_list}
    assert rows["Unrated"].rating_count == 0


def test_each_organizer_sees_and_sets_only_their_own_rating(client, organizer):
    proposal = ProposalFactory(title="Graph nets for traffic")
    colleague = SuperUserFactory(username="colleague")
    ProposalRatingFactory(proposal=proposal, organizer=colleague, score=2)

    client.force_login(organizer)
    page = client.get(_change_url(proposal))
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is ProposalRating).formset
    assert [form.instance.pk for form in formset.forms if form.instance.pk] == []
    assert "4.0" not in page.content.decode() and "2.0 (1)" in page.content.decode()

    response = client.post(_change_url(proposal), _change_data(proposal, **{"ratings-0-score": "5"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    mine = ProposalRating.objects.get(proposal=proposal, organizer=organizer)
    assert mine.score == 5
    assert ProposalRating.objects.get(proposal=proposal, organizer=colleague).score == 2

    # Changing one's mind updates the rating; a stale second tab does not create a duplicate.
    page = client.get(_change_url(proposal))
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is ProposalRating).formset
    assert [form.instance.score for form in formset.forms if form.instance.pk] == [5]
    stale = _change_data(proposal, **{"ratings-0-score": "3"})
    assert client.post(_change_url(proposal), stale).status_code == 302
    assert ProposalRating.objects.filter(proposal=proposal).count() == 2
    assert ProposalRating.objects.get(proposal=proposal, organizer=organizer).score == 3
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "2.5 (2)" in listing


def test_a_rating_outside_1_to_5_is_refused_with_a_message(organizer_client):
    proposal = ProposalFactory()
    response = organizer_client.post(_change_url(proposal), _change_data(proposal, **{"ratings-0-score": "9"}))
    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in response.content.decode()
    assert ProposalRating.objects.count() == 0


def test_internal_notes_are_saved_and_never_shown_to_the_proposer(organizer_client, client):
    from contributions.services import proposal_token

    proposal = ProposalFactory()
    data = _change_data(proposal, internal_notes="Spoke at PyData; strong speaker.")
    assert organizer_client.post(_change_url(proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.internal_notes == "Spoke at PyData; strong speaker."
    own_page = client.get(reverse("contributions:proposal", kwargs={"token": proposal_token(proposal)}))
    assert "strong speaker" not in own_page.content.decode()


def test_change_page_shows_the_rendered_abstract_and_the_decision_buttons(organizer_client):
    proposal = ProposalFactory(abstract="Uses **sparse** attention.")
    content = organizer_client.get(_change_url(proposal)).content.decode()
    assert "Uses <strong>sparse</strong> attention." in content
    assert reverse("admin:contributions_proposal_accept", args=[proposal.pk]) in content
    assert reverse("admin:contributions_proposal_decline", args=[proposal.pk]) in content

    decided = ProposalFactory(status=Proposal.Status.DECLINED, decided_at=timezone.now())
    content = organizer_client.get(_change_url(decided)).content.decode()
    assert reverse("admin:contributions_proposal_accept", args=[decided.pk]) not in content


# --- Accept into an edition -------------------------------------------------------


def _accept_page(organizer_client, *proposals):
    return organizer_client.post(
        reverse(CHANGELIST), {"action": "accept_into_edition", "_selected_action": [p.pk for p in proposals]}
    )


def _accept(organizer_client, commit, proposals, edition, message="", after=""):
    data = {
        "action": "accept_into_edition",
        "_selected_action": [p.pk for p in proposals],
        "apply": "1",
        "edition": str(edition.pk),
        "message": message,
        "after": after,
    }
    return commit(organizer_client.post, reverse(CHANGELIST), data, follow=True)


def test_accept_page_offers_upcoming_editions_drafts_included(organizer_client, edition):
    soon = timezone.localdate() + datetime.timedelta(days=40)
    draft = EditionFactory(code="41", number=41, start_date=soon, published=False)
    EditionFactory(code="39", number=39, start_date=timezone.localdate() - datetime.timedelta(days=5))
    EditionFactory(code="42", number=42, start_date=soon, cancelled=True)
    proposal = ProposalFactory(title="Diffusion for audio", any_edition=False)
    proposal.preferred_editions.set([edition])

    page = _accept_page(organizer_client, proposal)
    assert page.status_code == 200
    choices = list(page.context["form"].fields["edition"].queryset)
    assert choices == [edition, draft]
    content = page.content.decode()
    assert "41st Vienna Deep Learning Meetup" in content and "(draft)" in content
    assert "Preferred: #40." in text(page)
    assert "a new person “" in content
    # The edition the proposer asked for is chosen already, in the page the organizer sees.
    assert page.context["form"].initial == {"edition": edition}
    assert f'<option value="{edition.pk}" selected>' in content
    assert Talk.objects.count() == 0


def test_accepting_creates_talk_speaker_and_agenda_slot_and_tells_the_proposer(
    organizer_client, edition, mailoutbox, commit
):
    proposal = ProposalFactory(
        title="NeurIPS 2026 in 15 minutes",
        kind=Proposal.Kind.CONFERENCE_REPORT,
        name="Grace Hopper",
        email="grace@example.org",
        affiliation="Navy Labs",
        links="https://github.com/grace\nhttps://www.linkedin.com/in/grace",
    )
    response = _accept(organizer_client, commit, [proposal], edition, message="Bring a clicker.")
    assert "Accepted “NeurIPS 2026 in 15 minutes” into 40th Vienna Deep Learning Meetup" in text(response)

    talk = Talk.objects.get()
    assert (talk.slug, talk.kind, talk.edition) == ("neurips-2026-in-15-minutes", Talk.Kind.CONFERENCE_REPORT, edition)
    person = Person.objects.get()
    assert (person.name, person.slug, person.email, person.affiliation) == (
        "Grace Hopper",
        "grace-hopper",
        "grace@example.org",
        "Navy Labs",
    )
    assert (person.github_url, person.linkedin_url) == ("https://github.com/grace", "https://www.linkedin.com/in/grace")
    assert talk.talk_speakers.get().affiliation == "Navy Labs"
    slot = AgendaItem.objects.get(edition=edition, talk=talk)
    # Before the networking, not after it: 25, between the talk at 20 and the networking at 30.
    assert (slot.kind, slot.position) == (AgendaItem.Kind.CONFERENCE_REPORT, 25)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.accepted_talk == talk
    assert proposal.decision_message == "Bring a clicker."
    assert proposal.decided_by.username.startswith("organizer")
    assert [message.to for message in mailoutbox] == [["grace@example.org"]]
    assert "Bring a clicker." in mailoutbox[0].body


def test_accepting_links_the_person_with_the_same_email_in_any_case(organizer_client, edition, commit):
    rene = PersonFactory(
        name="René Donner", email="Rene.Donner@Example.org", affiliation="contextflow GmbH", bio="Kept."
    )
    proposal = ProposalFactory(name="René Donner", email="rene.donner@example.ORG", affiliation="Freelance", bio="New")

    page = _accept_page(organizer_client, proposal)
    assert "the existing person" in text(page)

    _accept(organizer_client, commit, [proposal], edition)
    assert Person.objects.count() == 1
    speaker = Talk.objects.get().talk_speakers.get()
    assert speaker.person == rene
    assert speaker.affiliation == "Freelance"
    rene.refresh_from_db()
    # Today's affiliation comes from the proposal; the bio organizers curated stays.
    assert (rene.affiliation, rene.bio) == ("Freelance", "Kept.")


def test_accept_page_warns_about_a_namesake_without_the_email(organizer_client):
    PersonFactory(name="Ada Lovelace", email="")
    proposal = ProposalFactory(name="Ada Lovelace", email="ada@example.org")
    page = text(_accept_page(organizer_client, proposal))
    assert "Ada Lovelace already exists without an email address" in page
    assert "give them the address ada@example.org first" in page


def test_accepting_from_the_change_page(organizer_client, edition, commit, mailoutbox):
    proposal = ProposalFactory(title="Lightning: one weird trick", kind=Proposal.Kind.LIGHTNING)
    url = reverse("admin:contributions_proposal_accept", args=[proposal.pk])
    page = organizer_client.get(url)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()
    response = commit(organizer_client.post, url, {"apply": "1", "edition": str(edition.pk), "message": ""})
    assert response.status_code == 302
    assert response["Location"] == _change_url(proposal)
    talk = Talk.objects.get()
    assert talk.kind == Talk.Kind.LIGHTNING
    assert AgendaItem.objects.get(talk=talk).kind == AgendaItem.Kind.TALK
    assert len(mailoutbox) == 1


def test_accept_without_an_edition_explains_and_creates_nothing(organizer_client, edition):
    proposal = ProposalFactory()
    response = organizer_client.post(
        reverse(CHANGELIST),
        {"action": "accept_into_edition", "_selected_action": [proposal.pk], "apply": "1", "edition": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Talk.objects.count() == 0
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW


def test_a_decided_proposal_cannot_be_accepted_again(organizer_client, edition, commit, mailoutbox):
    declined = ProposalFactory(title="Too late", status=Proposal.Status.DECLINED, decided_at=timezone.now())
    response = _accept(organizer_client, commit, [declined], edition)
    assert "“Too late”: This proposal is declined, so it can no longer be changed." in text(response)
    assert Talk.objects.count() == 0
    assert mailoutbox == []


def test_several_proposals_go_into_one_edition_in_order(organizer_client, edition, commit):
    first = ProposalFactory(title="Alpha", kind=Proposal.Kind.LIGHTNING)
    second = ProposalFactory(title="Beta", kind=Proposal.Kind.HOT_TOPICS)
    _accept(organizer_client, commit, [first, second], edition)
    # Oldest proposal first, each just before the networking as the agenda stands.
    slots = AgendaItem.objects.filter(edition=edition).order_by("position")
    assert [(slot.title, slot.kind) for slot in slots] == [
        ("Welcome & Introduction", AgendaItem.Kind.WELCOME),
        ("Scaling laws revisited", AgendaItem.Kind.TALK),
        ("Alpha", AgendaItem.Kind.TALK),
        ("Beta", AgendaItem.Kind.HOT_TOPICS),
        ("Networking", AgendaItem.Kind.NETWORKING),
    ]
    assert Proposal.objects.filter(status=Proposal.Status.ACCEPTED).count() == 2


# --- Decline with a message -------------------------------------------------------


def test_decline_page_asks_for_a_message(organizer_client, mailoutbox):
    proposal = ProposalFactory(title="Blockchain for ML")
    changelist = reverse(CHANGELIST)
    page = organizer_client.post(changelist, {"action": "decline_with_message", "_selected_action": [proposal.pk]})
    assert page.status_code == 200
    assert "Thank you very much for your proposal!" in page.content.decode()  # a kind default to edit

    empty = {"action": "decline_with_message", "_selected_action": [proposal.pk], "apply": "1", "message": " "}
    response = organizer_client.post(changelist, empty)
    assert "Write a message for the proposer" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW
    assert mailoutbox == []


def test_declining_stores_the_message_and_emails_it(organizer_client, mailoutbox, commit, client):
    proposal = ProposalFactory(title="Blockchain for ML", email="bob@example.org")
    url = reverse("admin:contributions_proposal_decline", args=[proposal.pk])
    response = commit(organizer_client.post, url, {"apply": "1", "message": "Not our topic, sorry."}, follow=True)
    assert "Declined “Blockchain for ML”" in text(response)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_message) == (Proposal.Status.DECLINED, "Not our topic, sorry.")
    assert proposal.decided_at is not None
    assert mailoutbox[0].to == ["bob@example.org"]
    assert mailoutbox[0].subject == "About your proposal: Blockchain for ML"
    assert "Not our topic, sorry." in text(client.get(private_path(mailoutbox[0])))


# --- Smaller actions --------------------------------------------------------------


def test_mark_under_review_changes_only_new_proposals(organizer_client, client):
    from contributions.services import proposal_token

    fresh = ProposalFactory()
    declined = ProposalFactory(status=Proposal.Status.DECLINED, decided_at=timezone.now())
    organizer_client.post(
        reverse(CHANGELIST), {"action": "mark_under_review", "_selected_action": [fresh.pk, declined.pk]}
    )
    fresh.refresh_from_db()
    declined.refresh_from_db()
    assert (fresh.status, declined.status) == (Proposal.Status.UNDER_REVIEW, Proposal.Status.DECLINED)
    assert fresh.review_started_at is not None
    page = client.get(reverse("contributions:proposal", kwargs={"token": proposal_token(fresh)}))
    assert "The organizers are reviewing it." in text(page)


def test_fresh_link_action_emails_a_working_link(
    organizer_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(title="Lost my email", email="lost@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse(CHANGELIST), {"action": "send_link", "_selected_action": [proposal.pk]})
    assert mailoutbox[0].to == ["lost@example.org"]
    assert "Lost my email" in text(client.get(private_path(mailoutbox[0])))


def test_anonymise_now_forgets_the_proposer(organizer_client):
    proposal = ProposalFactory(name="Forget Me", email="forget@example.org")
    organizer_client.post(reverse(CHANGELIST), {"action": "anonymise_now", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.anonymised_at is not None
    assert "Forget Me" not in organizer_client.get(reverse(CHANGELIST)).content.decode()
    assert not Proposal.objects.filter(email__iexact="forget@example.org").exists()


@pytest.mark.parametrize("object_id", ["not-a-number", "99999999"])
def test_the_decision_pages_answer_an_odd_id_with_a_404(organizer_client, object_id):
    for name in ["accept", "decline"]:
        response = organizer_client.get(f"/admin/contributions/proposal/{object_id}/{name}/")
        assert response.status_code == 404, name


def test_accept_page_chooses_the_soonest_edition_the_proposer_asked_for_that_can_still_take_a_talk(
    organizer_client, edition
):
    today = timezone.localdate()
    later = EditionFactory(code="41", number=41, start_date=today + datetime.timedelta(days=50))
    past = EditionFactory(code="39", number=39, start_date=today - datetime.timedelta(days=5))
    proposal = ProposalFactory(title="Diffusion for audio", any_edition=False)
    proposal.preferred_editions.set([later, past, edition])

    content = _accept_page(organizer_client, proposal).content.decode()
    assert f'<option value="{edition.pk}" selected>' in content
    assert f'<option value="{later.pk}">' in content

    proposal.preferred_editions.set([past])  # only one that is over: nothing is chosen for the organizer
    content = _accept_page(organizer_client, proposal).content.decode()
    assert '<option value="" selected>' in content


def test_the_organizer_chooses_the_place_on_the_agenda(organizer_client, edition, commit):
    welcome = AgendaItem.objects.get(edition=edition, position=10)
    page = _accept_page(organizer_client, ProposalFactory(title="Gamma")).content.decode()
    assert f'<option value="{edition.pk}:{welcome.pk}">after Welcome &amp; Introduction</option>' in page
    assert '<optgroup label="#40">' in page

    first = ProposalFactory(title="Alpha", kind=Proposal.Kind.LIGHTNING)
    second = ProposalFactory(title="Beta", kind=Proposal.Kind.LIGHTNING)
    _accept(organizer_client, commit, [first, second], edition, after=f"{edition.pk}:{welcome.pk}")
    # Both right after the welcome, in the order the proposals came in.
    titles = list(AgendaItem.objects.filter(edition=edition).order_by("position").values_list("title", flat=True))
    assert titles == ["Welcome & Introduction", "Alpha", "Beta", "Scaling laws revisited", "Networking"]


def test_a_place_on_another_editions_agenda_is_refused_with_a_message(organizer_client, edition, commit):
    other = EditionFactory(code="41", number=41, start_date=edition.start_date + datetime.timedelta(days=28))
    elsewhere = AgendaItemFactory(edition=other, position=10, title="Welcome")
    proposal = ProposalFactory(title="Alpha")
    response = _accept(organizer_client, commit, [proposal], edition, after=f"{other.pk}:{elsewhere.pk}")
    assert "That place is on another edition's agenda; choose one of #40." in text(response)
    proposal.refresh_from_db()
    assert proposal.status != Proposal.Status.ACCEPTED
    assert not Talk.objects.exists()
