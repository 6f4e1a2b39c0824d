"""Shared by the deck tests: the group profile of the #32 deck, small images, and a
reader that turns the deck's HTML into slides the way the audience sees them."""

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from meetups.models import SiteProfile

GITHUB_URL = "https://github.com/vdlm/meetups"
YOUTUBE_URL = "https://www.youtube.com/ViennaDeepLearningMeetup"
MEETUP_URL = "https://www.meetup.com/Vienna-Deep-Learning-Meetup/"


def set_profile_of_the_32_deck():
    profile = SiteProfile.load()
    profile.group_name = "Vienna Deep Learning Meetup"
    profile.hashtag = "#VDLM"
    profile.members_count = "1000+"
    profile.contact_email = "vdlmeetup@gmail.com"
    profile.github_url = GITHUB_URL
    profile.youtube_url = YOUTUBE_URL
    profile.meetup_url = MEETUP_URL
    profile.save()
    return profile


def png_upload(name, size=(600, 200), colour=(200, 16, 46), label=""):
    """A real PNG, as an organizer would upload a logo or photo."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([size[0] // 20, size[1] // 5, size[0] * 19 // 20, size[1] * 4 // 5], fill=colour)
    if label:
        draw.text((size[0] // 10, size[1] // 2 - 5), label, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class ParsedSlide:
    number: int
    kind: str
    section: str
    label: str
    heading: str = ""
    texts: list = field(default_factory=list)
    agenda: list = field(default_factory=list)  # (text, classes, is_current)
    links: list = field(default_factory=list)
    svgs: list = field(default_factory=list)  # the raw <svg>…</svg> of each QR code
    images: list = field(default_factory=list)

    @property
    def text(self):
        return " ".join("".join(self.texts).split())


class _DeckReader(HTMLParser):
    BLOCKS = {"p", "li", "h1", "h2", "h3", "td", "th", "tr", "div", "figcaption", "footer", "caption", "br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.slides = []
        self.scripts = []  # (src, has_inline_code)
        self.styles = []  # <style> blocks and style="" attributes
        self.stylesheets = []
        self._depth = 0
        self._slide_depth = None
        self._in_footer = 0
        self._heading = None
        self._agenda_row = None
        self._svg = None
        self._in_script = False
        self._in_title = False
        self._hidden_depth = None
        self.title = ""

    @property
    def _slide(self):
        return self.slides[-1] if self._slide_depth is not None else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styles.append(attrs["style"])
        if tag == "style":
            self.styles.append("<style>")
        if tag == "script":
            self.scripts.append(attrs.get("src"))
            self._in_script = True
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "title" and self._svg is None:
            self._in_title = True
        if self._svg is not None:
            self._svg.append(self.get_starttag_text())
            if tag not in ("path",):
                self._depth += 1
            return
        if tag not in ("br", "img", "meta", "link", "input", "path"):
            self._depth += 1
        classes = (attrs.get("class") or "").split()
        if "visually-hidden" in classes and self._hidden_depth is None:
            # Words for screen readers only ("Done:", "Next:"): not what the room sees.
            self._hidden_depth = self._depth
        if tag == "section" and "slide" in classes:
            kind = next(c.removeprefix("slide-") for c in classes if c.startswith("slide-") and c != "slide-dark")
            self.slides.append(
                ParsedSlide(int(attrs["data-number"]), kind, attrs["data-section"], attrs["aria-label"])
            )
            self._slide_depth = self._depth
            return
        slide = self._slide
        if slide is None:
            return
        if tag == "footer":
            self._in_footer = self._depth
        if tag in ("h1", "h2"):
            self._heading = []
        if tag == "li" and "agenda-row" in classes:
            self._agenda_row = ([], classes, attrs.get("aria-current") == "step", self._depth)
        if tag == "a":
            slide.links.append(attrs.get("href"))
        if tag == "img":
            slide.images.append(attrs.get("src"))
        if tag == "svg":
            self._svg = [self.get_starttag_text()]
            self._svg_depth = self._depth
        if tag in self.BLOCKS:
            self._add(" ")

    def handle_startendtag(self, tag, attrs):
        if self._svg is not None:
            self._svg.append(self.get_starttag_text())
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "title":
            self._in_title = False
        if self._svg is not None:
            self._svg.append(f"</{tag}>")
            if tag == "svg" and self._depth == self._svg_depth:
                self._slide.svgs.append("".join(self._svg))
                self._svg = None
            self._depth -= 1
            return
        if self._hidden_depth == self._depth:
            self._hidden_depth = None
        slide = self._slide
        if slide is not None:
            if tag in ("h1", "h2") and self._heading is not None and not slide.heading:
                slide.heading = " ".join("".join(self._heading).split())
                self._heading = None
            if self._agenda_row is not None and tag == "li" and self._depth == self._agenda_row[3]:
                parts, classes, current, _ = self._agenda_row
                slide.agenda.append((" ".join("".join(parts).split()), classes, current))
                self._agenda_row = None
            if tag in self.BLOCKS:
                self._add(" ")
            if tag == "footer" and self._in_footer == self._depth:
                self._in_footer = 0
            if tag == "section" and self._depth == self._slide_depth:
                self._slide_depth = None
        self._depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._in_script:
            if data.strip():
                self.scripts.append("inline")
            return
        if self._svg is not None or self._slide is None or self._in_footer or self._hidden_depth is not None:
            return
        self._add(data)
        if self._heading is not None:
            self._heading.append(data)

    def _add(self, text):
        self._slide.texts.append(text)
        if self._agenda_row is not None:
            self._agenda_row[0].append(text)


def read_deck(response_or_html):
    """The deck's slides, in order, each with its heading, visible text (footer aside), agenda rows and QR codes."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    reader = _DeckReader()
    reader.feed(html)
    reader.close()
    for slide in reader.slides:
        slide.texts = [re.sub(r"\s+", " ", text) for text in slide.texts]
    return reader


_SVG_STEP = re.compile(r"([Mmh])\s*(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?")


def svg_matrix(svg):
    """The QR modules an inline deck SVG draws, as rows of 0/1 (quiet zone included).

    segno draws each row's dark runs as horizontal strokes: "M x y" starts, "m dx dy"
    moves, "h n" paints n modules from the current point.
    """
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    dark_path = re.search(r'<path class="qr-modules"[^>]* d="([^"]+)"', svg).group(1)
    matrix = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, first, second in _SVG_STEP.findall(dark_path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            length = int(float(first))
            for column in range(int(x), int(x) + length):
                matrix[int(y)][column] = 1
            x += length
    return matrix


def decode_svg(svg, module_pixels=8):
    """What a phone reads from the QR code: the SVG's modules drawn as a picture, decoded by zxing-cpp."""
    import zxingcpp

    matrix = svg_matrix(svg)
    size = len(matrix) * module_pixels
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                left, top = column * module_pixels, row * module_pixels
                draw.rectangle([left, top, left + module_pixels - 1, top + module_pixels - 1], fill=0)
    return [result.text for result in zxingcpp.read_barcodes(image)]
