"""Which models keep their versions, and which rows travel with them.

A version of an edition holds its agenda, talks (with their speakers and sources), sponsorships,
announcements, deck settings and slides: recovering a deleted edition brings all of that back.
Raffles keep versions of their own. Personal data (RSVPs, raffle entries, subscribers) is never
versioned. Registered here, before any ModelAdmin, so django-reversion's VersionAdmin does not
register them itself with every inline (the raffle's inline of entries would follow).
"""

import reversion
from django.apps import apps
from django.db.models.signals import pre_delete

# "app_label.Model": the relations whose rows are saved in (and restored with) its versions.
CONTENT = {
    "meetups.Edition": [
        "agenda_items", "talks", "sponsorships", "announcements", "deck_settings", "deck_slides",
    ],
    "meetups.AgendaItem": [],
    "meetups.Announcement": [],
    "meetups.Venue": [],
    "meetups.SiteProfile": [],
    "talks.Talk": ["talk_speakers", "sources"],
    "talks.TalkSpeaker": [],
    "talks.TalkSource": [],
    "talks.Person": [],
    "sponsors.Organisation": [],
    "sponsors.Sponsorship": [],
    "sponsors.JobAd": ["items"],
    "sponsors.JobAdItem": [],
    "raffles.Raffle": [],  # its settings; entries and draws are not content
    "decks.DeckSettings": [],
    "decks.DeckSlide": [],
    # Not rsvps.RsvpSettings: its capacity, guest-list key and kept figures follow the RSVPs, not the
    # text. Reverting an edition to fix a typo must not re-open a revoked guest-list link, bring
    # back a capacity below the seats taken, or empty the figures kept after the purge.
}  # fmt: skip


# The rows an organizer deletes on their own (and recovers from their list). The rows that only go
# with one of them (a talk's speakers, a job ad's items, an edition's deck settings) travel in its version.
RECOVERABLE = [
    "meetups.Edition", "meetups.AgendaItem", "meetups.Announcement", "meetups.Venue", "talks.Talk", "talks.Person",
    "sponsors.Organisation", "sponsors.Sponsorship", "sponsors.JobAd", "raffles.Raffle",
]  # fmt: skip


def register_content():
    for label, follow in CONTENT.items():
        model = apps.get_model(label)
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)
    for label in RECOVERABLE:
        pre_delete.connect(
            keep_a_version_before_delete, sender=apps.get_model(label), dispatch_uid=f"history.before-delete.{label}"
        )


def keep_a_version_before_delete(sender, instance, **kwargs):
    """The row as it was, with what follows it, just before it goes: "Recover deleted …" restores it.

    Saved as a revision of its own, closed while the row still exists (django-reversion drops
    versions of rows gone by the end of their revision). The admin's deletions run outside any
    revision for this reason (history/admin.py); the admin's log says who deleted.
    """
    if reversion.is_active():
        reversion.add_to_revision(instance)  # saved with the open revision, if the row outlives it
        return
    with reversion.create_revision():
        reversion.set_comment("Deleted")
        reversion.add_to_revision(instance)
