"""Organizer-written Markdown is rendered, and nothing dangerous survives it."""

import pytest
from django.template import Context, Template

from meetups.markup import render_markdown, render_markdown_inline
from tests.html_helpers import parse


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('x')</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "text <script>document.cookie</script> more",
        "```\n</code><script>alert(1)</script>\n```",
    ],
)
def test_no_script_survives(source):
    html = render_markdown(source)

    assert "<script" not in html.lower()
    assert "evil.example" not in html
    assert "alert(" not in html or "&lt;script&gt;" in html  # quoted as code at most


@pytest.mark.parametrize(
    "source",
    [
        '<a href="https://example.org" onclick="steal()">x</a>',
        '<p onmouseover="steal()">hover</p>',
        '<img src="x" onerror="steal()">',
        '<svg onload="steal()"></svg>',
        '<b ONFOCUS="steal()" autofocus>focus</b>',
        '<details open ontoggle="steal()">x</details>',
    ],
)
def test_no_event_handler_survives(source):
    html = render_markdown(source)

    assert "steal()" not in html
    attributes = {name for _tag, attrs in parse(html).elements for name in attrs}
    assert not {name for name in attributes if name.lower().startswith("on")}


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="jav&#x61;script:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
    ],
)
def test_no_script_link_survives(source):
    html = render_markdown(source).lower()

    assert "javascript:" not in html
    assert "vbscript:" not in html
    assert "data:" not in html


def test_no_embedded_content_that_would_call_another_host():
    html = render_markdown(
        '![tracker](https://tracker.example/p.gif) <iframe src="https://evil.example"></iframe> '
        '<object data="https://evil.example/x.swf"></object> <style>body{display:none}</style>'
        '<link rel="stylesheet" href="https://evil.example/x.css">'
    )

    assert "tracker.example" not in html
    assert "evil.example" not in html
    assert "<style" not in html
    assert "display:none" not in html


def test_ordinary_markdown_is_rendered():
    html = render_markdown(
        "Dear **Deep Learners**, see [the slides](https://github.com/vdlm/meetups) and *enjoy*.\n\n"
        "- one\n- two\n\n`code`\n\nmail [us](mailto:vdlmeetup@gmail.com)"
    )

    assert "<strong>Deep Learners</strong>" in html
    assert '<a href="https://github.com/vdlm/meetups" rel="noopener noreferrer nofollow">the slides</a>' in html
    assert "<em>enjoy</em>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html
    assert 'href="mailto:vdlmeetup@gmail.com"' in html


def test_headings_are_shifted_below_the_page_heading():
    assert render_markdown("# Bio\n\n## Work", top_level=3) == "<h3>Bio</h3>\n<h4>Work</h4>"
    assert render_markdown("###### Deep", top_level=3) == "<h6>Deep</h6>"


def test_inline_markdown_has_no_wrapping_paragraph():
    assert render_markdown_inline("Very **competitive salary**") == "Very <strong>competitive salary</strong>"
    assert render_markdown_inline("<script>x()</script>**ok**") == "<strong>ok</strong>"


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_template_filter_output_is_safe_html_not_escaped_twice():
    rendered = Template("{% load vdlm_tags %}{{ text|markdown }}").render(
        Context({"text": "**bold** <script>x()</script>"})
    )

    assert rendered == "<p><strong>bold</strong> </p>"
