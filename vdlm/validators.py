"""Validators shared by the models: uploads, single-line text and web links.

Uploads: Django's ImageField alone accepts a tiny PNG that declares 100 megapixels
(Pillow only warns), so images are checked for format, byte size and pixel
count before they are stored. PDFs are checked by their structure (pypdf must
read their pages), not by their name. What passes is then re-encoded without its metadata and stored
under a random name (vdlm/uploads.py).
"""

import datetime
import re
import warnings
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

# Pillow's format names. No GIF: animations would lose all but their first frame when
# re-encoded, and a logo or photo is better served as PNG or WebP anyway.
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def _too_many_pixels(limit, width=None, height=None):
    megapixels = f"{limit / 1_000_000:g}"
    if width is None:
        # Pillow refused the header before telling us the size: far too large anyway.
        return ValidationError(
            "This image declares far more than %(limit)s megapixels, the limit. Please scale it down.",
            code="image_too_many_pixels",
            params={"limit": megapixels},
        )
    return ValidationError(
        "This image declares %(width)s × %(height)s pixels; the limit is "
        "%(limit)s megapixels. Please scale it down.",
        code="image_too_many_pixels",
        params={"width": width, "height": height, "limit": megapixels},
    )


@deconstructible
class ImageUploadValidator:
    """Refuse anything but a reasonably sized PNG, JPEG or WebP image."""

    def __call__(self, file):
        max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                "This image is %(size)s; the limit is %(limit)s. Please upload a smaller file.",
                code="image_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            )
        limit = settings.MAX_IMAGE_PIXELS
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            # Pillow warns over its limit (the same number, set at startup) and refuses over
            # twice that, while reading the header: the answer is a message below either way,
            # never a warning in the log.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(file) as image:
                    width, height = image.size
                    image_format = image.format
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(limit) from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise ValidationError(
                "This file is not an image we can read (PNG, JPEG or WebP).",
                code="invalid_image",
            ) from exc
        finally:
            if position is not None:
                file.seek(position)
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(
                "Images must be PNG, JPEG or WebP, not %(format)s.",
                code="image_format",
                params={"format": image_format},
            )
        if width * height > limit:
            raise _too_many_pixels(limit, width, height)

    def __eq__(self, other):
        return isinstance(other, ImageUploadValidator)


@deconstructible
class PdfUploadValidator:
    """Refuse anything that is not a PDF of acceptable size."""

    def __call__(self, file):
        max_bytes = settings.MAX_PDF_UPLOAD_BYTES
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                "This PDF is %(size)s; the limit is %(limit)s.",
                code="pdf_too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            )
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            head = file.read(1024)
        finally:
            if position is not None:
                file.seek(position)
        if b"%PDF-" not in head or not _opens_as_pdf(file):
            raise ValidationError(
                "This file is not a PDF. Please upload the slides as a PDF, or give a link instead.",
                code="not_pdf",
            )

    def __eq__(self, other):
        return isinstance(other, PdfUploadValidator)


def _opens_as_pdf(file):
    """True when pypdf can read the file's structure and finds at least one page.

    The magic bytes alone let "%PDF-" followed by an HTML page through: a browser
    shown that file could run its script. A parser reading hostile input may fail in
    many ways, so any error it raises means "not a PDF we publish".
    """
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(file).pages) > 0
    except Exception:  # noqa: BLE001 - see the docstring
        return False
    finally:
        if position is not None:
            file.seek(position)


validate_image_upload = ImageUploadValidator()
validate_pdf_upload = PdfUploadValidator()


# --- Single-line text ---------------------------------------------------------------
# A title, a name or a subject line is one line wherever it goes: a mail header (a line
# break there makes Django refuse to send), an iCalendar property (icalendar refuses to
# write one), a page's <title>. What breaks a line, or shows as nothing and changes what
# is around it: the control characters (Unicode category Cc, exactly U+0000-U+001F and
# U+007F-U+009F: tab, line feed, carriage return, NUL, escape, NEL...), the line and
# paragraph separators U+2028 and U+2029, and the bidirectional embeddings, overrides and
# isolates U+202A-U+202E and U+2066-U+2069, which reverse the rest of a line as shown
# ("Trojan Source"). Other invisible format characters stay allowed: zero-width joiners
# belong in emoji and in Persian and Indic names.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
NOT_IN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}]")
_RUN_NOT_IN_ONE_LINE = re.compile(f"(?:{NOT_IN_ONE_LINE.pattern})+")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _found(char):
    """How a message names a character that NOT_IN_ONE_LINE matched."""
    if char in _LINE_BREAKS:
        return "a line break"
    if char == "\t":
        return "a tab"
    if re.fullmatch(f"[{_BIDI_CONTROLS}]", char):
        return f"an invisible text-direction control (U+{ord(char):04X})"
    return f"an invisible control character (U+{ord(char):04X})"


def validate_single_line(value):
    """Refuse text that is not one line: see NOT_IN_ONE_LINE. For every single-line model field."""
    if not isinstance(value, str):
        return
    found = NOT_IN_ONE_LINE.search(value)
    if found:
        raise ValidationError(
            "This field must be a single line without control characters: it contains %(found)s.",
            code="not_single_line",
            params={"found": _found(found[0])},
        )


def one_line(text):
    """`text` with each run of what validate_single_line() refuses replaced by one space.

    For output that must be one line (an iCalendar property, a mail subject) from rows
    stored before the validator, or by code that does not run it.
    """
    return _RUN_NOT_IN_ONE_LINE.sub(" ", text or "")


# --- Web links ----------------------------------------------------------------------
# Django's URLValidator takes any non-space character after the host, so that
# https://x.example/"><script> is a "valid URL"; it is no URI (RFC 3986), and a JSON
# field documented as `format: uri` must not carry it. Here a link is http(s) and each
# part holds only what RFC 3986 allows there, percent-encoded otherwise. A host may be
# an international domain name (URLValidator checks it); web_uri() writes it in punycode.
WEB_URL_SCHEMES = ("http", "https")
_HEX = "[0-9A-Fa-f]"
_UNRESERVED_SUB_DELIMS = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCHAR = _UNRESERVED_SUB_DELIMS + ":@"
# RFC 3986 appendix B, for the URLs that have an authority ("scheme://").
_PARTS = re.compile(
    r"(?P<scheme>[^:/?#]+)://(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    re.DOTALL,
)
# The first character a part may not hold as it is (a "%" that starts no %XX included).
_BAD_IN = {
    "userinfo": re.compile(rf"[^{_UNRESERVED_SUB_DELIMS}:%]|%(?!{_HEX}{{2}})"),
    "host": re.compile(rf"[^{_UNRESERVED_SUB_DELIMS}%]|%(?!{_HEX}{{2}})"),
    "authority": re.compile(rf"[^{_PCHAR}\[\]%\u00a0-\U0010ffff]|%(?!{_HEX}{{2}})"),
    "path": re.compile(rf"[^{_PCHAR}/%]|%(?!{_HEX}{{2}})"),
    "query": re.compile(rf"[^{_PCHAR}/?%]|%(?!{_HEX}{{2}})"),
    "fragment": re.compile(rf"[^{_PCHAR}/?%]|%(?!{_HEX}{{2}})"),
}
_PCT = f"%{_HEX}{{2}}"
# An http(s) URI as RFC 3986 writes it, with a host (a bracketed IPv6 address or a name).
_WEB_URI = re.compile(
    rf"[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?:(?:[{_UNRESERVED_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[{_UNRESERVED_SUB_DELIMS}]|{_PCT})+)"
    rf"(?::[0-9]*)?"
    rf"(?:/(?:[{_PCHAR}/]|{_PCT})*)?"
    rf"(?:\?(?:[{_PCHAR}/?]|{_PCT})*)?"
    rf"(?:#(?:[{_PCHAR}/?]|{_PCT})*)?"
)


def _escaped(char):
    return "%25" if char == "%" else quote(char, safe="")


def _encoded(part, name):
    """`part` with what RFC 3986 does not allow in it percent-encoded (a stray "%" as %25)."""
    return _BAD_IN[name].sub(lambda found: _escaped(found[0]), part)


def _as_uri(value):
    """`value` percent-encoded where a URI needs it, with an IDN host in punycode; None if it has no http(s) form."""
    parts = _PARTS.fullmatch(value)
    if parts is None or parts["scheme"].lower() not in WEB_URL_SCHEMES:
        return None
    userinfo, at, host_port = parts["authority"].rpartition("@")
    host, port = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(.*)", host_port, re.DOTALL).groups()
    if host.isascii():
        host = _encoded(host, "host") if not host.startswith("[") else host
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    uri = f"{parts['scheme']}://{_encoded(userinfo, 'userinfo')}{at}{host}{port}"
    uri += _encoded(parts["path"], "path")
    if parts["query"] is not None:
        uri += "?" + _encoded(parts["query"], "query")
    if parts["fragment"] is not None:
        uri += "#" + _encoded(parts["fragment"], "fragment")
    return uri if _WEB_URI.fullmatch(uri) else None


def web_uri(value):
    """A stored link as an RFC 3986 URI, for output that promises one (the API's `format: uri`), or None.

    A link that validate_web_url() accepts comes back as it is (an international
    host in punycode). A row stored before the validator, or by code that does not run
    it, is percent-encoded where that makes it a URI, and is None when nothing would
    (another scheme, no host).
    """
    if not value:
        return None
    if _WEB_URI.fullmatch(value):
        return value
    return _as_uri(value)


@deconstructible
class WebURLValidator(URLValidator):
    """URLValidator for http(s) links that are also URIs (RFC 3986), with a message saying what is wrong.

    For every URLField, beside the field's own URLValidator.
    """

    def __init__(self):
        super().__init__(schemes=list(WEB_URL_SCHEMES))

    def __call__(self, value):
        if isinstance(value, str):
            self._check_characters(value)
        super().__call__(value)

    def _check_characters(self, value):
        control = NOT_IN_ONE_LINE.search(value)
        if control:
            raise ValidationError(
                "A link may not contain %(found)s.", code="url_character", params={"found": _found(control[0])}
            )
        scheme = value.partition(":")[0].lower() if ":" in value else None
        if scheme is not None and scheme not in WEB_URL_SCHEMES and re.fullmatch("[A-Za-z][A-Za-z0-9+.-]*", scheme):
            raise ValidationError(
                "Only web links are accepted here: start it with https:// or http://, not %(scheme)s:.",
                code="url_scheme",
                params={"scheme": scheme},
            )
        parts = _PARTS.fullmatch(value)
        if parts is None:
            return  # not scheme://...: URLValidator says so
        for name in ("authority", "path", "query", "fragment"):
            found = _BAD_IN[name].search(parts[name] or "")
            if found:
                raise self._bad_character(value, found[0])

    def _bad_character(self, value, char):
        suggestion = _as_uri(value)
        found = "a space" if char == " " else f"“{char}”"
        params = {"found": found, "escaped": _escaped(char), "suggestion": suggestion}
        if suggestion:
            message = "A link may not contain %(found)s as it is; percent-encoded, the link is %(suggestion)s"
        else:
            message = "A link may not contain %(found)s as it is; percent-encode it as %(escaped)s."
        return ValidationError(message, code="url_character", params=params)

    def __eq__(self, other):
        return isinstance(other, WebURLValidator)

    def __hash__(self):
        return hash(WebURLValidator)


validate_web_url = WebURLValidator()


# Far enough for any meetup, near enough that a calendar can still hold the year after it: the
# calendar feed names time zones until the end of the year after its last event.
LAST_EVENT_DATE = datetime.date(2999, 12, 31)


def validate_event_date(value):
    """Refuse a date after LAST_EVENT_DATE, such as a placeholder 31.12.9999."""
    if isinstance(value, datetime.date) and value > LAST_EVENT_DATE:
        raise ValidationError(
            "Please give the real date: dates after %(last)s are refused (a placeholder date breaks the calendars).",
            code="date_too_late",
            params={"last": "31 December 2999"},
        )
