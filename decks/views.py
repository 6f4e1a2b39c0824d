"""The meetup-night deck of one edition: a full-screen slide show for the projector."""

from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape

from meetups.models import Edition
from vdlm.permissions import can_preview

from .queries import load_deck
from .slides import build_slides


def deck(request, code):
    data = load_deck(code, include_drafts=can_preview(request.user, Edition), absolute_url=request.build_absolute_uri)
    if data is None:
        raise Http404("No edition with this code.")
    slides = build_slides(data)
    edition = data.edition
    hashtag = data.site_profile.hashtag
    context = {
        "edition": edition,
        "is_draft": not edition.published,
        "slides": slides,
        "slide_count": len(slides),
        # Every slide's footer, escaped once: "#VDLM · 32nd Vienna Deep Learning Meetup".
        "footer": escape(f"{hashtag} · {edition.display_title}" if hashtag else edition.display_title),
    }
    return render(request, "decks/deck.html", context)
