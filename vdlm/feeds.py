"""What the site's RSS and Atom feeds share."""

import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape

from meetups.models import SiteProfile

from .validators import one_line

# Characters XML 1.0 cannot carry at all (Django's feed writer raises on them): C0 controls
# but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Values a feed reader shows on one line.
ONE_LINE_KEYS = {"title", "author_name", "subtitle"}


def _clean(key, value):
    if isinstance(value, str):
        return one_line(value) if key in ONE_LINE_KEYS else NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(key, item) for item in value)
    return value


class XmlSafeFeed(Feed):
    """A Feed whose text is always valid XML, whatever rows stored before the validators hold.

    Single-line fields refuse control characters now (vdlm.validators), but a row
    stored earlier, or by update(), could still hold one, and one such character
    made the whole feed a server error. Titles become one line; other text loses
    only what XML cannot hold.
    """

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = {key: _clean(key, value) for key, value in feed.feed.items()}
        feed.items = [{key: _clean(key, value) for key, value in item.items()} for item in feed.items]
        return feed


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


class SiteFeed(XmlSafeFeed):
    """A feed of the group's: its title and subtitle name the group, its link is a page of the site.

    Subclasses set `title_format` and `subtitle_format` ("{group}" is the group's name),
    `link_name` (the URL name of the page the feed follows) and `url_name` (the feed's
    own); an Atom variant sets `feed_type` and its own `url_name`. items() may set
    `feed_enclosure` on an item (enclosure_for()): it becomes the item's enclosure.
    """

    title_format = "{group}"
    subtitle_format = ""
    link_name = ""
    url_name = ""

    def get_object(self, request, *args, **kwargs):
        # The feed instance is shared by every request: the request travels as the feed's object.
        return request

    def title(self):
        return self.title_format.format(group=SiteProfile.cached().group_name)

    def subtitle(self):
        # Atom's subtitle is plain text (Atom1Feed writes no type); RSS readers take the
        # channel's description as HTML, like the items' (escaped in description()).
        return self.subtitle_format.format(group=SiteProfile.cached().group_name)

    def description(self):
        return escape(self.subtitle())

    def link(self):
        return reverse(self.link_name)

    def feed_url(self):
        return reverse(self.url_name)

    def item_enclosures(self, item):
        enclosure = getattr(item, "feed_enclosure", None)
        return [enclosure] if enclosure else []
