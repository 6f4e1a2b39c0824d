"""RSS and Atom feeds of editions, newest announcement first (/meetups/feed/, /meetups/feed/atom/)."""

from django.utils.feedgenerator import Atom1Feed

from vdlm.feeds import SiteFeed, enclosure_for
from vdlm.templatetags.vdlm_tags import edition_when

from .calendar import agenda_lines, calendar_editions, location_text

FEED_LENGTH = 20


class EditionFeed(SiteFeed):
    """Published editions as they are announced: the newest created first."""

    title_format = "{group}: meetups and events"
    subtitle_format = "New meetups, workshops and special events of the {group}."
    link_name = "meetups:edition_list"
    url_name = "meetups:edition_feed"
    # When, where, the host, the topic, the invitation and the agenda, as HTML.
    description_template = "meetups/feed_description.html"

    def items(self, request):
        editions = list(calendar_editions().order_by("-created_at", "-start_date", "-pk")[:FEED_LENGTH])
        for edition in editions:
            edition.feed_enclosure = enclosure_for(request, edition.intro_slides)
        return editions

    def get_context_data(self, **kwargs):
        edition = kwargs["item"]
        return {"edition": edition, "location": location_text(edition), "agenda": agenda_lines(edition)}

    def item_title(self, edition):
        title = f"{edition.display_title}, {edition_when(edition)}"
        return f"Cancelled: {title}" if edition.cancelled else title

    def item_link(self, edition):
        return edition.get_absolute_url()

    def item_pubdate(self, edition):
        return edition.created_at

    def item_updateddate(self, edition):
        return edition.updated_at

    def item_categories(self, edition):
        return [edition.get_kind_display()]


class EditionAtomFeed(EditionFeed):
    feed_type = Atom1Feed
    url_name = "meetups:edition_feed_atom"
