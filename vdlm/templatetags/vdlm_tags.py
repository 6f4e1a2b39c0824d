"""Template helpers shared by every page: safe Markdown, people-friendly dates,
thumbnails, privacy-friendly video links, canonical and absolute URLs, the
schema.org data, and the speaker names and talk cards other apps' templates show."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format as format_time
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from meetups.markup import render_markdown, render_markdown_inline
from meetups.thumbnails import get_thumbnail
from vdlm.page_cache import content_version

register = template.Library()

DATE_FORMAT = "D, j F Y"  # Thu, 30 January 2020
TIME_FORMAT = "H:i"  # 18:30, as the deck and Vienna write it


@register.filter(is_safe=True)
def markdown(text, top_level=3):
    """Organizer-written Markdown as sanitized HTML; headings start at <h{top_level}>."""
    return mark_safe(render_markdown(text, int(top_level)))  # noqa: S308 - nh3 sanitized it


@register.filter(is_safe=True)
def markdown_inline(text):
    return mark_safe(render_markdown_inline(text))  # noqa: S308 - nh3 sanitized it


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def nice_date(value):
    """Thu, 30 January 2020"""
    if not value:
        return ""
    day = _local(value)
    # DATE_FORMAT ("D, j F Y") spelled out: a list of talks shows dozens of dates, and
    # Django's general formatter parses the format string every time.
    return f"{WEEKDAYS_ABBR[day.weekday()]}, {day.day} {MONTHS[day.month]} {day.year}"


@register.filter
def iso_date(value):
    """2020-01-30, for <time datetime="...">: as the date filter's "Y-m-d"."""
    if not value:
        return ""
    return _local(value).date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()


@register.filter
def nice_datetime(value):
    """Thu, 30 January 2020, 18:30 (in the site's time zone, Europe/Vienna)."""
    if not value:
        return ""
    return format_date(_local(value), f"{DATE_FORMAT}, {TIME_FORMAT}")


@register.filter
def nice_time(value):
    """18:30, for a time of day or an aware datetime."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return format_date(_local(value), TIME_FORMAT)
    return format_time(value, TIME_FORMAT)


@register.filter
def edition_when(edition):
    """When an edition happens, the way the invitation would say it.

    "Thu, 30 January 2020, 18:30", or for two-day events
    "Tue, 4 December – Wed, 5 December 2018".
    """
    if edition.is_multi_day:
        start, end = edition.start_date, edition.end_date
        first = format_date(start, "D, j F" if start.year == end.year else DATE_FORMAT)
        return f"{first} – {format_date(end, DATE_FORMAT)}"
    if edition.start_time:
        return nice_datetime(edition.starts_at)
    return nice_date(edition.start_date)


@register.filter
def iso_datetime(edition):
    """The machine-readable value for <time datetime="...">."""
    if edition.starts_at:
        return edition.starts_at.isoformat()
    return edition.start_date.isoformat()


@register.simple_tag
def thumbnail(image_field, max_width, max_height):
    """{% thumbnail person.photo 96 96 as photo %} gives url, width and height, or None."""
    return get_thumbnail(image_field, int(max_width), int(max_height))


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


@register.filter
def youtube_id(url):
    """The video id of a YouTube link, or "" for anything else (playlists, other hosts)."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host in ("youtube.com", "youtube-nocookie.com", "music.youtube.com"):
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        else:
            segments = parts.path.strip("/").split("/")
            if len(segments) >= 2 and segments[0] in ("embed", "live", "shorts", "v"):
                candidate = segments[1]
    return candidate if _YOUTUBE_ID.match(candidate) else ""


@register.filter
def youtube_embed_url(url):
    """The privacy-enhanced (youtube-nocookie.com) player for a YouTube link."""
    video = youtube_id(url)
    return f"https://www.youtube-nocookie.com/embed/{video}" if video else ""


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """The absolute URL search engines should list for this page.

    Filtered and searched lists point to the plain list; only the page
    number of an unfiltered list is kept, since each page lists other items.
    """
    request = context["request"]
    url = request.build_absolute_uri(path or request.path)
    page_obj = context.get("page_obj")
    unfiltered = set(request.GET) <= {"page"}
    if path is None and unfiltered and page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


@register.simple_tag(takes_context=True)
def nav_active(context, list_view, *detail_views):
    """aria-current for a header link: "page" on the list itself, "true" on its detail pages."""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = match.view_name if match else None
    if view_name == list_view:
        return mark_safe(' aria-current="page"')  # noqa: S308 - a constant
    if view_name in detail_views:
        return mark_safe(' aria-current="true"')  # noqa: S308 - a constant
    return ""


class _CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The output was escaped while it rendered, exactly as if it were written in place.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}...{% endcapture %} renders once and keeps the result for reuse.

    base.html captures the title, description and canonical URL that pages fill in
    through blocks, to repeat them in the OpenGraph and Twitter card tags.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return _CaptureNode(nodelist, bits[2])


@register.simple_tag(name="content_version")
def content_version_tag():
    """{% content_version as version %}: the site-wide content version (vdlm.page_cache), for {% cache %} keys.

    It changes with every change to what the public pages show, so a fragment cached
    under it is as fresh as a cached page.
    """
    return content_version()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The absolute URL of a path on this site ("/media/logos/takeda.png" -> "https://host/media/...")."""
    return context["request"].build_absolute_uri(path) if path else ""


@register.simple_tag(takes_context=True)
def absolute_static(context, path):
    return context["request"].build_absolute_uri(static(path))


def _escape_for_script(text):
    """As django.utils.html.json_script escapes: no value can close the element with "</script>".

    Three replace() calls, not str.translate(), which looks up every character of the
    text in a dict: half a millisecond for the ten kB of an edition's data.
    """
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")


@register.simple_tag
def json_ld(data):
    """schema.org data as <script type="application/ld+json">.

    A data block, not a script: browsers never execute it, so it needs no
    exception in a strict Content-Security-Policy.
    """
    if not data:
        return ""
    text = _escape_for_script(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


# --- Parts that other apps' templates include by tag -------------------------------------
# The markup is in templates/includes/; these tags give it its context.


@register.inclusion_tag("includes/speaker_names.html")
def speaker_names(talk_speakers):
    """The speakers of a talk, linked, each with the affiliation they had at the time."""
    return {"talk_speakers": talk_speakers}


@register.inclusion_tag("includes/talk_card.html")
def talk_card(talk, heading="h3"):
    """A talk in a list (home, talks, a speaker's page): edition, date, kind, title, speakers, links.

    Expects the talk's edition and prefetched talk_speakers. `heading` is the title's
    element, h2 or h3, by where the list sits in the page's outline.
    """
    return {"talk": talk, "heading": heading if heading in ("h2", "h3", "h4") else "h3"}


@register.filter
def label_in_name(visible, description):
    """An aria-label that starts with the link's visible text, as WCAG 2.5.3 asks ("Label in Name").

    A voice-control user says what they see ("click 33"), which must be the start of
    the name: "33: 33rd Vienna Deep Learning Meetup"; a description that already
    starts with the visible word ("AI Summit" for AI) is the label as it is.
    """
    after = description[len(visible) : len(visible) + 1]
    if description[: len(visible)].casefold() == visible.casefold() and not (after.isalnum() or after == "_"):
        return description
    return f"{visible}: {description}"
