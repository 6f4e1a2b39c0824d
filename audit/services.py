"""Writing the audit trail. Call record() where the sensitive thing is done (admin actions,
services, commands): one entry per action, with the objects it touched."""

import logging

from django.utils import timezone

from .models import AuditEntry

log = logging.getLogger("vdlm.audit")
MAX_OBJECTS = 200  # an export of 5,000 entries lists its raffles, not every entry


def describe(obj):
    """'raffles.raffle:12 Raffle of #32': the row's label, primary key and what it showed then."""
    return f"{obj._meta.label_lower}:{obj.pk} {str(obj)[:120]}"


def record(action, summary, *, request=None, by=None, objects=()):
    """Append one entry; `request` gives the account and the address, `by` an account (or a
    command's name) where there is no request. Returns the entry (also written to the vdlm.audit log)."""
    from vdlm.middleware import client_ip

    user = by if by is not None else getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    actor_name = actor.get_username() if actor else (user if isinstance(user, str) and user else "a command")
    described = [describe(obj) if hasattr(obj, "_meta") else str(obj) for obj in list(objects)[:MAX_OBJECTS]]
    entry = AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name[:150],
        action=action,
        summary=summary[:500],
        objects_affected=described,
        address=client_ip(request) if request is not None else None,
    )
    log.info("%s by %s: %s", entry.get_action_display(), actor_name, summary)
    return entry


def record_purge(command, **counts):
    """A purge command's entry, when it removed anything: record_purge("purge_rsvps", RSVPs=12)."""
    if any(counts.values()):
        summary = ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in counts.items())
        record(AuditEntry.Action.PURGE, f"{command}: {summary}", by=f"manage.py {command}")


def purge(now=None):
    """Delete the entries older than AUDIT_RETENTION (the only deletion there is); returns how many."""
    deleted, _ = AuditEntry.objects.older_than_retention(now or timezone.now()).delete()
    return deleted
