"""RSS and Atom feeds of talks that have slides or a video (/talks/feed/, /talks/feed/atom/)."""

import datetime

from django.utils.feedgenerator import Atom1Feed

from meetups.schedule import local_datetime
from vdlm.feeds import SiteFeed, enclosure_for

from .models import Talk

FEED_LENGTH = 30


class TalkFeed(SiteFeed):
    """The latest talks with their slides and videos."""

    title_format = "{group}: talks, slides and videos"
    subtitle_format = "Talks given at the {group}, with their slides and videos."
    link_name = "talks:talk_list"
    url_name = "talks:talk_feed"
    # Kind, speakers, edition and date, the subtitle, the abstract and the links, as HTML.
    description_template = "talks/feed_description.html"

    def items(self, request):
        # The latest talks picked by their keys alone: sorting every talk with its edition, to
        # read thirty, was half of the feed's time.
        latest = Talk.objects.published().with_material().latest_first().values("pk")[:FEED_LENGTH]
        talks = list(Talk.objects.cards().filter(pk__in=latest).latest_first())
        for talk in talks:
            talk.feed_enclosure = enclosure_for(request, talk.slides_file)
            talk.feed_slides_url = request.build_absolute_uri(talk.slides_link) if talk.slides_link else ""
        return talks

    def get_context_data(self, **kwargs):
        return {"talk": kwargs["item"]}

    def item_title(self, talk):
        return talk.title

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


class TalkAtomFeed(TalkFeed):
    feed_type = Atom1Feed
    url_name = "talks:talk_feed_atom"
