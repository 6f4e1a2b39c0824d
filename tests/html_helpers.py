"""Read a response the way a visitor (or a screen reader) would: its text, headings and links."""

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs)
        self.headings = []  # (level, text)
        self.title = ""
        self._text = []
        self._skip = 0
        self._heading = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag in ("br", "p", "li", "dd", "dt", "td", "th", "tr", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            level, parts = self._heading
            self.headings.append((level, " ".join("".join(parts).split())))
            self._heading = None
        if tag in ("p", "li", "dd", "dt", "td", "th", "div"):
            self._text.append(" ")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        self._text.append(data)
        if self._heading is not None:
            self._heading[1].append(data)


def parse(response_or_html):
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    page = _Page()
    page.feed(html)
    page.close()
    page.text = " ".join("".join(page._text).split())
    page.title = " ".join(page.title.split())
    return page


def text(response):
    """The visible text of a page with whitespace collapsed."""
    return parse(response).text


def links(response):
    """The href of every link, in page order."""
    return [attrs["href"] for tag, attrs in parse(response).elements if tag == "a" and "href" in attrs]


def resource_urls(response):
    """Every URL the browser fetches while loading the page (not links, which need a click)."""
    urls = []
    for tag, attrs in parse(response).elements:
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attrs.get("src"):
            urls.append(attrs["src"])
        if tag == "img" and attrs.get("srcset"):
            urls.extend(part.split()[0] for part in attrs["srcset"].split(","))
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical",):
            urls.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            urls.append(attrs["data"])
    return urls


def meta(response, name):
    for tag, attrs in parse(response).elements:
        if tag == "meta" and attrs.get("name") == name:
            return attrs.get("content", "")
    return None


def canonical(response):
    for tag, attrs in parse(response).elements:
        if tag == "link" and attrs.get("rel") == "canonical":
            return attrs["href"]
    return None
