"""RSS and Atom feeds of talks that have slides or a video (/talks/feed/, /talks/feed/atom/)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html, format_html_join

from meetups.feeds import enclosure_for
from meetups.markup import render_markdown
from meetups.models import SiteProfile
from meetups.queries import talk_cards
from meetups.schedule import local_datetime
from vdlm.feeds import XmlSafeFeed
from vdlm.templatetags.vdlm_tags import nice_date

FEED_LENGTH = 30


def talks_with_material():
    """Published talks with slides (uploaded or linked) or a video, the latest given first."""
    return (
        talk_cards()
        .filter(~Q(slides_file="") | ~Q(slides_url="") | ~Q(video_url=""))
        .order_by("-edition__start_date", "-edition__pk", "title", "pk")
    )


class TalkFeed(XmlSafeFeed):
    """The latest talks with their slides and videos."""

    def get_object(self, request, *args, **kwargs):
        # The feed instance is shared by every request: the request travels as the feed's object.
        return request

    def title(self):
        return f"{SiteProfile.cached().group_name}: talks, slides and videos"

    def subtitle(self):
        # Atom's subtitle is plain text (Atom1Feed writes no type); RSS readers take the
        # channel's description as HTML, like the items' (escaped in description()).
        return f"Talks given at the {SiteProfile.cached().group_name}, with their slides and videos."

    def description(self):
        return escape(self.subtitle())

    def link(self):
        return reverse("talks:talk_list")

    def feed_url(self):
        return reverse("talks:talk_feed")

    def items(self, request):
        talks = list(talks_with_material()[:FEED_LENGTH])
        for talk in talks:
            talk.feed_enclosure = enclosure_for(request, talk.slides_file)
            talk.feed_slides_url = request.build_absolute_uri(talk.slides_link) if talk.slides_link else ""
        return talks

    def item_title(self, talk):
        return talk.title

    def item_description(self, talk):
        speakers = format_html_join(
            "; ",
            "{}{}",
            (
                (speaker.person.name, f" ({speaker.affiliation})" if speaker.affiliation else "")
                for speaker in talk.talk_speakers.all()
            ),
        )
        parts = [
            format_html(
                "<p>{}{} at the {}, {}.</p>",
                talk.get_kind_display(),
                format_html(" by {}", speakers) if speakers else "",
                talk.edition.display_title,
                nice_date(talk.edition.start_date),
            )
        ]
        if talk.subtitle:
            parts.append(format_html("<p><strong>{}</strong></p>", talk.subtitle))
        # Sanitized by render_markdown (nh3), like on the talk's page.
        parts.append(render_markdown(talk.abstract, 3))
        links = []
        if talk.feed_slides_url:
            links.append(format_html('<a href="{}">Slides</a>', talk.feed_slides_url))
        if talk.video_url:
            links.append(format_html('<a href="{}">Video</a>', talk.video_url))
        if links:
            parts.append(format_html("<p>{}</p>", format_html_join(" · ", "{}", ((link,) for link in links))))
        return "".join(parts)

    def item_link(self, talk):
        return talk.get_absolute_url()

    def item_author_name(self, talk):
        return ", ".join(speaker.person.name for speaker in talk.talk_speakers.all()) or None

    def item_pubdate(self, talk):
        # The evening the talk was given: what a reader sorts talks by.
        edition = talk.edition
        return local_datetime(edition.start_date, edition.start_time or datetime.time(0, 0))

    def item_updateddate(self, talk):
        return talk.updated_at

    def item_categories(self, talk):
        return [talk.get_kind_display()]

    def item_enclosures(self, talk):
        return [talk.feed_enclosure] if talk.feed_enclosure else []


class TalkAtomFeed(TalkFeed):
    feed_type = Atom1Feed

    def feed_url(self):
        return reverse("talks:talk_feed_atom")
