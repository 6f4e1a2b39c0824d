"""RSS and Atom feeds of editions, newest announcement first (/meetups/feed/, /meetups/feed/atom/)."""

from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape, format_html, format_html_join

from vdlm.feeds import XmlSafeFeed
from vdlm.templatetags.vdlm_tags import edition_when, nice_time

from .calendar import agenda_lines, calendar_editions, location_text
from .markup import render_markdown
from .models import SiteProfile

FEED_LENGTH = 20


def enclosure_for(request, file_field):
    """An enclosure for an uploaded PDF, or None.

    Feed readers need the length in bytes, which only uploaded files have: a link
    to slides elsewhere goes into the description instead.
    """
    if not file_field:
        return None
    try:
        length = file_field.size
    except OSError:
        return None  # the file went missing on disk: no enclosure rather than a broken feed
    return Enclosure(request.build_absolute_uri(file_field.url), str(length), "application/pdf")


class EditionFeed(XmlSafeFeed):
    """Published editions as they are announced: the newest created first."""

    def get_object(self, request, *args, **kwargs):
        # The feed instance is shared by every request: the request travels as the feed's object.
        return request

    def title(self):
        return f"{SiteProfile.cached().group_name}: meetups and events"

    def subtitle(self):
        # Atom's subtitle is plain text (Atom1Feed writes no type); RSS readers take the
        # channel's description as HTML, like the items' (escaped in description()).
        return f"New meetups, workshops and special events of the {SiteProfile.cached().group_name}."

    def description(self):
        return escape(self.subtitle())

    def link(self):
        return reverse("meetups:edition_list")

    def feed_url(self):
        return reverse("meetups:edition_feed")

    def items(self, request):
        editions = list(calendar_editions().order_by("-created_at", "-start_date", "-pk")[:FEED_LENGTH])
        for edition in editions:
            edition.feed_enclosure = enclosure_for(request, edition.intro_slides)
        return editions

    def item_title(self, edition):
        title = f"{edition.display_title}, {edition_when(edition)}"
        return f"Cancelled: {title}" if edition.cancelled else title

    def item_description(self, edition):
        facts = [("When", edition_when(edition) + (f" – {nice_time(edition.end_time)}" if edition.end_time and
                                                   not edition.is_multi_day else ""))]
        location = location_text(edition)
        if location:
            facts.append(("Where", location))
        if edition.host_sponsorships:
            facts.append(("Host", edition.host_sponsorships[0].organisation.name))
        parts = []
        if edition.cancelled:
            parts.append(format_html("<p><strong>{}</strong></p>", "Cancelled: this edition does not take place."))
        parts.append(format_html_join("", "<p><strong>{}:</strong> {}</p>", facts))
        if edition.topic:
            parts.append(format_html("<p>{}</p>", edition.topic))
        # Sanitized by render_markdown (nh3), like on the edition's page.
        parts.append(render_markdown(edition.description, 3))
        agenda = agenda_lines(edition)
        if agenda:
            parts.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in agenda))))
        return "".join(parts)

    def item_link(self, edition):
        return edition.get_absolute_url()

    def item_pubdate(self, edition):
        return edition.created_at

    def item_updateddate(self, edition):
        return edition.updated_at

    def item_categories(self, edition):
        return [edition.get_kind_display()]

    def item_enclosures(self, edition):
        return [edition.feed_enclosure] if edition.feed_enclosure else []


class EditionAtomFeed(EditionFeed):
    feed_type = Atom1Feed

    def feed_url(self):
        return reverse("meetups:edition_feed_atom")
