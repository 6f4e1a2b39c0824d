"""Small request/response pieces the site needs and neither Django nor a package provides."""

import codecs
import ipaddress
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest

from .headers import permissions_policy


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
        self.header = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnreadableFormMiddleware:
    """Answers a form that cannot be decoded with a 400 (the site's 400 page), never a 500.

    Django reads request.POST lazily, first in CsrfViewMiddleware, so this sits
    just before it and reads it first, turning what Django's parsers raise into
    BadRequest, which Django answers with handler400 (vdlm.views.bad_request):

    - a charset Python does not know (charset=nonsense), which Django silently
      ignores, reading the body as UTF-8 anyway: we cannot know what was meant;
    - a multipart body declaring a codec that is not a text encoding
      (charset=hex, base64, rot13): Django's parser raises LookupError;
    - a urlencoded body whose bytes or %-escapes are not UTF-8: Django decodes
      them leniently (Latin-1, U+FFFD) and the form would store mojibake. Django
      itself refuses a urlencoded form in any other charset, since forms are
      UTF-8 (HTML and RFC 1866): this applies the same rule to the bytes.

    What Django refuses itself (a urlencoded charset other than UTF-8, a broken
    multipart body, too many fields) stays Django's BadRequest or
    SuspiciousOperation, answered with the same 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            self.check_form(request)
        return self.get_response(request)

    @staticmethod
    def check_form(request):
        """Raise BadRequest unless the form body can be decoded as it declares."""
        charset = request.content_params.get("charset")
        if charset is not None:
            try:
                codecs.lookup(charset)
            except LookupError as error:
                raise BadRequest("The form names an unknown charset.") from error
        try:
            # Parsing the body is the point: Django's limits (size, number of fields) apply here.
            request.POST  # noqa: B018
        except (LookupError, ValueError) as error:
            raise BadRequest("The form data could not be decoded.") from error
        if request.content_type == "application/x-www-form-urlencoded":
            # Django has read the body by now (request.body is kept), within its size and field limits.
            try:
                parse_qsl(request.body.decode(), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError as error:
                raise BadRequest("The form data is not UTF-8.") from error


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
