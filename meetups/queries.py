"""Querysets the public pages share.

Every public page runs a fixed number of queries however many editions, talks
and speakers there are (tests/test_query_counts.py measures it): related rows
come in through select_related or one prefetch query per relation, never one
query per row.
"""

from django.db.models import Prefetch

from talks.models import Talk, TalkSpeaker


def can_preview(user):
    """Organizers see drafts (with a banner); everybody else gets a 404."""
    return user.is_authenticated and user.is_active and user.is_staff


def speakers_prefetch(lookup="talk_speakers"):
    """A talk's speakers in order, each with the affiliation they had at the time."""
    return Prefetch(lookup, queryset=TalkSpeaker.objects.select_related("person").order_by("position", "pk"))


def talk_cards():
    """Published talks with what a talk card shows: edition, venue and speakers."""
    return (
        Talk.objects.published()
        .select_related("edition", "edition__venue")
        .prefetch_related(speakers_prefetch())
    )
