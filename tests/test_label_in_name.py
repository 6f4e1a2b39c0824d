"""WCAG 2.5.3 "Label in Name" (issue #17, item 16): a control's accessible name starts with its visible text.

axe-core reported label-content-name-mismatch on every row of the archive: the
link showed "33" and was named "33rd Vienna Deep Learning Meetup", so a voice-control
user saying "click 33" reached nothing.
"""

import datetime
from html.parser import HTMLParser

import pytest

from meetups.models import Edition
from tests.factories import EditionFactory
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

CONTROLS = {"a", "button"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Controls(HTMLParser):
    """(tag, attributes, visible text) of every link and button: text a sighted user sees,
    without what is visually hidden or hidden from everyone."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._open = []  # [tag, attrs, text parts, hidden depth at start]
        self._stack = []  # hidden flag of each open element
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in CONTROLS:
            self._open.append([tag, attrs, []])
        if tag in VOID:
            return
        hidden = "visually-hidden" in (attrs.get("class") or "").split() or attrs.get("aria-hidden") == "true"
        self._stack.append(hidden)
        self._hidden += hidden

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self._stack:
            self._hidden -= self._stack.pop()
        if tag in CONTROLS and self._open:
            name, attrs, text = self._open.pop()
            self.found.append((name, attrs, " ".join("".join(text).split())))

    def handle_data(self, data):
        if not self._hidden:
            for control in self._open:
                control[2].append(data)


def _starts_with(label, text):
    """True when `label` starts with the words of `text`: "33rd …" does not start with the word "33"."""
    after = label[len(text) : len(text) + 1]
    return label.casefold().startswith(text.casefold()) and not (after.isalnum() or after == "_")


def _controls(response):
    parser = _Controls()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def site():
    site = build_meetup_32(day=datetime.date.today() + datetime.timedelta(days=3))
    EditionFactory(code="AI", kind=Edition.Kind.SPECIAL, number=None, title="AI Summit")
    EditionFactory(code="W1", kind=Edition.Kind.WORKSHOP, number=1, title="", topic="PyTorch from scratch")
    return site


def test_every_edition_link_of_the_archive_is_named_first_by_its_visible_text(client, site):
    rows = [
        (attrs["aria-label"], text)
        for tag, attrs, text in _controls(client.get("/meetups/"))
        if tag == "a" and "aria-label" in attrs and attrs.get("href", "").startswith("/meetups/")
    ]

    assert {text for _label, text in rows} == set(Edition.objects.values_list("code", flat=True))
    for label, text in rows:
        assert _starts_with(label, text), (label, text)
    assert ("33: 33rd Vienna Deep Learning Meetup", "33") in rows
    assert ("AI Summit", "AI") in rows  # already starts with what it shows
    assert ("W1: 1st Workshop", "W1") in rows


PAGES = ["/", "/meetups/", "/meetups/32/", "/meetups/32/deck/", "/talks/", "/speakers/", "/sponsors/", "/jobs/",
         "/raffles/ml-prague-2020/", "/contribute/"]


@pytest.mark.parametrize("path", PAGES)
def test_no_link_or_button_of_a_public_page_is_named_against_its_visible_text(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    mismatched = [
        (attrs.get("aria-label"), text)
        for tag, attrs, text in _controls(response)
        if text and attrs.get("aria-label") and not _starts_with(attrs["aria-label"], text)
    ]
    assert mismatched == []
