"""Hard bounces mark an address "bounced": it gets no more mailings; soft ones change nothing."""

import mailbox
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from members import mailings
from members.models import Subscriber

pytestmark = pytest.mark.django_db

BOUNCE = Path(__file__).parent / "data" / "bounce-hard.eml"


def member(email):
    return Subscriber.objects.create(email=email, status="subscribed", consent_text="Yes.", consented_at=timezone.now())


def run(*args):
    out = StringIO()
    call_command("mark_bounced", *args, stdout=out)
    return out.getvalue()


def test_a_bounce_mail_marks_the_permanently_failed_recipient_only():
    member("gone@example.org")
    member("full@example.org")
    output = run(str(BOUNCE))
    assert "Read 1 mail(s): 1 hard bounce(s)." in output
    assert "bounced: gone@example.org" in output
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {"gone@example.org": "bounced", "full@example.org": "subscribed"}
    assert list(mailings.recipients().values_list("email", flat=True)) == ["full@example.org"]
    assert "Marked 0 address(es) bounced; 1 were already" in run(str(BOUNCE))


def test_bounces_from_an_mbox_and_a_maildir(tmp_path):
    member("gone@example.org")
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(BOUNCE.read_bytes())
    box.add(b"From: someone@example.org\nSubject: not a bounce\n\nHello.\n")
    box.flush()
    assert "Read 2 mail(s): 1 hard bounce(s)." in run(str(tmp_path / "bounces.mbox"))
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(BOUNCE.read_bytes())
    assert "Read 1 mail(s)" in run(str(tmp_path / "Maildir"))


def test_a_providers_list_of_addresses(tmp_path):
    member("a@example.org")
    member("b@example.org")
    listing = tmp_path / "hard-bounces.csv"
    listing.write_text('email,reason\n"A@example.org",hard\nnobody@example.org,hard\n')
    assert "Marked 1 address(es) bounced; 0 were already; 1 not on the list." in run("--addresses", str(listing))
    assert Subscriber.objects.get(email="a@example.org").status == "bounced"


def test_bad_input_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="Give bounce mails"):
        run()
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.mbox"))
