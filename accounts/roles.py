"""The roles: one group each, with exactly the permissions below (docs/organizers.md, "Roles").

A test compares this table, the groups in the database and the table in the docs, and walks
every admin page and action as each role; change all three together, and add a migration
that calls `sync_roles` (as accounts/migrations/0001_roles.py does) so existing sites follow.
"""

ORGANIZER = "Organizer"
EDITOR = "Editor"
REVIEWER = "Reviewer"
DOOR = "Door"
HOST_CONTACT = "Host contact"

ALL = ("add", "change", "delete", "view")

# What the site shows. Editors hold all of it; none of it is anybody's personal data
# (a speaker's bio is published content; raffle entries, subscribers and RSVPs are not here).
CONTENT = [
    "meetups.edition",
    "meetups.agendaitem",
    "meetups.announcement",
    "meetups.venue",
    "meetups.siteprofile",
    "talks.talk",
    "talks.person",
    "talks.talkspeaker",
    "talks.talksource",
    "sponsors.organisation",
    "sponsors.sponsorship",
    "sponsors.jobad",
    "sponsors.jobaditem",
    "decks.decksettings",
    "decks.deckslide",
    "raffles.raffle",
    "rsvps.rsvpsettings",
]

# role -> {"app_label.model": (actions: add/change/delete/view or a custom codename)}; None: everything.
ROLES = {
    ORGANIZER: None,
    EDITOR: {
        **dict.fromkeys(CONTENT, ALL),
        "meetups.edition": (*ALL, "publish_edition"),
        "contributions.proposal": ("change", "view", "decide_proposal"),
        "contributions.proposalrating": ALL,
        # Prepare a mailing and send it to themselves; sending it to the list is the Organizers'.
        "members.mailing": ("add", "change", "view"),
    },
    REVIEWER: {
        # Read, note (the internal notes field) and rate; the decisions need decide_proposal.
        "contributions.proposal": ("change", "view"),
        "contributions.proposalrating": ALL,
    },
    DOOR: {"rsvps.rsvp": ("check_in",)},
    HOST_CONTACT: {},  # no admin at all: the guest-list link is enough
}

# The roles that sign in to the admin (staff status); a host contact never does.
STAFF_ROLES = [ORGANIZER, EDITOR, REVIEWER, DOOR]


def codenames(model_label, actions):
    """('meetups.edition', ('view', 'publish_edition')) -> {'meetups.view_edition', 'meetups.publish_edition'}."""
    app_label, model_name = model_label.split(".")
    return {
        f"{app_label}.{action}_{model_name}" if action in ALL else f"{app_label}.{action}" for action in actions
    }


def role_permissions(role, every_permission):
    """The set of 'app_label.codename' a role holds; `every_permission` is the Organizers' set."""
    table = ROLES[role]
    if table is None:
        return set(every_permission)
    return set().union(*(codenames(label, actions) for label, actions in table.items()))
