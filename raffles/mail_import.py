"""Reading raffle answers that arrived by email ("send your answer with subject
'ML Prague 2020' to vdlmeetup@gmail.com") from an mbox file, a Maildir or an
IMAP folder, and storing them with `services.add_email_entry`.

Parsing is kept apart from storing so it can be checked on single messages:
`parse_message` turns one message into a `ParsedAnswer` (or says why it cannot),
`import_messages` stores a batch and returns an `ImportReport`.
"""

import contextlib
import dataclasses
import datetime
import email
import email.utils
import hashlib
import html.parser
import imaplib
import mailbox
import os
import re
import ssl
import unicodedata
from email import policy
from email.message import EmailMessage

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from vdlm.validators import NOT_IN_ONE_LINE

from .models import RaffleEntry
from .services import EmailEntryOutcome, add_email_entry

IGNORED = "ignored (other subject)"
UNPARSABLE = "unparsable"

# Why a message that was meant for the raffle cannot become an entry.
NO_SENDER = "no valid sender address"
NO_DATE = "no valid Date header"
NO_ANSWER = "no answer in the body"
UNREADABLE = "the message could not be decoded"

_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg)\s*:)+", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"^(?:on\s.+\swrote|am\s.+\sschrieb\s.+)\s*:$", re.IGNORECASE)
# Outlook's "-----Original Message-----" or a line of underscores, and forwards.
_QUOTED_ORIGINAL = re.compile(r"^(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|_{10,})$", re.IGNORECASE)
# Mail labelled ISO-8859-1 is nearly always Windows-1252 (curly quotes, dashes),
# as browsers assume too; 8-bit text labelled US-ASCII is usually UTF-8.
_CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
_NAME_LENGTH = RaffleEntry._meta.get_field("name").max_length
_EMAIL_LENGTH = RaffleEntry._meta.get_field("email").max_length
_MESSAGE_ID_LENGTH = RaffleEntry._meta.get_field("message_id").max_length
_ANSWER_LENGTH = RaffleEntry._meta.get_field("answer").max_length
# The answer is in the first lines; a cap keeps a huge or hostile body from
# costing more than a glance.
_MAX_BODY_CHARS = 200_000


class MailSourceError(Exception):
    """A mailbox that cannot be opened or read; the message is meant for people."""


@dataclasses.dataclass(frozen=True)
class ParsedAnswer:
    email: str
    name: str
    answer: str
    message_id: str
    received_at: datetime.datetime


@dataclasses.dataclass
class MessageResult:
    """What happened to one message; `detail` says why it was unparsable."""

    message_id: str
    sender: str
    outcome: str
    detail: str = ""

    def describe(self):
        outcome = f"{self.outcome} ({self.detail})" if self.detail else self.outcome
        return f"{self.message_id or '(no Message-ID)'} from {self.sender or '(no sender)'}: {outcome}"


@dataclasses.dataclass
class ImportReport:
    """The outcome of every message read, in the order they were read."""

    results: list = dataclasses.field(default_factory=list)
    dry_run: bool = False

    def count(self, *outcomes):
        return sum(1 for result in self.results if result.outcome in outcomes)

    @property
    def stored(self):
        return self.count(EmailEntryOutcome.STORED)

    @property
    def duplicates(self):
        return self.count(EmailEntryOutcome.DUPLICATE_MESSAGE, EmailEntryOutcome.DUPLICATE_ADDRESS)

    @property
    def late(self):
        return self.count(EmailEntryOutcome.LATE)

    @property
    def early(self):
        return self.count(EmailEntryOutcome.EARLY)

    @property
    def unparsable(self):
        return self.count(UNPARSABLE)

    @property
    def ignored(self):
        return self.count(IGNORED)

    def summary(self):
        """One sentence, e.g. "Read 12 messages: 7 stored, 2 duplicates, ..."."""
        parts = [
            f"{self.stored} {'would be stored' if self.dry_run else 'stored'}",
            _plural(self.duplicates, "duplicate"),
            f"{self.late} after the deadline",
        ]
        # Early answers only happen when the raffle was announced before it opened.
        if self.early:
            parts.append(f"{self.early} before the raffle opened")
        confirmed = self.count(EmailEntryOutcome.CONFIRMED)
        if confirmed:
            parts.insert(1, f"{confirmed} {'would confirm' if self.dry_run else 'confirmed'} a web entry")
        parts += [f"{self.unparsable} unparsable", f"{self.ignored} {IGNORED}"]
        sentence = f"Read {_plural(len(self.results), 'message')}: {', '.join(parts)}."
        return f"Dry run, nothing was saved. {sentence}" if self.dry_run else sentence

    def lines(self):
        return [result.describe() for result in self.results]


def _plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- Reading one message ------------------------------------------------------


def subject_matches(subject, expected):
    """True when `subject` is `expected`, ignoring case, spacing and any number
    of leading reply/forward prefixes (Re:, Fwd:, FW:, and German AW:, WG:)."""
    if not expected or subject is None:
        return False
    return _comparable(_REPLY_PREFIX.sub("", subject)) == _comparable(expected)


def _comparable(text):
    return " ".join(text.split()).casefold()


def to_email_message(message):
    """(EmailMessage parsed with the modern policy, the bytes it came from)."""
    if isinstance(message, bytes | bytearray):
        raw = bytes(message)
        return email.message_from_bytes(raw, policy=policy.default), raw
    raw = _message_bytes(message)
    if isinstance(message, EmailMessage) and isinstance(message.policy, policy.EmailPolicy):
        return message, raw
    # mailbox and compat32 messages lack get_body(); parse them again.
    return email.message_from_bytes(raw, policy=policy.default), raw


def _message_bytes(message):
    try:
        return message.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        return message.as_string().encode("utf-8", "surrogateescape")


def message_subject(message):
    """The decoded Subject, or None when there is none."""
    header = _header(message, "Subject")
    return None if header is None else _repair(str(header))


def message_id_of(message, raw):
    """The Message-ID, or one derived from the message bytes when it has none, so
    importing the same mailbox twice gives the same id."""
    header = _header(message, "Message-ID")
    message_id = _repair("".join(str(header).split())) if header is not None else ""
    # A NUL or another control character (an encoded word may decode to one) is no id: PostgreSQL
    # refuses a NUL in any query, and one such mail would stop every later import of the mailbox.
    if not message_id or len(message_id) > _MESSAGE_ID_LENGTH or NOT_IN_ONE_LINE.search(message_id):
        return f"<sha256:{hashlib.sha256(raw).hexdigest()}@vdlm.local>"
    return message_id


def parse_message(message, *, raw=None):
    """Turn one message into a ParsedAnswer, or return why it cannot be one
    (NO_SENDER, NO_DATE, NO_ANSWER or UNREADABLE).

    `message` is the raw bytes or an email.message.Message; pass `raw`, the
    bytes it was read from, when you have them. The subject is not checked here;
    see `subject_matches`.
    """
    message, read_bytes = to_email_message(message)
    raw = raw if raw is not None else read_bytes
    # The stdlib parser is lenient but a truly mangled message can still raise
    # from deep inside it; one bad message must not stop an import.
    try:
        return _parse(message, raw)
    except Exception:
        return UNREADABLE


def _parse(message, raw):
    email_address, name = _sender(message)
    if not email_address:
        return NO_SENDER
    received_at = _arrival(message) or _date(message)
    if received_at is None:
        return NO_DATE
    answer = _answer(message)
    if not answer:
        return NO_ANSWER
    return ParsedAnswer(
        email=email_address,
        name=name,
        answer=answer,
        message_id=message_id_of(message, raw),
        received_at=received_at,
    )


def _header(message, name):
    # Header objects are parsed on access, where a malformed value can raise.
    try:
        return message[name]
    except Exception:
        return None


def _repair(text):
    """Undo the surrogate escapes the parser leaves for undeclared 8-bit bytes."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def _clean(text, limit):
    """Single-spaced text without control characters, at most `limit` long.

    PostgreSQL refuses NUL characters, and a stray control character would make
    the same answer look different in the admin.
    """
    text = "".join(char for char in _repair(text) if unicodedata.category(char) not in ("Cc", "Cs"))
    return " ".join(text.replace("\ufeff", "").replace("\u200b", "").split())[:limit].strip()


def _sender(message):
    header = _header(message, "From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses:
        return "", ""
    address = addresses[0]
    email_address = _repair(address.addr_spec or "").strip()
    if "@" not in email_address or len(email_address) > _EMAIL_LENGTH:
        return "", ""
    try:
        validate_email(email_address)
    except ValidationError:
        return "", ""
    return email_address, _clean(address.display_name or "", _NAME_LENGTH)


def _arrival(message):
    """When the mail reached the mailbox: the date the receiving server stamped on the topmost
    Received header (RFC 5321, 4.4), or None. The Date header is the sender's own clock, which
    may run fast or slow, or be set by hand to look on time."""
    try:
        topmost = (message.get_all("Received") or [None])[0]
    except Exception:  # a malformed header raises where it is parsed
        return None
    _, semicolon, stamp = str(topmost or "").rpartition(";")
    if not semicolon:
        return None
    try:
        value = email.utils.parsedate_to_datetime(stamp.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def _date(message):
    header = _header(message, "Date")
    value = getattr(header, "datetime", None) if header is not None else None
    if value is None:
        return None
    if value.tzinfo is None:
        # "-0000" (and a missing zone) means the time is in UTC with the
        # sender's local offset unknown (RFC 5322, 3.3).
        value = value.replace(tzinfo=datetime.UTC)
    return value


# --- Finding the answer in the body ----------------------------------------------


def _answer(message):
    # text/plain is what the sender typed; HTML is a fallback for clients that
    # send nothing else (or an empty plain part).
    for subtype in ("plain", "html"):
        part = message.get_body(preferencelist=(subtype,))
        if part is None:
            continue
        text = decode_text(part)
        if subtype == "html":
            text = html_to_text(text)
        answer = first_answer_line(text)
        if answer:
            return _clean(answer, _ANSWER_LENGTH)
    return ""


def decode_text(part):
    """The text of a MIME part, whatever its transfer encoding and charset.

    A declared charset that is unknown or wrong falls back to UTF-8, then
    Windows-1252 and finally Latin-1, which decodes any bytes.
    """
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    declared = _CHARSET_ALIASES.get(declared, declared)
    for charset in (declared, "utf-8", "windows-1252"):
        if not charset:
            continue
        try:
            return payload.decode(charset)[:_MAX_BODY_CHARS]
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return payload.decode("latin-1")[:_MAX_BODY_CHARS]


def first_answer_line(text):
    """The first line the sender wrote themselves: not quoted ("> ..."), not
    blank, and above the reply attribution ("On ... wrote:") or signature ("-- ")."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        if stripped == "--" or _QUOTED_ORIGINAL.match(stripped):
            return ""
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        # Mail clients wrap long attribution lines, typically before the address.
        if _ATTRIBUTION.match(stripped) or (following and _ATTRIBUTION.match(f"{stripped} {following}")):
            return ""
        return stripped
    return ""


class _TextExtractor(html.parser.HTMLParser):
    """Collects the text a reader would see; never fetches or runs anything."""

    # Quoted replies (blockquote) are never the answer; the rest is never shown.
    HIDDEN = frozenset({"script", "style", "title", "template", "head", "blockquote"})
    BLOCKS = frozenset(
        {"address", "article", "br", "dd", "div", "dl", "dt", "footer", "header", "hr", "li", "ol", "p", "pre"}
        | {"section", "table", "td", "th", "tr", "ul", "h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.hidden = []
        self.pre_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            # A missing </head> must not hide the whole body.
            self.hidden = [hidden for hidden in self.hidden if hidden != "head"]
        if tag in self.HIDDEN:
            self.hidden.append(tag)
        if tag == "pre":
            self.pre_depth += 1
        if tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.hidden:
            # Close the innermost open element of this kind, and anything left open inside it.
            del self.hidden[len(self.hidden) - 1 - self.hidden[::-1].index(tag) :]
        if tag == "pre" and self.pre_depth:
            self.pre_depth -= 1
        if tag in self.BLOCKS and tag != "br":
            self.chunks.append("\n")

    def handle_data(self, data):
        if self.hidden:
            return
        self.chunks.append(data if self.pre_depth else re.sub(r"\s+", " ", data))


def html_to_text(markup):
    """Plain text of an HTML body, one line per block, without scripts, styles or
    quoted blocks. Uses only the stdlib parser: no request is made, nothing runs."""
    extractor = _TextExtractor()
    # The parser gives up on a few malformed declarations (<![...]>) with an
    # AssertionError; the text read up to there is still good.
    with contextlib.suppress(AssertionError):
        extractor.feed(markup[:_MAX_BODY_CHARS])
        extractor.close()
    return "\n".join(line.strip() for line in "".join(extractor.chunks).splitlines())


# --- Importing a batch -----------------------------------------------------------


def import_messages(raffle, messages, dry_run=False):
    """Store the answers among `messages` (raw bytes or Message objects) for
    `raffle` and return an ImportReport.

    Messages whose subject is not the raffle's are ignored. Answers are stored
    in the order they were sent (Date header), so when one address answered
    twice the first answer counts, whatever order the mailbox lists them in.
    Importing the same messages again stores nothing new. With `dry_run` every
    check runs, duplicates within the batch included, inside a transaction that
    is rolled back.
    """
    results, pending = [], []
    for item in messages:
        message, raw = to_email_message(item)
        message_id = message_id_of(message, raw)
        sender = _sender_label(message)
        subject = message_subject(message)
        if not subject_matches(subject, raffle.email_subject):
            results.append(MessageResult(message_id, sender, IGNORED))
            continue
        parsed = parse_message(message, raw=raw)
        if isinstance(parsed, str):
            results.append(MessageResult(message_id, sender, UNPARSABLE, parsed))
            continue
        result = MessageResult(parsed.message_id, parsed.email, "")
        results.append(result)
        pending.append((parsed, result))
    pending.sort(key=lambda item: item[0].received_at)
    with transaction.atomic():
        for parsed, result in pending:
            result.outcome = add_email_entry(
                raffle,
                email=parsed.email,
                name=parsed.name,
                answer=parsed.answer,
                message_id=parsed.message_id,
                received_at=parsed.received_at,
            )
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(results=results, dry_run=dry_run)


def _sender_label(message):
    header = _header(message, "From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    return _clean(addresses[0].addr_spec or "", _EMAIL_LENGTH) if addresses else ""


# --- Mail sources ----------------------------------------------------------------


def read_mbox(path):
    """The raw messages of an mbox file, in file order. The file is not changed."""
    if not os.path.isfile(path):
        raise MailSourceError(f"No mbox file at {path}.")
    try:
        box = mailbox.mbox(path, factory=None, create=False)
    except (OSError, mailbox.Error) as error:
        raise MailSourceError(f"Cannot open the mbox file {path}: {error}") from error
    return _read_mailbox(box)


def read_maildir(path):
    """The raw messages of a Maildir (new/ and cur/). Nothing is moved or flagged."""
    if not os.path.isdir(path):
        raise MailSourceError(f"No Maildir at {path}.")
    if not (os.path.isdir(os.path.join(path, "new")) and os.path.isdir(os.path.join(path, "cur"))):
        raise MailSourceError(f"{path} is not a Maildir: it has no new/ and cur/ folders.")
    return _read_mailbox(mailbox.Maildir(path, factory=None, create=False))


def _read_mailbox(box):
    try:
        for key in box.iterkeys():
            try:
                yield box.get_bytes(key)
            except KeyError:
                # Another mail client removed the message while we were reading.
                continue
    finally:
        box.close()


def connect_imap(host, port=None, use_ssl=True, timeout=30):
    """An IMAP client for `host`; certificates are verified when using SSL."""
    if use_ssl:
        # imaplib's own default context does not verify the server certificate.
        context = ssl.create_default_context()
        return imaplib.IMAP4_SSL(host, port or imaplib.IMAP4_SSL_PORT, ssl_context=context, timeout=timeout)
    return imaplib.IMAP4(host, port or imaplib.IMAP4_PORT, timeout=timeout)


def read_imap(client, *, user, password, folder="INBOX"):
    """The raw messages of an IMAP folder, read through `client` (an imaplib
    IMAP4 object or anything with login/select/search/fetch/logout).

    The folder is opened read-only and fetched with BODY.PEEK, so the messages
    stay unread for the organizers who look at the inbox.
    """
    if not folder.isascii():
        raise MailSourceError(
            f"Give the IMAP folder {folder!r} by its IMAP name (modified UTF-7, as the server lists it)."
        )
    client.login(user, password)
    try:
        status, data = client.select(_imap_quote(folder), readonly=True)
        if status != "OK":
            raise MailSourceError(f"Cannot open the IMAP folder {folder!r}: {_imap_text(data)}")
        status, data = client.search(None, "ALL")
        if status != "OK":
            raise MailSourceError(f"Cannot list the messages in {folder!r}: {_imap_text(data)}")
        numbers = data[0].split() if data and data[0] else []
        for number in numbers:
            status, data = client.fetch(number, "(BODY.PEEK[])")
            if status != "OK":
                raise MailSourceError(f"Cannot fetch message {number.decode()}: {_imap_text(data)}")
            for item in data:
                if isinstance(item, tuple) and len(item) == 2:
                    yield item[1]
    finally:
        client.logout()


def _imap_quote(name):
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _imap_text(data):
    return " ".join(item.decode(errors="replace") if isinstance(item, bytes) else str(item) for item in data or [])
