"""Rate limits of the public forms, per network and per email address (django-ratelimit)."""

from django_ratelimit.core import is_ratelimited


def form_limited(request, group, email, *, address_rate, network_rate):
    """Count this POST against both limits of `group`; True once either is exceeded.

    Everyone in the meetup room shares one Wi-Fi address, so the network's limit is loose and
    the limit per email address is the tight one.
    """
    by_network = is_ratelimited(request, group=group, key="ip", rate=network_rate, method="POST", increment=True)
    by_address = is_ratelimited(
        request,
        group=f"{group}-address",
        key=lambda group, request: email.strip().lower(),
        rate=address_rate,
        method="POST",
        increment=True,
    )
    return by_network or by_address
