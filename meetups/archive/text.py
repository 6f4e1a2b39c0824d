"""Text helpers for the archive: name folding, links, dates, table cells and the
speaker-cell heuristic. Pure functions, no database."""

import datetime
import posixpath
import re
import unicodedata
from urllib.parse import quote, unquote

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from vdlm.validators import one_line, validate_web_url

GITHUB_REPO = "https://github.com/vdlm/meetups"
GITHUB_BLOB = GITHUB_REPO + "/blob/master/"
GITHUB_TREE = GITHUB_REPO + "/tree/master/"

# RFC 3986 path characters that stay readable; everything else (spaces, umlauts) is
# percent-encoded, so the same file always yields the same URL whichever way it was written.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

# Letters that NFKD cannot split into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)

# Cell values that stand for "nothing here yet".
PLACEHOLDERS = {"todo", "tbd", "tba", "n/a", "na", "none", "-", "–", "—", "?", "(tbd)", "(tba)", "...", "…"}

# The URL fields' own validator: URLValidator alone takes https://x.example/"><script> (issue #17),
# and what this module calls a URL is stored in them as it is.
_url_validator = validate_web_url


def fold(text):
    """'René Šustr' -> 'Rene Sustr': accents removed, for matching only."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def key(text):
    """The matching key of a name or title: 'René Donner' and 'Rene Donner' share one."""
    return slugify(fold(text)) or slugify(text, allow_unicode=True)


def accents(text):
    """How many non-ASCII letters a spelling has: the accented spelling is the one to keep."""
    return sum(1 for char in text if ord(char) > 127)


def collapse(text):
    """Whitespace runs (line breaks included) to single spaces; control characters count as spaces.

    What it returns is one line, as the models' single-line fields require (vdlm.validators).
    """
    return " ".join(one_line(text).split())


def is_placeholder(text):
    return collapse(text).lower() in PLACEHOLDERS


def is_placeholder_link(target):
    """A link that only stands for one to come: empty, or a last segment like TODO ('./slides/TODO', 'n/a.pdf')."""
    last = target.strip().rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last.strip(".") else last
    return not target.strip() or is_placeholder(last) or is_placeholder(stem) or is_placeholder(target)


def is_url(text):
    try:
        _url_validator(text)
    except ValidationError:
        return False
    return True


# --- Links -------------------------------------------------------------------

LINK_RE = re.compile(r"\[(?P<label>[^\[\]]*)\]\(\s*(?:<(?P<angle>[^>]*)>|(?P<plain>[^)\s]*))(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]|]+")


def links(text):
    """[(label, target)] of the markdown links in a cell, or the bare URL if there is no link."""
    found = [
        (m["label"].strip(), (m["angle"] if m["angle"] is not None else m["plain"]).strip())
        for m in LINK_RE.finditer(text)
    ]
    if found:
        return found
    return [("", m.group(0)) for m in _BARE_URL_RE.finditer(text)]


def cell_link(text):
    """The one link target a Slides/Content cell holds: a markdown link, a bare URL or a plain path.

    Returns (target, label); target is "" when the cell is empty or only says TODO.
    """
    text = text.strip()
    found = links(text)
    if found:
        label, target = found[0]
        return target, label
    if text.startswith(("./", "/", "Meetups/", "slides/")) and not is_placeholder(text):
        return text, ""
    return "", text


def repo_path(target, folder):
    """The repository path a relative link points to, seen from `folder` ("" = repository root).

    Returns None for links that climb out of the repository.
    """
    path, _, fragment = unquote(target.strip()).partition("#")
    is_folder = path.endswith("/")
    # A leading slash means the repository root on GitHub, not the file system's.
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
    normalised = posixpath.normpath(joined) if joined else ""
    if normalised in ("", ".") or normalised.startswith(".."):
        return None
    if is_folder:
        normalised += "/"
    return normalised + (f"#{fragment}" if fragment else "")


def absolute_url(target, folder=""):
    """An archive link as an absolute URL: relative paths become github.com/vdlm/meetups URLs.

    Returns None when the target is neither a web link nor a path inside the repository.
    """
    target = target.strip()
    if target.startswith("//"):
        target = "https:" + target
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
        return target if is_url(target) else None
    path = repo_path(target, folder)
    if path is None:
        return None
    path, _, fragment = path.partition("#")
    base = GITHUB_TREE if path.endswith("/") else GITHUB_BLOB
    url = base + quote(path, safe=_PATH_SAFE) + (f"#{quote(fragment, safe=_PATH_SAFE)}" if fragment else "")
    return url if is_url(url) else None


def archive_path(url):
    """For a github.com/vdlm/meetups URL, the repository path it points to (unquoted); else None."""
    for base in (GITHUB_BLOB, GITHUB_TREE):
        if url.startswith(base):
            return unquote(url[len(base) :])
    return None


def relative_link(url):
    """The README way to write a link: './Meetups/…' for files in the archive, the URL otherwise."""
    path = archive_path(url)
    if path is None:
        return url
    return "./" + path


def markdown_link(label, url):
    """[label](target), with angle brackets when the target has spaces or parentheses."""
    target = relative_link(url)
    if re.search(r"[\s()<>]", target):
        target = f"<{target}>"
    return f"[{label}]({target})"


def edition_folder_code(path):
    """'Meetups/Meetup_17/slides/x.pdf' -> '17'; None when the path is not in an edition folder."""
    match = re.search(r"(?:^|/)Meetups/Meetup_([A-Za-z0-9-]+)/", path or "")
    return match[1] if match else None


MEETUP_LOCALE_RE = re.compile(r"^https?://(?:www\.)?meetup\.com/(?:[a-z]{2}(?:-[A-Z]{2})?/)?", re.IGNORECASE)


def normalise_meetup_url(url):
    """meetup.com links without the language segment (/de-DE/): one event, one URL."""
    if MEETUP_LOCALE_RE.match(url):
        return MEETUP_LOCALE_RE.sub("https://www.meetup.com/", url, count=1)
    return url


# --- Dates -------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:\s*(?:/|–|—|--)\s*(?:(?:(?P<y2>\d{4})-)?(?P<m2>\d{1,2})-)?(?P<d2>\d{1,2}))?$"
)


def parse_dates(text):
    """'2018-12-04/05' -> (2018-12-04, 2018-12-05); '2017-10-24' -> (2017-10-24, None).

    Raises ValueError with a sentence an organizer understands.
    """
    match = _DATE_RE.match(collapse(text))
    if not match:
        raise ValueError(f"'{text}' is not a date (expected YYYY-MM-DD or a range like 2018-12-04/05)")
    try:
        start = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["d2"] is None:
            return start, None
        end = datetime.date(int(match["y2"] or match["y"]), int(match["m2"] or match["m"]), int(match["d2"]))
    except ValueError as error:
        raise ValueError(f"'{text}' is not a real date ({error})") from None
    if end < start:
        raise ValueError(f"'{text}' ends before it starts")
    return start, (end if end != start else None)


def format_dates(start, end=None):
    """The inverse of parse_dates: '2018-12-04/05', '2018-11-30/12-01', '2018-12-31/2019-01-01'."""
    if not end or end == start:
        return start.isoformat()
    if end.year != start.year:
        return f"{start.isoformat()}/{end.isoformat()}"
    if end.month != start.month:
        return f"{start.isoformat()}/{end:%m-%d}"
    return f"{start.isoformat()}/{end:%d}"


_TIME_RE = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_time(text):
    match = _TIME_RE.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


# --- Tables ------------------------------------------------------------------

_SEPARATOR_CELL_RE = re.compile(r"^:?-+:?$")


def split_row(line):
    """The cells of a markdown table row; the outer pipes are optional, '\\|' is a literal pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text)]


def is_separator(cells):
    return bool(cells) and all(_SEPARATOR_CELL_RE.match(cell.replace(" ", "")) for cell in cells)


def escape_cell(text):
    """A value safe inside one table cell: no line breaks, literal pipes escaped."""
    return collapse(str(text)).replace("|", "\\|")


# --- Speakers ----------------------------------------------------------------


def _word_set(words):
    return frozenset(words.split())


# Words that make a comma-separated part an organisation rather than a person.
ORGANISATION_WORDS = _word_set(
    "ag agency agentur ai ait analytics austria aws bank boku capital center centre cloud co college "
    "company consulting corp corporation data deepmind digital facebook fh foundation gmbh google group "
    "health hub ibm inc innovation innovations institut institute intel ist kg lab labs laboratory llc "
    "ltd media medical meta microsoft ml network networks nvidia ofai og openai partners plc research "
    "robotics school services software solutions startup studio systems tech technologies technology "
    "telekom tu uni univ universitat university ventures vienna wien wu"
)
# Job titles: "Florian Matusek, Computer Vision Developer, KiwiSecurity" names one person, whose
# role goes with the affiliation.
ROLE_WORDS = _word_set(
    "analyst architect ceo cco cfo chief cio coo consultant cpo cso cto developer director engineer expert "
    "founder co-founder head intern lead lecturer manager officer owner phd postdoc president principal "
    "professor researcher scientist senior specialist student"
)
# Lower-case words that belong inside person names ("Ludwig van Beethoven").
NAME_PARTICLES = _word_set("al bin da de del della den der di du la le ten ter van von y zu")
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*")
_SEPARATORS_RE = re.compile(r"\s+(?:/|&|and|und)\s+")
_INTRO_SPEAKERS = {"vdlm", "vldm"}


# Topics of the organizers' own slides in the talks tables: "Intro slides" with no speaker (#44),
# "VDLM, Survey, Jobs, Events, Hot Papers" under two organizers' names (#49).
_INTRO_TOPIC_RE = re.compile(r"(?:intro slides|intro\s*/|vdlm\s*,)", re.IGNORECASE)


def is_intro_speaker(cell):
    """Speaker 'VDLM' (and the typo 'VLDM') marks the organizers' intro row, not a talk."""
    return collapse(cell).lower() in _INTRO_SPEAKERS


def is_intro_row(speaker_cell, topic_cell):
    """A talks-table row that holds the organizers' intro slides rather than a talk."""
    return is_intro_speaker(speaker_cell) or bool(_INTRO_TOPIC_RE.match(collapse(topic_cell)))


def _words(text):
    return [word.strip(".,") for word in fold(text).lower().split()]


def looks_like_person(text):
    """Two to four capitalised words without organisation words: 'Enes Deumić', 'Ahmad Haj Mosa'."""
    words = text.split()
    if not 2 <= len(words) <= 4 or any(word in ORGANISATION_WORDS or word in ROLE_WORDS for word in _words(text)):
        return False
    for word in words:
        if word in NAME_PARTICLES:
            continue
        if not _NAME_WORD_RE.fullmatch(word) or not word[0].isupper():
            return False
    return True


def looks_like_organisation(text):
    """'Njinn Technologies', 'contextflow GmbH', 'Seznam.cz', 'Google Cloud', 'NY': not a person's name."""
    if any(word in ORGANISATION_WORDS or word in ROLE_WORDS for word in _words(text)):
        return True
    if len(text.split()) == 1 or not text[:1].isupper():
        return True
    return bool(re.search(r"[\d@&()/.]", text))


def split_speakers(cell):
    """Read a speaker cell into [(name, affiliation)] and a list of doubts to report.

    ' / ', ' & ', ' and ' always separate people. A comma separates people only when
    the part after it looks like a person's name; a part that looks like an
    organisation is the affiliation of the people before it ("Cleo Probe, Example
    Labs"). A part that looks like neither is taken as an affiliation, with a doubt.
    """
    text = collapse(cell)
    speakers, doubts = [], []
    if not text:
        return speakers, doubts
    parts = [part.strip() for part in text.split(",") if part.strip()]
    group = []  # the people the next affiliation belongs to
    for index, part in enumerate(parts):
        names = [name.strip() for name in _SEPARATORS_RE.split(part) if name.strip()]
        if index == 0:
            group = [[name, ""] for name in names]
            speakers.extend(group)
            continue
        if all(looks_like_person(name) for name in names):
            doubts.append(f"'{text}': read '{part}' as another speaker (a comma between two names)")
            group = [[name, ""] for name in names]
            speakers.extend(group)
            continue
        if len(names) > 1 and any(looks_like_person(name) for name in names):
            # "Michelangelo Fiore, Computer Vision Developer & Florian Matusek, CCO, KiwiSecurity"
            for name in names:
                if looks_like_person(name):
                    group = [[name, ""]]
                    speakers.extend(group)
                else:
                    for speaker in group:
                        speaker[1] = f"{speaker[1]}, {name}" if speaker[1] else name
            continue
        if not looks_like_organisation(part):
            doubts.append(f"'{text}': read '{part}' as an affiliation, but it could be a name")
        for speaker in group:
            speaker[1] = f"{speaker[1]}, {part}" if speaker[1] else part
    for name, _ in speakers:
        if len(name.split()) == 1:
            doubts.append(f"'{text}': speaker '{name}' is a single word")
    return [(name, affiliation) for name, affiliation in speakers], doubts


BIO_VERBS = r"(?:is|has|holds|was|works|leads|joined|studied|received|founded|co-founded)"


def opens_with_name(paragraph, name):
    """A speaker's bio starts with their name and a verb: "Anouk Visser is …", "Anouk is the CTO …",
    "Paul Tiwald, a trained physicist, has …" (not "Anouk will present …": that is the abstract)."""
    names = f"(?:{re.escape(name)}|{re.escape(name.split()[0])})"
    return re.match(rf"{names}(?:,[^.]{{0,80}},)?\s+{BIO_VERBS}\b", paragraph) is not None


def speaker_cell(pairs):
    """Write [(name, affiliation)] back into one cell that split_speakers reads the same way.

    Affiliations are written only when they survive the round trip ("Name, Affiliation", "A and B,
    Affiliation" for a shared one, "A, Aff A and B, Aff B"); otherwise only the names are written.
    """
    names = " and ".join(name for name, _ in pairs)
    affiliations = {affiliation for _, affiliation in pairs}
    candidates = []
    if len(affiliations) == 1 and "" not in affiliations:
        candidates.append(f"{names}, {next(iter(affiliations))}")
    # Each with their own: "Michelangelo Fiore, Computer Vision Developer and Florian Matusek, KiwiSecurity".
    candidates.append(" and ".join(f"{name}, {affiliation}" if affiliation else name for name, affiliation in pairs))
    for candidate in candidates:
        if split_speakers(candidate)[0] == list(pairs):
            return candidate
    return names


# --- Matching slides to talks ------------------------------------------------

_STOP_WORDS = _word_set(
    "a an and at by deep dl e for from in into is learning meetup of on or pdf presentation s share "
    "slides the then to vdlm vie vienna with"
)


def words_of(text):
    """The telling words of a title or a file name, for guessing which talk a file belongs to."""
    return {
        word
        for word in re.split(r"[^a-z0-9]+", fold(text).lower())
        if len(word) > 1 and word not in _STOP_WORDS and not word.isdigit()
    }
