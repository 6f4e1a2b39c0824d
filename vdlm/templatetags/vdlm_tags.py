"""Template helpers shared by every page: safe Markdown, people-friendly dates,
thumbnails, privacy-friendly video links, canonical and absolute URLs, and the
schema.org data."""

import datetime
import json
import re
from html import escape  # as django.utils.html.escape, without its lazy-string checks: for long lists
from urllib.parse import parse_qs, urlsplit

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateformat import time_format as format_time
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from meetups.markup import render_markdown, render_markdown_inline
from meetups.thumbnails import get_thumbnail

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


# --- Lists that pages repeat hundreds of times -------------------------------------------
# Written in Python rather than as included templates: an archive page names some 200
# talks and 300 speakers, and the template language spends ten times longer per name.


def _speaker_names(talk_speakers):
    names = []
    for row in talk_speakers:
        person = row.person
        name = f'<a href="{escape(person.get_absolute_url())}">{escape(person.name)}</a>'
        if row.affiliation:
            name += f', <span class="affiliation">{escape(row.affiliation)}</span>'
        names.append(name)
    return mark_safe("; ".join(names))  # noqa: S308 - every value escaped above


@register.simple_tag
def speaker_names(talk_speakers):
    """The speakers of a talk, linked, each with the affiliation they had at the time."""
    return _speaker_names(talk_speakers)


@register.simple_tag
def agenda_item(item):
    """One line of "Topics for Today" (includes/agenda.html): time, title, kind, speakers.

    Expects `item.talk_card`: its talk with prefetched talk_speakers, or None.
    """
    time = ""
    if item.start_time:
        clock = f"{item.start_time:%H:%M}"
        time = f'<time datetime="{clock}">{clock}</time>'
    talk = item.talk_card
    title = escape(item.title)
    if talk is not None:
        title = f'<a href="{escape(talk.get_absolute_url())}">{title}</a>'
    kind = item.get_kind_display()
    if item.title.lower() != kind.lower():
        title += f' <span class="badge kind-badge">{escape(kind)}</span>'
    speakers = ""
    if talk is not None:
        names = _speaker_names(talk.talk_speakers.all())
        if names:
            speakers = f'<p class="agenda-speakers mb-0">by {names}</p>'
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<li class="agenda-item agenda-{escape(item.kind)}"><span class="agenda-time">{time}</span>'
        f'<div class="agenda-body"><p class="agenda-title mb-0">{title}</p>{speakers}</div></li>'
    )


@register.simple_tag
def talk_card(talk, heading="h3"):
    """A talk in a list (home, talks, a speaker's page): edition, date, kind, title, speakers, links.

    Expects the talk's edition and prefetched talk_speakers. `heading` is the title's
    element, h2 or h3, by where the list sits in the page's outline.
    """
    heading = heading if heading in ("h2", "h3", "h4") else "h3"
    edition = talk.edition
    badges = ""
    if talk.kind != talk.Kind.TALK:
        badges += f' <span class="badge kind-badge">{escape(talk.get_kind_display())}</span>'
    if not edition.published:
        badges += ' <span class="badge text-bg-warning">Draft</span>'
    url = escape(talk.get_absolute_url())
    title = escape(talk.title)
    parts = [
        '<article class="card talk-card h-100"><div class="card-body"><p class="talk-meta mb-1">',
        f'<a href="{escape(edition.get_absolute_url())}">#{escape(edition.code)}</a> · ',
        f'<time datetime="{iso_date(edition.start_date)}">{nice_date(edition.start_date)}</time>{badges}</p>',
        f'<{heading} class="h5 card-title"><a href="{url}">{title}</a></{heading}>',
    ]
    if talk.subtitle:
        parts.append(f'<p class="card-subtitle mb-2">{escape(talk.subtitle)}</p>')
    names = _speaker_names(talk.talk_speakers.all())
    if names:
        parts.append(f'<p class="card-text mb-2">by {names}</p>')
    links = []
    if talk.slides_link:
        links.append(
            f'<a href="{escape(talk.slides_link)}" rel="noopener">'
            f'Slides<span class="visually-hidden"> of “{title}”</span></a>'
        )
    if talk.video_url:
        links.append(f'<a href="{url}#video">Video<span class="visually-hidden"> of “{title}”</span></a>')
    if links:
        parts.append(f'<p class="card-text small mb-0">{" · ".join(links)}</p>')
    parts.append("</div></article>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _archive_talks(talks):
    """An edition's talks as the archive table lists them, from [(url, title, [speaker names])]."""
    if not talks:
        return ""
    items = []
    for url, title, names in talks:
        speakers = f" – {escape(', '.join(names))}" if names else ""
        items.append(f'<li><a href="{escape(url)}">{escape(title)}</a>{speakers}</li>')
    return f'<ul class="archive-talks list-unstyled small mb-0">{"".join(items)}</ul>'


def _day_month(day):
    return f"{day.day} {MONTHS_3[day.month].title()}"  # as the date filter's "j M"


def _link_label(visible, description):
    """An aria-label that starts with the link's visible text, as WCAG 2.5.3 asks ("Label in Name").

    A voice-control user says what they see ("click 33"), which must be the start of
    the name: "33: 33rd Vienna Deep Learning Meetup"; a description that already
    starts with the visible word ("AI Summit" for AI) is the label as it is.
    """
    after = description[len(visible) : len(visible) + 1]
    if description[: len(visible)].casefold() == visible.casefold() and not (after.isalnum() or after == "_"):
        return description
    return f"{visible}: {description}"


@register.simple_tag
def archive_row(edition):
    """One edition as a row of the archive table (meetups/edition_list.html has the header).

    Expects `archive_talks` set on the edition (meetups.views._attach_archive_talks).
    """
    url = escape(edition.get_absolute_url())
    title = escape(edition.display_title)
    label = escape(_link_label(edition.code, edition.display_title))
    code = f'<a href="{url}" aria-label="{label}">{escape(edition.code)}</a>'
    if edition.kind != edition.Kind.MEETUP:
        code += f' <span class="badge kind-badge">{escape(edition.get_kind_display())}</span>'
    start = edition.start_date
    when = f'<time datetime="{start.isoformat()}">{_day_month(start)} {start.year}</time>'
    if edition.is_multi_day:
        when += f"–{_day_month(edition.end_date)}"
    if edition.is_upcoming:
        when += ' <span class="badge text-bg-success">upcoming</span>'
    if edition.cancelled:
        when += ' <span class="badge text-bg-danger">cancelled</span>'
    place = escape(edition.venue.name) if edition.venue_id else ""
    topic = ""
    if edition.title:
        topic = f'<span class="fw-semibold">{escape(edition.title)}</span>' + ("<br>" if edition.topic else "")
    topic += escape(edition.topic) + _archive_talks(edition.archive_talks)
    links = f'<a href="{url}">details<span class="visually-hidden"> of {title}</span></a>'
    if edition.slides_link:
        links += (
            f' · <a href="{escape(edition.slides_link)}" rel="noopener">'
            f'slides<span class="visually-hidden"> of {title}</span></a>'
        )
    video = ""
    if edition.video_url:
        video = (
            f'<a href="{escape(edition.video_url)}" rel="noopener">'
            f'video<span class="visually-hidden"> of {title}</span></a>'
        )
    meetup = ""
    if edition.meetup_url:
        meetup = (
            f'<a href="{escape(edition.meetup_url)}" rel="noopener">'
            f'link<span class="visually-hidden"> to {title} on meetup.com</span></a>'
        )
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<tr><th scope="row" class="archive-code">{code}</th>'
        f'<td data-label="Date">{when}</td>'
        f'<td data-label="Place">{place}</td>'
        f'<td data-label="Topic">{topic}</td>'
        f'<td data-label="Links">{links}</td>'
        f'<td data-label="Video">{video}</td>'
        f'<td data-label="Meetup.com">{meetup}</td></tr>'
    )


# --- The talks of an edition's page (meetups/edition_detail.html) ----------------------------
# In Python for the same reason as the lists above: an edition shows eight talks or so, and
# their template nodes were a fifth of the page's rendering. The markup, whitespace included,
# is what the template wrote before, so the page reads the same byte for byte.


@register.simple_tag
def talks_in_brief(talks):
    """The talks as the page's meta description names them: ' “Title” by First Speaker.' each.

    Expects each talk's prefetched talk_speakers.
    """
    parts = []
    for talk in talks:
        speakers = talk.talk_speakers.all()
        by = f" by {escape(speakers[0].person.name)}" if speakers else ""
        parts.append(f" “{escape(talk.title)}”{by}.")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


@register.simple_tag
def edition_talk(talk):
    """A talk on its edition's page: title, subtitle, speakers, abstract, slides and video links.

    Expects the talk's prefetched talk_speakers.
    """
    url = escape(talk.get_absolute_url())
    title = escape(talk.title)
    subtitle = f'<p class="fw-semibold">{escape(talk.subtitle)}</p>' if talk.subtitle else ""
    names = _speaker_names(talk.talk_speakers.all())
    speakers = f'<p class="speakers">by {names}</p>' if names else ""
    abstract = f'<div class="prose">{render_markdown(talk.abstract, 4)}</div>' if talk.abstract else ""
    links = ""
    if talk.slides_link or talk.video_url:
        slides = video = ""
        if talk.slides_link:
            slides = (
                f'<a href="{escape(talk.slides_link)}" rel="noopener">'
                f'Slides<span class="visually-hidden"> of “{title}”</span></a>'
            )
        if talk.video_url:
            video = f'<a href="{url}#video">Video<span class="visually-hidden"> of “{title}”</span></a>'
        links = f'\n    <p class="d-flex flex-wrap column-gap-3">\n      {slides}\n      {video}\n    </p>\n    '
    return mark_safe(  # noqa: S308 - every value escaped above, the abstract sanitized
        f'<article class="talk-detail-block" id="talk-{escape(talk.slug)}">\n'
        f'    <h3><a href="{url}">{title}</a></h3>\n'
        f"    {subtitle}\n    {speakers}\n    {abstract}\n    {links}\n  </article>"
    )


@register.simple_tag
def hot_topics_section(talk):
    """A hot-topics talk on its edition's page, a section of its own: speakers, abstract, sources, links.

    Expects the talk's prefetched talk_speakers and sources.
    """
    names = _speaker_names(talk.talk_speakers.all())
    speakers = f'<p class="speakers">by {names}</p>' if names else ""
    abstract = f'<div class="prose">{render_markdown(talk.abstract, 3)}</div>' if talk.abstract else ""
    sources = talk.sources.all()
    listed = ""
    if sources:
        items = "".join(
            f'<li><a href="{escape(source.url)}" rel="noopener">{escape(source.title)}</a></li>' for source in sources
        )
        listed = f'\n  <h3 class="h5">Sources</h3>\n  <ul class="sources">\n    {items}\n  </ul>\n  '
    slides = ""
    if talk.slides_link:
        slides = f' · <a href="{escape(talk.slides_link)}" rel="noopener">Slides</a>'
    heading = escape(talk.title) if talk.title else "Hot Topics &amp; Latest News"
    return mark_safe(  # noqa: S308 - every value escaped above, the abstract sanitized
        f'<section class="mt-5 hot-topics" aria-labelledby="hot-topics-{talk.pk}">\n'
        f'  <h2 id="hot-topics-{talk.pk}">{heading}</h2>\n'
        f"  {speakers}\n  {abstract}\n  {listed}\n"
        f'  <p><a href="{escape(talk.get_absolute_url())}">Hot topics page</a>{slides}</p>\n</section>'
    )
