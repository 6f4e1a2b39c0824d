"""Importing raffle answers sent by email, from real mbox files, Maildirs and a fake IMAP client."""

import base64
import datetime
import io
import mailbox
import quopri
import socketserver
import threading
import zoneinfo
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from raffles import mail_import
from raffles.models import Raffle, RaffleEntry
from tests.factories import RaffleEntryFactory, RaffleFactory

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
OPENS = datetime.datetime(2020, 2, 3, 18, 0, tzinfo=VIENNA)
CLOSES = datetime.datetime(2020, 2, 11, 0, 0, tzinfo=VIENNA)
ON_TIME = "Tue, 04 Feb 2020 10:00:00 +0100"
ON_TIME_AT = datetime.datetime(2020, 2, 4, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


def mail(
    body="François Chollet\n",
    *,
    subject="ML Prague 2020",
    sender="Ada Lovelace <ada@example.org>",
    date=ON_TIME,
    message_id="<ada-1@example.org>",
    content_type="text/plain; charset=utf-8",
    encoding="8bit",
):
    """A raw message as a mail client would send it; None leaves a header out."""
    headers = [("From", sender), ("To", "vdlmeetup@gmail.com"), ("Subject", subject), ("Date", date)]
    headers += [("Message-ID", message_id), ("MIME-Version", "1.0"), ("Content-Type", content_type)]
    headers.append(("Content-Transfer-Encoding", encoding))
    head = "".join(f"{name}: {value}\n" for name, value in headers if value is not None)
    if isinstance(body, str):
        body = body.encode("utf-8")
    return head.encode("ascii") + b"\n" + body


def alternative(plain, html, **headers):
    message = EmailMessage()
    message["From"] = headers.get("sender", "Carla Rossi <carla@example.org>")
    message["To"] = "vdlmeetup@gmail.com"
    message["Subject"] = "ML Prague 2020"
    message["Date"] = ON_TIME
    message["Message-ID"] = headers.get("message_id", "<carla@example.org>")
    message.set_content(plain)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def html_only(markup, **kwargs):
    return mail(markup.encode("utf-8"), content_type="text/html; charset=utf-8", **kwargs)


# Everything an organizer finds in the inbox after the meetup, in the order it arrived.
INBOX = [
    mail(),
    mail("Chollet\n", subject="Re: ml prague 2020", sender="bob@example.org", message_id="<bob@example.org>"),
    alternative("Francois Chollet\n", "<p>Yann LeCun</p>"),
    html_only(
        "<html><head><style>p { color: red }</style><script>document.write('Yann LeCun')</script></head>"
        "<body><p>Fran&ccedil;ois <b>Chollet</b></p><p>Cheers, Dora</p></body></html>",
        sender="Dora <dora@example.org>",
        message_id="<dora@example.org>",
    ),
    mail(
        "Fran\xe7ois Chollet\n".encode("iso-8859-1"),
        sender="=?iso-8859-1?q?=C9mil_M=FCller?= <emil@example.org>",
        message_id="<emil@example.org>",
        content_type="text/plain; charset=iso-8859-1",
    ),
    mail(
        "\u201cFran\xe7ois Chollet\u201d\n".encode("windows-1252"),
        sender="fritz@example.org",
        message_id="<fritz@example.org>",
        content_type="text/plain; charset=windows-1252",
    ),
    mail(
        quopri.encodestring("François Chollet\n".encode()),
        sender="gina@example.org",
        message_id="<gina@example.org>",
        encoding="quoted-printable",
    ),
    mail(
        base64.encodebytes(b"Geoffrey Hinton\n"),
        sender="hans@example.org",
        message_id="<hans@example.org>",
        encoding="base64",
    ),
    mail(
        "François Chollet\n\nOn Mon, 3 Feb 2020 at 19:00, VDLM <vdlmeetup@gmail.com> wrote:\n"
        "> Who created Keras? Send the answer with subject 'ML Prague 2020'.\n",
        subject="RE: Fwd: ML Prague 2020",
        sender="ines@example.org",
        message_id="<ines@example.org>",
    ),
    mail(
        "Chollet\n",
        subject="=?utf-8?q?AW=3A_ML_Prague_2020?=",
        sender="jan@example.org",
        message_id="<jan@example.org>",
    ),
    # Sent after the deadline.
    mail(sender="kai@example.org", message_id="<kai@example.org>", date="Tue, 11 Feb 2020 00:00:01 +0100"),
    # The same person again, later, with the address in capitals.
    mail(
        "Yann LeCun\n",
        sender="ADA@EXAMPLE.ORG",
        message_id="<ada-2@example.org>",
        date="Wed, 05 Feb 2020 09:00:00 +0100",
    ),
    # The first message once more, e.g. a copy Gmail keeps in two labels.
    mail(),
    mail("Yes, pizza for 30 people.\n", subject="Pizza for Tuesday", sender="venue@example.com", message_id="<p@x>"),
    mail(sender=None, message_id="<nobody@example.org>"),
    mail("\n\n", sender="lea@example.org", message_id="<lea@example.org>"),
    mail(sender="max@example.org", message_id="<max@example.org>", date=None),
]
INBOX_SUMMARY = (
    "Read 17 messages: 10 stored, 2 duplicates, 1 after the deadline, 3 unparsable, 1 ignored (other subject)."
)
INBOX_ROWS = [
    ("ada@example.org", "Ada Lovelace", "François Chollet", True),
    ("bob@example.org", "", "Chollet", True),
    ("carla@example.org", "Carla Rossi", "Francois Chollet", True),
    ("dora@example.org", "Dora", "François Chollet", True),
    ("emil@example.org", "Émil Müller", "François Chollet", True),
    ("fritz@example.org", "", "\u201cFrançois Chollet\u201d", True),
    ("gina@example.org", "", "François Chollet", True),
    ("hans@example.org", "", "Geoffrey Hinton", False),
    ("ines@example.org", "", "François Chollet", True),
    ("jan@example.org", "", "Chollet", True),
]


@pytest.fixture
def raffle(db):
    return RaffleFactory(slug="ml-prague-2020", email_subject="ML Prague 2020", opens_at=OPENS, closes_at=CLOSES)


def write_mbox(path, messages):
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.close()
    return str(path)


def write_maildir(path, messages):
    box = mailbox.Maildir(path)
    for message in messages:
        box.add(message)
    box.close()
    return str(path)


def run(*args, **options):
    out = io.StringIO()
    call_command("import_raffle_mail", *args, stdout=out, **options)
    return out.getvalue()


def stored_rows():
    return [
        (entry.email, entry.name, entry.answer, entry.answer_correct) for entry in RaffleEntry.objects.order_by("email")
    ]


# --- The command on real mailboxes ------------------------------------------------


def test_mbox_import_stores_each_valid_answer_once(raffle, tmp_path):
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX))

    assert output.strip() == INBOX_SUMMARY
    assert stored_rows() == INBOX_ROWS
    for entry in RaffleEntry.objects.all():
        assert entry.source == RaffleEntry.Source.EMAIL
        # Sending the mail proves the address, so email entries need no confirmation link.
        assert entry.confirmed_at == entry.submitted_at
    ada = RaffleEntry.objects.get(email="ada@example.org")
    assert ada.message_id == "<ada-1@example.org>"
    assert ada.confirmed_at == datetime.datetime(2020, 2, 4, 9, 0, tzinfo=datetime.UTC)


def test_maildir_import_gives_the_same_result(raffle, tmp_path):
    output = run("ml-prague-2020", maildir=write_maildir(tmp_path / "Maildir", INBOX))

    assert output.strip() == INBOX_SUMMARY
    assert stored_rows() == INBOX_ROWS


def test_importing_the_same_mailbox_again_stores_nothing_new(raffle, tmp_path):
    path = write_mbox(tmp_path / "inbox.mbox", INBOX)
    run("ml-prague-2020", mbox=path)

    output = run("ml-prague-2020", mbox=path)

    assert output.strip() == (
        "Read 17 messages: 0 stored, 12 duplicates, 1 after the deadline, 3 unparsable, 1 ignored (other subject)."
    )
    assert stored_rows() == INBOX_ROWS


def test_dry_run_reports_the_same_counts_and_stores_nothing(raffle, tmp_path):
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX), dry_run=True)

    assert output.strip() == (
        "Dry run, nothing was saved. Read 17 messages: 10 would be stored, 2 duplicates, 1 after the deadline, "
        "3 unparsable, 1 ignored (other subject)."
    )
    assert RaffleEntry.objects.count() == 0


def test_verbose_output_has_one_line_per_message(raffle, tmp_path):
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX), verbosity=2)

    lines = output.splitlines()
    assert len(lines) == len(INBOX) + 1
    assert lines[0] == "  <ada-1@example.org> from ada@example.org: stored"
    assert "  <kai@example.org> from kai@example.org: after the deadline" in lines
    assert "  <ada-2@example.org> from ADA@EXAMPLE.ORG: duplicate address" in lines
    assert lines[12] == "  <ada-1@example.org> from ada@example.org: duplicate message"
    assert "  <p@x> from venue@example.com: ignored (other subject)" in lines
    assert "  <nobody@example.org> from (no sender): unparsable (no valid sender address)" in lines
    assert "  <lea@example.org> from lea@example.org: unparsable (no answer in the body)" in lines
    assert "  <max@example.org> from max@example.org: unparsable (no valid Date header)" in lines
    assert lines[-1] == INBOX_SUMMARY


def test_the_first_answer_sent_counts_whatever_the_mailbox_order(raffle, tmp_path):
    later = mail("Yann LeCun\n", message_id="<later@example.org>", date="Thu, 06 Feb 2020 12:00:00 +0100")
    earlier = mail("François Chollet\n", message_id="<earlier@example.org>", date="Tue, 04 Feb 2020 12:00:00 +0100")

    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", [later, earlier]))

    assert output.strip().startswith("Read 2 messages: 1 stored, 1 duplicate, 0 after the deadline")
    assert RaffleEntry.objects.get().message_id == "<earlier@example.org>"


def test_answers_sent_before_the_raffle_opened_are_counted_separately(raffle, tmp_path):
    early = mail(date="Mon, 03 Feb 2020 17:59:59 +0100")

    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", [early]))

    assert output.strip() == (
        "Read 1 message: 0 stored, 0 duplicates, 0 after the deadline, 1 before the raffle opened, "
        "0 unparsable, 0 ignored (other subject)."
    )
    assert RaffleEntry.objects.count() == 0


def test_an_empty_mailbox_reads_nothing(raffle, tmp_path):
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", []))

    assert output.strip() == (
        "Read 0 messages: 0 stored, 0 duplicates, 0 after the deadline, 0 unparsable, 0 ignored (other subject)."
    )


# --- The command's errors -------------------------------------------------------


def test_unknown_slug_is_a_clear_error(raffle, tmp_path):
    with pytest.raises(CommandError, match="no raffle with the slug 'ml-prague-2021'"):
        run("ml-prague-2021", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX))


def test_missing_mbox_is_a_clear_error(raffle, tmp_path):
    with pytest.raises(CommandError, match="No mbox file at .*missing.mbox"):
        run("ml-prague-2020", mbox=str(tmp_path / "missing.mbox"))


def test_a_folder_that_is_not_a_maildir_is_a_clear_error(raffle, tmp_path):
    with pytest.raises(CommandError, match="is not a Maildir"):
        run("ml-prague-2020", maildir=str(tmp_path))
    with pytest.raises(CommandError, match="No Maildir at"):
        run("ml-prague-2020", maildir=str(tmp_path / "missing"))


def test_exactly_one_source_is_required(raffle, tmp_path):
    path = write_mbox(tmp_path / "inbox.mbox", INBOX)
    with pytest.raises(CommandError, match="one of the arguments --mbox --maildir --imap is required"):
        run("ml-prague-2020")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("ml-prague-2020", "--mbox", path, "--maildir", str(tmp_path))
    assert RaffleEntry.objects.count() == 0


def test_imap_options_without_imap_are_refused(raffle, tmp_path):
    with pytest.raises(CommandError, match="--user only apply to --imap"):
        run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX), user="vdlmeetup")


def test_a_drawn_raffle_takes_no_more_answers(raffle, tmp_path):
    Raffle.objects.filter(pk=raffle.pk).update(status=Raffle.Status.DRAWN)
    with pytest.raises(CommandError, match="already been drawn"):
        run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX))
    assert RaffleEntry.objects.count() == 0


def test_a_raffle_without_a_subject_line_is_refused(raffle, tmp_path):
    Raffle.objects.filter(pk=raffle.pk).update(email_subject="")
    with pytest.raises(CommandError, match="no subject line"):
        run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", INBOX))


# --- IMAP ---------------------------------------------------------------------------


class FakeIMAP:
    """Answers like imaplib.IMAP4 does, from a list of raw messages."""

    def __init__(self, messages, folders=("INBOX",)):
        self.messages = messages
        self.folders = folders
        self.calls = []

    def login(self, user, password):
        self.calls.append(("login", user, password))
        return "OK", [b"Logged in"]

    def select(self, mailbox="INBOX", readonly=False):
        self.calls.append(("select", mailbox, readonly))
        if mailbox.strip('"') not in self.folders:
            return "NO", [b"Mailbox doesn't exist"]
        return "OK", [str(len(self.messages)).encode()]

    def search(self, charset, *criteria):
        self.calls.append(("search", *criteria))
        return "OK", [" ".join(str(number) for number in range(1, len(self.messages) + 1)).encode()]

    def fetch(self, number, parts):
        self.calls.append(("fetch", number, parts))
        raw = self.messages[int(number) - 1]
        return "OK", [(f"{int(number)} (BODY[] {{{len(raw)}}}".encode(), raw), b")"]

    def logout(self):
        self.calls.append(("logout",))
        return "BYE", [b"Logging out"]


def test_read_imap_reads_every_message_without_marking_it_read():
    client = FakeIMAP([mail(), mail(sender="bob@example.org")], folders=("[Gmail]/All Mail",))

    messages = list(mail_import.read_imap(client, user="vdlmeetup", password="secret", folder="[Gmail]/All Mail"))

    assert messages == [mail(), mail(sender="bob@example.org")]
    assert client.calls == [
        ("login", "vdlmeetup", "secret"),
        ("select", '"[Gmail]/All Mail"', True),
        ("search", "ALL"),
        ("fetch", b"1", "(BODY.PEEK[])"),
        ("fetch", b"2", "(BODY.PEEK[])"),
        ("logout",),
    ]


def test_read_imap_reports_a_missing_folder_and_logs_out():
    client = FakeIMAP([mail()])

    with pytest.raises(mail_import.MailSourceError, match="Cannot open the IMAP folder 'Raffle'"):
        list(mail_import.read_imap(client, user="vdlmeetup", password="secret", folder="Raffle"))
    assert client.calls[-1] == ("logout",)


def test_imap_import_uses_the_password_from_the_environment(raffle, monkeypatch):
    client = FakeIMAP(INBOX)
    connections = []

    def connect(host, port=None, use_ssl=True, timeout=30):
        connections.append((host, port, use_ssl))
        return client

    monkeypatch.setattr(mail_import, "connect_imap", connect)
    monkeypatch.setenv("RAFFLE_IMAP_PASSWORD", "from-the-environment")

    output = run("ml-prague-2020", imap="imap.gmail.com", user="vdlmeetup@gmail.com")

    assert output.strip() == INBOX_SUMMARY
    assert stored_rows() == INBOX_ROWS
    assert connections == [("imap.gmail.com", None, True)]
    assert client.calls[0] == ("login", "vdlmeetup@gmail.com", "from-the-environment")


def test_imap_without_the_password_variable_is_a_clear_error(raffle, monkeypatch):
    monkeypatch.delenv("RAFFLE_IMAP_PASSWORD", raising=False)
    monkeypatch.setattr(mail_import, "connect_imap", lambda *args, **kwargs: pytest.fail("must not connect"))

    with pytest.raises(CommandError, match="environment variable RAFFLE_IMAP_PASSWORD"):
        run("ml-prague-2020", imap="imap.gmail.com", user="vdlmeetup@gmail.com")


def test_imap_without_a_user_is_a_clear_error(raffle, monkeypatch):
    monkeypatch.setenv("RAFFLE_IMAP_PASSWORD", "secret")
    with pytest.raises(CommandError, match="--imap needs --user"):
        run("ml-prague-2020", imap="imap.gmail.com")


def test_an_unreachable_imap_server_is_a_clear_error(raffle, monkeypatch):
    monkeypatch.setenv("RAFFLE_IMAP_PASSWORD", "secret")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail_import, "connect_imap", refuse)
    with pytest.raises(CommandError, match="Could not read the mail: .*Connection refused"):
        run("ml-prague-2020", imap="localhost", user="vdlmeetup", port=1143, use_ssl=False)


# --- Subjects and single messages ----------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "matches"),
    [
        ("ML Prague 2020", True),
        ("  ml prague   2020 ", True),
        ("Re: ML Prague 2020", True),
        ("RE: Fwd: ML Prague 2020", True),
        ("Re:Re: re: ML Prague 2020", True),
        ("FW: ML Prague 2020", True),
        ("AW: WG: ML Prague 2020", True),
        ("ML Prague 2021", False),
        ("ML Prague 2020 tickets", False),
        ("Question about ML Prague 2020", False),
        ("", False),
        (None, False),
    ],
)
def test_subject_matching(subject, matches):
    assert mail_import.subject_matches(subject, "ML Prague 2020") is matches


def test_rfc2047_encoded_subject_is_decoded():
    message, _ = mail_import.to_email_message(mail(subject="=?iso-8859-1?b?UkU6IE1MIFByYWd1ZSAyMDIw?="))
    assert mail_import.message_subject(message) == "RE: ML Prague 2020"


def answer_of(raw):
    parsed = mail_import.parse_message(raw)
    assert isinstance(parsed, mail_import.ParsedAnswer), parsed
    return parsed.answer


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        # Labelled UTF-8 but written in Latin-1.
        (mail("Fran\xe7ois Chollet\n".encode("iso-8859-1")), "François Chollet"),
        (mail("François Chollet\n", content_type="text/plain; charset=x-klingon"), "François Chollet"),
        # Labelled ISO-8859-1 but with Windows-1252 quotes, as Outlook sends it.
        (
            mail(b"\x93Fran\xe7ois Chollet\x94\n", content_type="text/plain; charset=iso-8859-1"),
            "\u201cFrançois Chollet\u201d",
        ),
        (mail("François Chollet\n", content_type="text/plain"), "François Chollet"),
        (mail("> Who created Keras?\n\nFrançois Chollet\n"), "François Chollet"),
        (
            mail("Chollet\n\nAm 03.02.2020 um 19:00 schrieb VDLM <vdlmeetup@gmail.com>:\n> Who created Keras?\n"),
            "Chollet",
        ),
        (mail("\n  François   Chollet  \n-- \nAda Lovelace\nAnalytical Engines Ltd.\n"), "François Chollet"),
        (mail("Fran\x00çois\x07 Chollet\n"), "François Chollet"),
        (alternative("\n", "<div>Fran&ccedil;ois Chollet<br>Sent from my phone</div>"), "François Chollet"),
        (
            html_only(
                "<div dir=ltr>Chollet</div><div class=gmail_quote><div>On Mon, 3 Feb 2020 VDLM wrote:</div>"
                "<blockquote><div>Who created Keras?</div></blockquote></div>"
            ),
            "Chollet",
        ),
        # No </head>, and an unclosed <p>.
        (html_only("<html><head><title>Re: ML Prague 2020</title><body><p>Chollet"), "Chollet"),
    ],
)
def test_answer_is_the_first_line_the_sender_wrote(raw, answer):
    assert answer_of(raw) == answer


def test_attachments_do_not_hide_the_answer():
    message = EmailMessage()
    message["From"] = "ada@example.org"
    message["Subject"] = "ML Prague 2020"
    message["Date"] = ON_TIME
    message.set_content("François Chollet\n")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="ticket.pdf")

    assert answer_of(message) == "François Chollet"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (mail(sender="not an address"), mail_import.NO_SENDER),
        (mail(sender="<>"), mail_import.NO_SENDER),
        (mail(date="the day after the meetup"), mail_import.NO_DATE),
        (mail("-- \nAda Lovelace\n"), mail_import.NO_ANSWER),
        (
            mail("On Mon, 3 Feb 2020 at 19:00, Vienna Deep Learning Meetup <\nvdlm@gmail.com> wrote:\n> Chollet\n"),
            mail_import.NO_ANSWER,
        ),
        (mail("-----Original Message-----\nFrom: vdlmeetup@gmail.com\n"), mail_import.NO_ANSWER),
        (html_only("<script>alert('Chollet')</script><blockquote>Chollet</blockquote>"), mail_import.NO_ANSWER),
        (mail(b""), mail_import.NO_ANSWER),
    ],
)
def test_unparsable_messages_say_why(raw, reason):
    assert mail_import.parse_message(raw) == reason


def test_sender_name_is_decoded_and_kept_to_the_field_length():
    encoded = mail(sender="=?utf-8?q?Fran=C3=A7ois?= <FC@Example.org>")
    undeclared_utf8 = mail().replace(b"From: Ada Lovelace", "From: Jérôme".encode())
    too_long = mail(sender=f"{'A' * 300} <a@example.org>")

    assert (mail_import.parse_message(encoded).name, mail_import.parse_message(encoded).email) == (
        "François",
        "FC@Example.org",
    )
    assert mail_import.parse_message(undeclared_utf8).name == "Jérôme"
    assert mail_import.parse_message(too_long).name == "A" * 200


def test_control_characters_never_reach_the_database(raffle, tmp_path):
    raw = mail("Fran\x00çois\x07 Chollet\n").replace(b"Ada Lovelace", b"Ada\x00 Lovelace")

    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", [raw]))

    assert output.startswith("Read 1 message: 1 stored,")
    assert stored_rows() == [("ada@example.org", "Ada Lovelace", "François Chollet", True)]


def test_dates_without_a_known_zone_are_utc():
    parsed = mail_import.parse_message(mail(date="Tue, 04 Feb 2020 10:00:00 -0000"))
    assert parsed.received_at == datetime.datetime(2020, 2, 4, 10, 0, tzinfo=datetime.UTC)


def received(raw, *stamps):
    """The message as the mailbox holds it: each server on the way put a Received header on top."""
    lines = [f"Received: from relay{n}.example.net by mx{n}.example.org; {stamp}\n" for n, stamp in enumerate(stamps)]
    return "".join(lines).encode("ascii") + raw


def test_the_deadline_is_judged_by_arrival_not_by_the_senders_clock(raffle, tmp_path):
    # The raffle closes at 00:00 on 11 February, Vienna time.
    set_back = received(
        mail(date="Mon, 10 Feb 2020 23:59:00 +0100", sender="Late Larry <larry@example.org>", message_id="<l@x>"),
        "Tue, 11 Feb 2020 00:05:00 +0100",  # the topmost: the mailbox's own server
        "Mon, 10 Feb 2020 23:58:00 +0100",  # further down, anything the sender's side wrote
    )
    fast_phone = received(
        mail(date="Tue, 11 Feb 2020 00:03:00 +0100", sender="Fast Fiona <fiona@example.org>", message_id="<f@x>"),
        "Mon, 10 Feb 2020 23:59:30 +0100",
    )
    assert mail_import.parse_message(set_back).received_at == datetime.datetime(2020, 2, 11, 0, 5, tzinfo=VIENNA)
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", [set_back, fast_phone]))
    assert output.startswith("Read 2 messages: 1 stored, 0 duplicates, 1 after the deadline")
    entry = RaffleEntry.objects.get()
    assert entry.email == "fiona@example.org"
    assert entry.submitted_at == datetime.datetime(2020, 2, 10, 23, 59, 30, tzinfo=VIENNA)


def test_a_mail_confirms_the_web_entry_of_its_address_that_waited_for_its_link(raffle, tmp_path):
    from raffles.models import Raffle

    Raffle.objects.filter(pk=raffle.pk).update(requires_confirmation=True)
    web = RaffleEntryFactory(raffle=raffle, email="Ada@Example.org", answer="Chollet", confirmed_at=None)
    done = RaffleEntryFactory(raffle=raffle, email="bo@example.org", answer="Chollet", confirmed_at=ON_TIME_AT)
    path = write_mbox(tmp_path / "inbox.mbox", [mail("LeCun\n"), mail(sender="bo@example.org", message_id="<b@x>")])
    dry = run("ml-prague-2020", mbox=path, dry_run=True)
    assert dry.startswith("Dry run, nothing was saved. Read 2 messages: 0 would be stored, 1 would confirm a web entry")
    web.refresh_from_db()
    assert web.confirmed_at is None
    output = run("ml-prague-2020", mbox=path)
    assert output.startswith("Read 2 messages: 0 stored, 1 confirmed a web entry, 1 duplicate,")
    web.refresh_from_db()
    done.refresh_from_db()
    assert (web.confirmed_at, web.answer) == (ON_TIME_AT, "Chollet")  # its first answer stands
    assert done.confirmed_at == ON_TIME_AT and RaffleEntry.objects.count() == 2


def test_messages_without_message_id_get_a_stable_one():
    first = mail_import.parse_message(mail(message_id=None))
    again = mail_import.parse_message(mail(message_id=None))
    other = mail_import.parse_message(mail(message_id=None, date="Wed, 05 Feb 2020 10:00:00 +0100"))

    assert first.message_id.startswith("<sha256:")
    assert first.message_id.endswith("@vdlm.local>")
    assert first.message_id == again.message_id
    assert first.message_id != other.message_id


def test_a_message_id_with_a_control_character_is_replaced_and_the_entry_stored(raffle, tmp_path):
    # "=?utf-8?q?a=00b?=" decodes to a NUL, which PostgreSQL refuses in any query.
    mails = [mail(message_id="=?utf-8?q?a=00b?="), mail(message_id="<a\x01b@example.org>",
             sender="Grace Hopper <grace@example.org>")]  # fmt: skip
    for raw in mails:
        parsed = mail_import.parse_message(raw)
        assert parsed.message_id.startswith("<sha256:") and "\x00" not in parsed.message_id
    output = run("ml-prague-2020", mbox=write_mbox(tmp_path / "inbox.mbox", mails))
    assert output.startswith("Read 2 messages: 2 stored,")
    assert sorted(RaffleEntry.objects.values_list("email", flat=True)) == ["ada@example.org", "grace@example.org"]


def test_messages_without_message_id_are_imported_once(raffle, tmp_path):
    path = write_mbox(tmp_path / "inbox.mbox", [mail(message_id=None)])
    run("ml-prague-2020", mbox=path)

    output = run("ml-prague-2020", mbox=path)

    assert output.startswith("Read 1 message: 0 stored, 1 duplicate,")
    assert RaffleEntry.objects.get().message_id.startswith("<sha256:")


def test_html_to_text_keeps_visible_text_only():
    markup = (
        "<html><head><style>body{}</style></head><body><script>var a = '<p>x</p>';</script>"
        "<h1>Answer</h1><p>Fran&ccedil;ois &amp; <i>friends</i></p><img src='https://tracker.example/p.gif'>"
        "<ul><li>one</li><li>two</li></ul></body></html>"
    )
    lines = [line for line in mail_import.html_to_text(markup).splitlines() if line]
    assert lines == ["Answer", "François & friends", "one", "two"]


class _IMAPHandler(socketserver.StreamRequestHandler):
    """Just enough of an IMAP4rev1 server for imaplib: one user, one read-only INBOX."""

    def handle(self):
        server = self.server
        self.wfile.write(b"* OK fake IMAP ready\r\n")
        while line := self.rfile.readline():
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            argument = rest[0] if rest else ""
            server.commands.append(f"{command.upper()} {argument}".strip())
            if command.upper() == "CAPABILITY":
                self.reply(tag, b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            elif command.upper() == "LOGIN":
                if argument != f'{server.user} "{server.password}"':
                    self.wfile.write(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n".encode())
                    continue
                self.reply(tag)
            elif command.upper() == "EXAMINE":
                self.reply(tag, f"* {len(server.messages)} EXISTS\r\n* FLAGS (\\Seen)\r\n".encode())
            elif command.upper() == "SEARCH":
                numbers = " ".join(str(number) for number in range(1, len(server.messages) + 1))
                self.reply(tag, f"* SEARCH {numbers}\r\n".encode())
            elif command.upper() == "FETCH":
                number = int(argument.split()[0])
                raw = server.messages[number - 1]
                self.reply(tag, f"* {number} FETCH (BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            elif command.upper() == "LOGOUT":
                self.reply(tag, b"* BYE see you\r\n")
                return
            else:
                self.wfile.write(f"{tag} BAD unknown command\r\n".encode())

    def reply(self, tag, untagged=b""):
        self.wfile.write(untagged + f"{tag} OK done\r\n".encode())


@pytest.fixture
def imap_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _IMAPHandler)
    server.daemon_threads = True
    server.user, server.password, server.messages, server.commands = "vdlmeetup", "s3cret pass", INBOX, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_plain_imap_import_against_a_local_server(raffle, imap_server, monkeypatch):
    monkeypatch.setenv("RAFFLE_IMAP_PASSWORD", "s3cret pass")
    port = imap_server.server_address[1]

    output = run("ml-prague-2020", imap="127.0.0.1", port=port, use_ssl=False, user="vdlmeetup", folder="INBOX")

    assert output.strip() == INBOX_SUMMARY
    assert stored_rows() == INBOX_ROWS
    assert 'EXAMINE "INBOX"' in imap_server.commands
    assert all(command.endswith("(BODY.PEEK[])") for command in imap_server.commands if command.startswith("FETCH"))
    assert imap_server.commands[-1] == "LOGOUT"


def test_a_refused_imap_login_is_a_clear_error(raffle, imap_server, monkeypatch):
    monkeypatch.setenv("RAFFLE_IMAP_PASSWORD", "wrong")
    port = imap_server.server_address[1]

    with pytest.raises(CommandError, match=r"Could not read the mail: \[AUTHENTICATIONFAILED\] Invalid credentials"):
        run("ml-prague-2020", imap="127.0.0.1", port=port, use_ssl=False, user="vdlmeetup")
    assert RaffleEntry.objects.count() == 0
