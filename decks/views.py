"""The meetup-night deck of one edition: a full-screen slide show for the projector."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from meetups.models import Edition, SiteProfile
from vdlm.permissions import can_preview

from .queries import deck_edition, load_deck
from .slides import build_slides


def deck(request, code):
    """/meetups/<code>/deck/: the slides of an edition (a draft for organizers).

    The slides are built only when templates/decks/deck.html does not keep them
    rendered: the edition is read first, everything else (nine more queries) on demand.
    """
    edition = deck_edition(code)
    if edition is None or not (edition.published or can_preview(request.user, Edition)):
        raise Http404("No edition with this code.")
    hashtag = SiteProfile.cached().hashtag
    context = {
        "edition": edition,
        "is_draft": not edition.published,
        "slides": SimpleLazyObject(lambda: build_slides(load_deck(edition, absolute_url=request.build_absolute_uri))),
        "fragment_seconds": settings.PAGE_CACHE_TIMEOUT,
        # Every slide's footer: "#VDLM · 32nd Vienna Deep Learning Meetup".
        "footer": f"{hashtag} · {edition.display_title}" if hashtag else edition.display_title,
    }
    return render(request, "decks/deck.html", context)
