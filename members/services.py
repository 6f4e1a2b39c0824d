"""The invitations list: asking to join (double opt-in), confirming, leaving with one click.

Only an address whose owner clicked the confirmation link is subscribed. Whatever the
address's state, the page that took it says the same ("check your inbox"): the mail tells
the owner, nobody else learns who is on the list. Leaving deletes the row and keeps a keyed
hash of the address (a Suppression), so that an import cannot put it back without a new
confirmation. Every mail to a member carries List-Unsubscribe and List-Unsubscribe-Post
(RFC 8058): a mail client's one-click POST there unsubscribes at once.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetups.models import SiteProfile
from outbox.services import queue_mail

from .models import Subscriber, Suppression, address_hash

CONFIRM_SALT = "vdlm.members.confirm"
UNSUBSCRIBE_SALT = "vdlm.members.unsubscribe"


class LinkError(Exception):
    """A confirmation link that is tampered with, expired or no longer anybody's."""


def _link_value(subscriber):
    # The hash ties the link to the address: a row re-created for another address does not inherit it.
    return f"{subscriber.pk}:{address_hash(subscriber.email)[:16]}"


def _subscriber_of(value):
    pk, _, digest = value.partition(":")
    subscriber = Subscriber.objects.filter(pk=int(pk)).first() if pk.isdecimal() else None
    if subscriber is None or address_hash(subscriber.email)[:16] != digest:
        return None
    return subscriber


def confirm_url(subscriber, base_url):
    token = signing.TimestampSigner(salt=CONFIRM_SALT).sign(_link_value(subscriber))
    return base_url.rstrip("/") + reverse("members:confirm", args=[token])


def unsubscribe_url(subscriber, base_url):
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(_link_value(subscriber))
    return base_url.rstrip("/") + reverse("members:unsubscribe", args=[token])


def list_headers(subscriber, base_url):
    """The headers every mail to a member carries (RFC 2369 and RFC 8058 one-click)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber, base_url)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def request_subscription(email, consent_text, base_url, name="", source=Subscriber.Source.WEB, now=None):
    """Someone asks for the invitations: a new or pending address gets the confirmation link, a member a note.

    Mails to one address are at most one per SUBSCRIBE_RESEND_SECONDS, however often the form
    is sent. Returns nothing the page could tell apart.
    """
    now = now or timezone.now()
    email = email.strip()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email, name=name.strip(), source=source, consent_text=consent_text, consented_at=now
                    )
            except IntegrityError:  # the same address from another request at this very moment
                return
        elif subscriber.status != Subscriber.Status.SUBSCRIBED:
            subscriber.consent_text, subscriber.consented_at = consent_text, now
            subscriber.status = Subscriber.Status.PENDING
            subscriber.name = subscriber.name or name.strip()
            subscriber.save(update_fields=["consent_text", "consented_at", "status", "name"])
        recently = subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < datetime.timedelta(
            seconds=settings.SUBSCRIBE_RESEND_SECONDS
        )
        if recently:
            return
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        _mail_about_subscription(subscriber, base_url)


def _mail_about_subscription(subscriber, base_url):
    profile = SiteProfile.cached()
    context = {"subscriber": subscriber, "profile": profile, "base_url": base_url.rstrip("/")}
    if subscriber.status == Subscriber.Status.SUBSCRIBED:
        context["unsubscribe_url"] = unsubscribe_url(subscriber, base_url)
        queue_mail(
            "subscription: already a member",
            [subscriber.email],
            f"You are on the list of the {profile.group_name}",
            render_to_string("members/email/already.txt", context),
            headers=list_headers(subscriber, base_url),
        )
        return
    context["confirm_url"] = confirm_url(subscriber, base_url)
    context["max_age_days"] = settings.SUBSCRIBE_CONFIRMATION_MAX_AGE // 86400
    queue_mail(
        "subscription: confirm",
        [subscriber.email],
        f"Please confirm: invitations of the {profile.group_name}",
        render_to_string("members/email/confirm.txt", context),
    )


def send_reconsent(subscriber, base_url):
    """An imported address's one mail: the list moved here, confirm to keep getting the invitations."""
    profile = SiteProfile.cached()
    context = {
        "subscriber": subscriber,
        "profile": profile,
        "base_url": base_url.rstrip("/"),
        "confirm_url": confirm_url(subscriber, base_url),
        "max_age_days": settings.SUBSCRIBE_CONFIRMATION_MAX_AGE // 86400,
    }
    queue_mail(
        "subscription: confirm imported",
        [subscriber.email],
        f"Keep getting the invitations of the {profile.group_name}? Please confirm",
        render_to_string("members/email/reconsent.txt", context),
        once_key="reconsent",
    )


def subscriber_to_confirm(token):
    """The subscriber a confirmation link was sent to; raises LinkError for a bad, expired or stale link."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=settings.SUBSCRIBE_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkError(
            "This confirmation link has expired. Ask for the invitations again to get a new one."
        ) from error
    except signing.BadSignature as error:
        raise LinkError("This confirmation link is not valid. Please copy the whole link from the mail.") from error
    subscriber = _subscriber_of(value)
    if subscriber is None:
        raise LinkError("This address is no longer waiting for a confirmation. Ask for the invitations again.")
    return subscriber


def confirm(subscriber, now=None):
    """Subscribe a pending address (its owner clicked the link); a second click changes nothing."""
    if subscriber.status != Subscriber.Status.SUBSCRIBED:
        subscriber.status, subscriber.confirmed_at = Subscriber.Status.SUBSCRIBED, now or timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    Suppression.objects.filter(email_hash=address_hash(subscriber.email)).delete()
    return subscriber


def subscriber_to_unsubscribe(token):
    """The subscriber of an unsubscribe link, None when the address has left already; LinkError when forged."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as error:
        raise LinkError("This unsubscribe link is not valid. Please copy the whole link from the mail.") from error
    return _subscriber_of(value)


def unsubscribe(subscriber):
    """Take the address off the list: the row goes, a keyed hash of the address stays (Suppression)."""
    with transaction.atomic():
        Suppression.objects.get_or_create(email_hash=address_hash(subscriber.email))
        subscriber.delete()


def is_suppressed(email):
    return Suppression.objects.filter(email_hash=address_hash(email)).exists()


def purge_unconfirmed(now=None):
    """Delete addresses nobody confirmed within the link's lifetime (and a day); returns how many went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.SUBSCRIBE_CONFIRMATION_MAX_AGE, days=1)
    deleted, _ = Subscriber.objects.filter(status=Subscriber.Status.PENDING, consented_at__lt=cutoff).delete()
    return deleted


def erase_person(email):
    """Erase an address from the list (a data-subject request): no row, and no suppression hash either."""
    Suppression.objects.filter(email_hash=address_hash(email)).delete()
    return Subscriber.objects.filter(email__iexact=email.strip()).delete()[0]
