"""Template helpers of the deck only."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def initials(name):
    """"René Donner" -> "RD": shown in place of a missing photo."""
    words = [word for word in (name or "").split() if word[:1].isalpha()]
    if not words:
        return ""
    picked = words if len(words) == 1 else [words[0], words[-1]]
    return "".join(word[0] for word in picked).upper()


@register.filter
def display_url(url):
    """A URL as people type it: without "https://", "www." and a trailing slash.

    Long ones may wrap after a slash (<wbr>), never in the middle of a word.
    """
    text = (url or "").removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return mark_safe(escape(text).replace("/", "/<wbr>"))  # noqa: S308 - escaped just before
