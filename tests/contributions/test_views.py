"""The call for contributions as a proposer meets it: the form and its preview,
the private link, and what they see after the organizers decide."""

import datetime
import re
import time

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from contributions import services
from contributions.models import Proposal
from meetups.models import AgendaItem
from outbox.models import OutgoingMail
from outbox.services import send_again
from talks.models import Person, Talk
from tests.contributions.conftest import form_data, private_path
from tests.factories import EditionFactory, ProposalFactory
from tests.html_helpers import parse, text
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db


def _send(client, data, **extra):
    response = client.post("/contribute/", data, **extra)
    return response, response.content.decode()


def _input(content, name):
    return re.search(rf"<input[^>]*name=\"{name}\"[^>]*>", content).group(0)


# --- The public page ------------------------------------------------------------


def test_page_says_what_the_meetup_looks_for_and_offers_the_form(client):
    response = client.get("/contribute/")
    assert response.status_code == 200
    page = text(response)
    for kind in ["Talks", "About 30 minutes", "Hot Topics", "Conference reports", "Lightning talks"]:
        assert kind in page
    assert "No account needed" in page
    content = response.content.decode()
    consent = _input(content, "consent")
    assert "checked" not in consent
    assert "required" in consent
    assert 'aria-current="page">Contribute</a>' in content


def test_only_upcoming_published_editions_are_offered(client):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    EditionFactory(code="41", number=41, start_date=soon, topic="Offered")
    EditionFactory(code="42", number=42, start_date=soon, topic="A draft", published=False)
    EditionFactory(code="39", number=39, start_date=timezone.localdate() - datetime.timedelta(days=3), topic="Past")
    EditionFactory(code="43", number=43, start_date=soon, topic="Called off", cancelled=True)
    page = text(client.get("/contribute/"))
    assert "41st Vienna Deep Learning Meetup" in page
    assert "Offered" in page
    for hidden in ["A draft", "Past", "Called off"]:
        assert hidden not in page


def test_sending_stores_the_proposal_and_emails_the_private_link(client, mailoutbox, commit, contact_address):
    response, content = commit(_send, client, form_data())
    assert response.status_code == 200
    assert "Thank you for your proposal!" in content
    assert "We sent an email to <strong>ada@example.org</strong>" in content
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.name, proposal.status, proposal.kind) == (
        "Tiny transformers on a laptop",
        "Ada Lovelace",
        Proposal.Status.NEW,
        Proposal.Kind.TALK,
    )
    # "github.com/ada" as people paste it becomes a link.
    assert proposal.link_list == ["https://github.com/ada", "https://ada.example.org/"]
    assert proposal.consented_at is not None
    to_proposer, to_organizers = mailoutbox
    assert to_proposer.to == ["ada@example.org"]
    assert to_proposer.reply_to == [contact_address]
    assert "Tiny transformers on a laptop" in to_proposer.body
    assert to_organizers.to == [contact_address]
    assert to_organizers.reply_to == ["ada@example.org"]
    assert f"/admin/contributions/proposal/{proposal.pk}/change/" in to_organizers.body

    status_page = client.get(private_path(to_proposer))
    assert status_page.status_code == 200
    assert "Status: New" in text(status_page)


def test_a_double_click_on_send_gives_one_proposal(client, mailoutbox, commit):
    data = form_data(title="Pasted\r\ntitle  with breaks")
    first, _ = commit(_send, client, data)
    second, content = commit(_send, client, data)
    assert first.status_code == second.status_code == 200
    assert "Thank you for your proposal!" in content
    proposal = Proposal.objects.get()
    assert proposal.title == "Pasted title with breaks"
    assert [message.subject for message in mailoutbox] == ["We received your proposal: Pasted title with breaks"]


def test_sent_again_after_fixing_the_abstract_the_proposal_has_the_fix(client, mailoutbox, commit):
    commit(_send, client, form_data(abstract="A tpyo in the first version."))
    response, content = commit(_send, client, form_data(abstract="The fixed version."))
    assert response.status_code == 200 and "Thank you for your proposal!" in content
    proposal = Proposal.objects.get()
    assert proposal.abstract == "The fixed version."
    assert [message.subject for message in mailoutbox].count(f"We received your proposal: {proposal.title}") == 1


def test_a_mail_server_that_is_down_loses_neither_the_proposal_nor_the_mail(
    client, commit, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response, content = commit(_send, client, form_data())
    assert response.status_code == 200
    assert "Thank you for your proposal!" in content
    assert Proposal.objects.count() == 1
    # The test queue runs every attempt at once: the mail is kept, failed, with the server's answer.
    mail = OutgoingMail.objects.get(kind="proposal received")
    assert (mail.status, mail.last_error) == ("failed", "ConnectionRefusedError: smtp is down")

    monkeypatch.undo()  # the server is back; an organizer sends it again from the admin
    with django_capture_on_commit_callbacks(execute=True):
        assert send_again([mail]) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert [message.subject for message in mailoutbox] == [mail.subject]


def test_bad_input_is_explained_and_everything_typed_is_kept(client, mailoutbox):
    data = form_data(
        title="",
        email="ada-at-example.org",
        links="https://ada.example.org\nftp://files.example.org/slides",
        any_edition=None,
        consent=None,
        abstract="My abstract stays.",
    )
    response, content = _send(client, data)
    assert response.status_code == 400
    page = text(response)
    assert "Please give your contribution a title." in page
    assert "Enter a valid email address." in page
    assert "Link 2 (“ftp://files.example.org/slides”) is not a web address" in page
    assert "tick “Any upcoming meetup is fine”" in page
    assert "Please agree to us storing your proposal" in page
    assert 'value="ada-at-example.org"' in content
    assert "My abstract stays.</textarea>" in content
    assert "ftp://files.example.org/slides</textarea>" in content
    assert Proposal.objects.count() == 0
    assert mailoutbox == []


def test_a_preferred_edition_can_replace_any(client, edition):
    response, _ = _send(client, form_data(any_edition=None, preferred_editions=[str(edition.pk)]))
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.any_edition is False
    assert list(proposal.preferred_editions.all()) == [edition]


# --- Preview without JavaScript ---------------------------------------------------


def test_preview_button_shows_the_rendered_abstract_and_keeps_what_was_typed(client, mailoutbox):
    token = rendered_at_token(time.time() - 20)
    data = form_data(
        title="",
        consent=None,
        rendered_at=token,
        abstract="We train **small** models.\n\n<script>alert('x')</script>\n\n[paper](javascript:alert(1))",
        preview="1",
    )
    response, content = _send(client, data)
    assert response.status_code == 200
    preview = re.search(r'<section class="abstract-preview[^>]*>(.*?)</section>', content, re.S)
    assert "hidden" not in preview.group(0).split(">")[0]
    assert "We train <strong>small</strong> models." in preview.group(1)
    assert "<script>alert" not in content
    assert "javascript:" not in preview.group(1)
    # The form comes back as typed, without scolding for what is still missing ...
    assert 'value="Ada Lovelace"' in content
    assert "We train **small** models." in content
    assert "Please give your contribution a title." not in content
    assert "checked" not in _input(content, "consent")
    # ... and with the original render time, so a quick "Send" after it is not taken for a bot.
    assert f'value="{token}"' in content
    assert Proposal.objects.count() == 0
    assert mailoutbox == []


def test_sending_right_after_a_preview_is_stored(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 3
    data = form_data(rendered_at=rendered_at_token(time.time() - 10))
    _, content = _send(client, {**data, "preview": "1"})
    kept_token = re.search(r'name="rendered_at" value="([^"]+)"', content).group(1)
    response, _ = _send(client, {**data, "rendered_at": kept_token})
    assert response.status_code == 200
    assert Proposal.objects.count() == 1


def test_live_preview_returns_the_sanitized_abstract(client):
    response = client.post(
        "/contribute/preview/",
        {"abstract": "# Idea\n\n**bold** <img src=https://tracker.example/x.png> <a href=javascript:alert(1)>x</a>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h4>Idea</h4>" in html
    assert "<strong>bold</strong>" in html
    assert "<img" not in html
    assert "javascript:" not in html
    assert client.get("/contribute/preview/").status_code == 405


# --- Spam guards and the rate limit -----------------------------------------------


@pytest.mark.parametrize(
    "spam",
    [
        {"website": "http://cheap-pills.example"},
        {"rendered_at": "SENT-BACK-AT-ONCE"},
        {"rendered_at": "1234567890:forged"},
        {"rendered_at": None},
    ],
)
def test_spam_looks_successful_but_stores_nothing(client, mailoutbox, commit, spam):
    if spam.get("rendered_at") == "SENT-BACK-AT-ONCE":
        spam = {"rendered_at": rendered_at_token(time.time())}
    response, content = commit(_send, client, form_data(**spam))
    assert response.status_code == 200
    assert "Thank you for your proposal!" in content
    assert Proposal.objects.count() == 0
    assert mailoutbox == []


def test_the_sixth_proposal_from_one_address_in_ten_minutes_gets_429_and_keeps_the_text(client):
    for n in range(5):
        response, _ = _send(client, form_data(title=f"Talk {n}"), REMOTE_ADDR="192.0.2.20")
        assert response.status_code == 200
    response, content = _send(client, form_data(title="The sixth one"), REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 429
    assert "Too many proposals from your network" in content
    assert 'value="The sixth one"' in content
    assert "We train **small** models." in content
    assert Proposal.objects.count() == 5
    # Another visitor is not affected, and ten minutes later the first one may send again.
    assert _send(client, form_data(), REMOTE_ADDR="192.0.2.21")[0].status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert _send(client, form_data(), REMOTE_ADDR="192.0.2.20")[0].status_code == 200


def test_previews_do_not_use_up_the_proposal_limit(client):
    for _ in range(8):
        assert _send(client, {**form_data(), "preview": "1"}, REMOTE_ADDR="192.0.2.30")[0].status_code == 200
    response, _ = _send(client, form_data(), REMOTE_ADDR="192.0.2.30")
    assert response.status_code == 200
    assert Proposal.objects.count() == 1


def test_previews_have_a_limit_of_their_own(client, settings):
    settings.CONTRIBUTION_PREVIEW_RATE = "2/10m"
    for _ in range(2):
        assert client.post("/contribute/preview/", {"abstract": "x"}, REMOTE_ADDR="192.0.2.31").status_code == 200
    assert client.post("/contribute/preview/", {"abstract": "x"}, REMOTE_ADDR="192.0.2.31").status_code == 429
    response, content = _send(client, {**form_data(title="Kept"), "preview": "1"}, REMOTE_ADDR="192.0.2.31")
    assert response.status_code == 429
    assert "Too many previews" in content
    assert 'value="Kept"' in content


# --- The private link -------------------------------------------------------------


def _link(proposal):
    return reverse("contributions:proposal", kwargs={"token": services.proposal_token(proposal)})


def _edit_data(proposal, **overrides):
    data = {
        "kind": proposal.kind,
        "title": proposal.title,
        "abstract": proposal.abstract,
        "name": proposal.name,
        "email": proposal.email,
        "affiliation": proposal.affiliation,
        "bio": proposal.bio,
        "links": proposal.links,
        "any_edition": "on" if proposal.any_edition else "",
    }
    data.update(overrides)
    return data


def test_proposer_edits_the_proposal_through_the_link(client):
    proposal = ProposalFactory(title="First title", status=Proposal.Status.UNDER_REVIEW)
    link = _link(proposal)
    page = client.get(link)
    assert "Status: Under review" in text(page)
    assert 'value="First title"' in page.content.decode()

    response = client.post(link, _edit_data(proposal, title="A better title", kind="lightning"))
    assert response.status_code == 302
    assert response["Location"] == link + "?saved=1"
    proposal.refresh_from_db()
    assert (proposal.title, proposal.kind, proposal.status) == (
        "A better title",
        Proposal.Kind.LIGHTNING,
        Proposal.Status.UNDER_REVIEW,
    )
    after = text(client.get(response["Location"]))
    assert "Your changes are saved." in after
    assert "Lightning talk" in after


def test_a_bad_edit_keeps_the_typed_text_and_changes_nothing(client):
    proposal = ProposalFactory(title="Saved title")
    response = client.post(_link(proposal), _edit_data(proposal, title="Typed title", email="not-an-address"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert 'value="Typed title"' in content
    # The summary shows what is saved, not what failed.
    assert parse(response).headings[0] == (1, "Saved title")
    proposal.refresh_from_db()
    assert proposal.title == "Saved title"


def test_preview_on_the_private_page_changes_nothing(client):
    proposal = ProposalFactory(abstract="Old abstract")
    response = client.post(_link(proposal), _edit_data(proposal, abstract="New *idea*", preview="1"))
    assert response.status_code == 200
    assert "New <em>idea</em>" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.abstract == "Old abstract"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda proposal: services.proposal_token(proposal)[:-3] + "xyz",
        lambda proposal: "not-a-real-token",
        # Signed by the site, but for something else (the raffle confirmation salt).
        lambda proposal: signing.TimestampSigner(salt="raffles.entry-confirmation").sign(str(proposal.public_id)),
    ],
)
def test_a_tampered_link_gets_a_clear_400_page(client, make_token):
    proposal = ProposalFactory()
    response = client.get(reverse("contributions:proposal", kwargs={"token": make_token(proposal)}))
    assert response.status_code == 400
    assert "This link is not valid. Please copy the whole link from the email" in text(response)
    assert client.post(reverse("contributions:withdraw", kwargs={"token": make_token(proposal)})).status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW


def test_an_expired_link_says_so_and_a_fresh_one_works(client, settings):
    settings.CONTRIBUTION_LINK_MAX_AGE_DAYS = 180
    proposal = ProposalFactory()
    link = _link(proposal)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=179)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=181)):
        response = client.get(link)
        assert response.status_code == 400
        assert "This link has expired: links work for 180 days." in text(response)
        assert client.get(_link(proposal)).status_code == 200


def test_a_decided_proposal_shows_status_and_message_but_can_no_longer_be_changed(client):
    proposal = ProposalFactory(
        title="Kept as it was",
        status=Proposal.Status.DECLINED,
        decided_at=timezone.now(),
        decision_message="We had too many proposals on this topic.",
    )
    link = _link(proposal)
    response = client.get(link)
    page = text(response)
    assert "Status: Declined" in page
    assert "We had too many proposals on this topic." in page
    assert "This proposal can no longer be changed." in page
    assert 'name="title"' not in response.content.decode()
    assert "Withdraw this proposal" not in page

    response = client.post(link, _edit_data(proposal, title="Sneaky change"))
    assert response.status_code == 409
    assert "This proposal is declined, so it can no longer be changed." in text(response)
    proposal.refresh_from_db()
    assert proposal.title == "Kept as it was"


def test_withdrawing_asks_first_then_withdraws(client, mailoutbox, commit, contact_address):
    proposal = ProposalFactory(title="Maybe next year")
    withdraw = reverse("contributions:withdraw", kwargs={"token": services.proposal_token(proposal)})
    assert withdraw in client.get(_link(proposal)).content.decode()

    page = client.get(withdraw)
    assert "Yes, withdraw my proposal" in text(page)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW

    response = commit(client.post, withdraw)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert proposal.withdrawn_at is not None
    assert "You withdrew it on" in text(client.get(response["Location"]))
    assert [message.to for message in mailoutbox] == [[contact_address]]
    assert "withdrawn" in mailoutbox[0].subject.lower()

    again = client.post(withdraw)
    assert again.status_code == 409
    assert "it cannot be withdrawn" in text(again)


def test_a_link_to_an_anonymised_proposal_says_it_was_deleted(client):
    proposal = ProposalFactory(status=Proposal.Status.WITHDRAWN, withdrawn_at=timezone.now())
    link = _link(proposal)
    services.anonymise(Proposal.objects.filter(pk=proposal.pk))
    response = client.get(link)
    assert response.status_code == 410
    assert "This proposal has been deleted" in text(response)


def test_private_pages_are_never_cached_indexed_or_sent_on_as_referrer(client):
    proposal = ProposalFactory()
    withdraw = reverse("contributions:withdraw", kwargs={"token": services.proposal_token(proposal)})
    for url in [_link(proposal), withdraw]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in client.get("/contribute/")["Cache-Control"]


# --- Whole journeys ---------------------------------------------------------------


def test_full_path_from_proposal_to_the_agenda(client, organizer_client, edition, mailoutbox, commit):
    # A first-time speaker sends a proposal and gets the link by email.
    commit(_send, client, form_data(preferred_editions=[str(edition.pk)]))
    proposal = Proposal.objects.get()
    link = private_path(mailoutbox[-1])

    # They sharpen the title through the link.
    data = _edit_data(proposal, title="Tiny transformers, big results", preferred_editions=[str(edition.pk)])
    assert client.post(link, data).status_code == 302

    # An organizer accepts it into #40 from the admin, with a message.
    changelist = reverse("admin:contributions_proposal_changelist")
    action = {"action": "accept_into_edition", "_selected_action": [proposal.pk]}
    page = organizer_client.post(changelist, action)
    assert page.status_code == 200
    assert "Accept into an edition" in page.content.decode()
    decision = {**action, "apply": "1", "edition": str(edition.pk), "message": "You are on at 19:30."}
    response = commit(organizer_client.post, changelist, decision)
    assert response.status_code == 302

    # The talk is on the edition page and on its agenda before the networking, with the speaker.
    talk = Talk.objects.get()
    assert (talk.title, talk.edition, talk.kind) == ("Tiny transformers, big results", edition, Talk.Kind.TALK)
    speaker = talk.talk_speakers.get()
    assert (speaker.person.name, speaker.affiliation) == ("Ada Lovelace", "Analytical Engines GmbH")
    slot = AgendaItem.objects.get(edition=edition, talk=talk)
    assert (slot.title, slot.kind, slot.position) == (talk.title, AgendaItem.Kind.TALK, 25)  # before the networking
    edition_page = client.get("/meetups/40/")
    agenda = re.search(r'<ol class="agenda.*?</ol>', edition_page.content.decode(), re.S).group(0)
    assert "Tiny transformers, big results" in agenda
    assert "Ada Lovelace" in agenda
    assert f'id="talk-{talk.slug}"' in edition_page.content.decode()

    # The proposer hears about it, and their page says so.
    accepted = mailoutbox[-1]
    assert accepted.to == ["ada@example.org"]
    assert accepted.subject == "Accepted: Tiny transformers, big results"
    assert "You are on at 19:30." in accepted.body
    assert f"http://testserver{talk.get_absolute_url()}" in accepted.body
    status_page = text(client.get(private_path(accepted)))
    assert "Status: Accepted" in status_page
    assert "40th Vienna Deep Learning Meetup" in status_page
    assert "You are on at 19:30." in status_page


def test_decline_path(client, organizer_client, mailoutbox, commit):
    commit(_send, client, form_data(title="Yet another chatbot"))
    proposal = Proposal.objects.get()
    changelist = reverse("admin:contributions_proposal_changelist")
    decision = {
        "action": "decline_with_message",
        "_selected_action": [proposal.pk],
        "apply": "1",
        "message": "We had three chatbot talks this year already.",
    }
    commit(organizer_client.post, changelist, decision)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    declined = mailoutbox[-1]
    assert declined.to == ["ada@example.org"]
    assert "We had three chatbot talks this year already." in declined.body
    assert "http://testserver/contribute/" in declined.body
    page = client.get(private_path(declined))
    assert "Status: Declined" in text(page)
    assert "We had three chatbot talks this year already." in text(page)
    assert 'name="title"' not in page.content.decode()
    assert Talk.objects.count() == 0
    assert Person.objects.count() == 0


# --- Site-wide standards ----------------------------------------------------------


def test_the_pages_keep_the_site_standards(client):
    proposal = ProposalFactory()
    urls = ["/contribute/", _link(proposal)]
    responses = [client.get(url) for url in urls]
    responses.append(client.post("/contribute/", form_data(title="", consent=None)))
    responses.append(client.post("/contribute/", {**form_data(), "preview": "1"}))
    for response in responses:
        page = parse(response)
        levels = [level for level, _ in page.headings]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False)), levels
        # A strict Content-Security-Policy comes later: no inline scripts or styles.
        assert not [attrs for tag, attrs in page.elements if tag == "script" and not attrs.get("src")]
        assert not [attrs for tag, attrs in page.elements if "style" in attrs]
        labelled = {attrs.get("for") for tag, attrs in page.elements if tag == "label"}
        for tag, attrs in page.elements:
            if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
                assert attrs.get("id") in labelled or attrs.get("aria-label"), attrs
        assert "/static/js/contribute.js" in [attrs.get("src") for tag, attrs in page.elements if tag == "script"]


def test_home_and_privacy_pages_point_to_the_call(client):
    home = client.get("/")
    assert "/contribute/" in home.content.decode()
    assert "Speak at the meetup" in text(home)
    privacy = text(client.get("/privacy/"))
    assert "Proposals for talks" in privacy
    assert "Declined and withdrawn proposals are erased 90 days after the decision." in privacy
