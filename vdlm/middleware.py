"""Small request/response pieces the site needs and neither Django nor a package provides."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's address: from settings.CLIENT_IP_HEADER behind a proxy, else REMOTE_ADDR.

    The raffle and contribution rate limits (django-ratelimit) and the admin
    login lockout (django-axes) must count the same visitor, so both call this.
    Of a chain ("client, proxy1", as X-Forwarded-For has it) the last entry is
    taken: the one our own proxy added; the ones before it are whatever the
    client sent. Anything that is not an address falls back to REMOTE_ADDR, so
    a forged header can never make the rate limits fail.
    """
    header = settings.CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    candidate = value.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header (settings.PERMISSIONS_POLICY) with every response.

    The site uses no camera, microphone, location or payment, so a script that
    got onto a page anyway (or an embedded frame) cannot ask for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def login_lockout_response(request, original_response=None, credentials=None):
    """The page after too many failed admin logins (django-axes' AXES_LOCKOUT_CALLABLE).

    Says what happened, for how long, and what to do, in words ("1 hour")
    rather than axes' default one-line text.
    """
    from axes.helpers import get_client_username, get_cool_off
    from django.shortcuts import render
    from django.utils import timezone
    from django.utils.timesince import timeuntil

    now = timezone.now()
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "wait": timeuntil(now + cool_off, now) if cool_off else "",
    }
    return render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
