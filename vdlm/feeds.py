"""What the site's RSS and Atom feeds share."""

import re

from django.contrib.syndication.views import Feed

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
