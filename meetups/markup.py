"""Markdown written by organizers, turned into HTML that is safe to show.

Markdown passes raw HTML through, so its output is never trusted: nh3 keeps
only the tags and attributes below and drops everything else, including
script, event handlers, javascript: links and images (an image from another
host would make every visitor's browser contact that host).
"""

import functools

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


class _ShiftHeadings(Treeprocessor):
    def __init__(self, md, top_level):
        super().__init__(md)
        self.top_level = top_level

    def run(self, root):
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                level = int(element.tag[1]) + self.top_level - 1
                element.tag = f"h{min(level, 6)}"


class _ShiftHeadingsExtension(Extension):
    """A "# Heading" in a bio must not become a second <h1> on the page."""

    def __init__(self, top_level):
        super().__init__()
        self.top_level = top_level

    def extendMarkdown(self, md):  # noqa: N802 - the name Markdown calls
        md.treeprocessors.register(_ShiftHeadings(md, self.top_level), "vdlm_shift_headings", 0)


def render_markdown(text, top_level=3):
    """HTML for `text`; its headings start at <h{top_level}>."""
    if not text:
        return ""
    return _render_markdown(text, top_level)


# Python-Markdown takes about a millisecond a text, and a page of an edition shows a
# dozen texts that change a few times a year: the same text always gives the same HTML.
# A few thousand texts of a few kB each stay within a few MB per worker.
@functools.lru_cache(maxsize=4096)
def _render_markdown(text, top_level):
    html = markdown.markdown(
        text,
        extensions=["extra", "sane_lists", _ShiftHeadingsExtension(top_level)],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown_inline(text):
    """One line of Markdown (e.g. "**build data sets**") without the wrapping paragraph."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
