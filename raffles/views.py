"""The public pages of a raffle: prize, question, deadline, the verifiable result,
and the page behind the confirmation link that entrants get by email."""

import copy
import re
import secrets

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.timesince import timeuntil
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from vdlm.middleware import client_ip
from vdlm.page_cache import content_version
from vdlm.permissions import can_preview
from vdlm.spam import rendered_at_token

from . import services
from .forms import RaffleEntryForm
from .models import Raffle, RaffleDraw, RaffleEntry


def _state(raffle, now):
    if raffle.status == Raffle.Status.CANCELLED:
        return "cancelled"
    if raffle.status == Raffle.Status.DRAWN:
        return "drawn"
    if now < raffle.opens_at:
        return "not_open_yet"
    if now < raffle.closes_at:
        return "open"
    return "closed"


def _public_raffle(request, slug, entering=False):
    """(raffle, is_draft); visitors get a 404 for a draft.

    An entry being posted (entering=True) gets the raffle without its donor and edition,
    which only the raffle page shows, and usually without a query: see _raffle_to_enter().
    """
    if entering:
        raffle = _raffle_to_enter(slug)
    else:
        raffle = get_object_or_404(Raffle.objects.select_related("prize_donor", "edition"), slug=slug)
    is_draft = raffle.status == Raffle.Status.DRAFT
    if is_draft and not can_preview(request.user, Raffle):
        raise Http404("No raffle here.")
    return raffle, is_draft


# {slug: (content version, raffle)} of this process: see _raffle_to_enter().
_raffles_to_enter = {}
_RAFFLES_TO_ENTER_KEPT = 64


def _raffle_to_enter(slug):
    """The raffle an entry is posted to, read again only when the site's content version has changed.

    Only a first look: whether the raffle exists and takes entries, and what a refusal
    page shows. submit_entry() reads the raffle again, fresh and locked, and decides.
    Every save of a raffle changes the content version (vdlm.page_cache), in whichever
    process, as SiteProfile.cached() relies on too; the version is read before the
    raffle, so a raffle read while a change was being committed is never kept as new.
    The query cost a tenth of an entry's time. Each request gets its own copy.
    """
    version = content_version()
    kept = _raffles_to_enter.get(slug)
    if kept is None or kept[0] != version:
        raffle = get_object_or_404(Raffle, slug=slug)
        if len(_raffles_to_enter) >= _RAFFLES_TO_ENTER_KEPT:
            _raffles_to_enter.clear()
        kept = _raffles_to_enter[slug] = (version, raffle)
    return copy.copy(kept[1])


def _draws(raffle):
    # Not prefetched with the raffle: an entry that goes through never needs them.
    return list(RaffleDraw.objects.filter(raffle=raffle).order_by("sequence"))


def _winners(draws):
    """[(draw, [winner entries in the order drawn])], in one query for all draws."""
    winner_ids = [public_id for draw in draws for public_id in draw.winner_ids]
    entries = {str(entry.public_id): entry for entry in RaffleEntry.objects.filter(public_id__in=winner_ids)}
    return [(draw, [entries[pid] for pid in draw.winner_ids if pid in entries]) for draw in draws]


@never_cache  # carries a CSRF token and the entrant's own input: never from a shared cache
@require_http_methods(["GET", "POST"])
def raffle_detail(request, slug):
    # Read before the raffle, and the same for the rest of the request (vdlm.page_cache): a page
    # kept under this version never shows an older raffle.
    content_version()
    raffle, is_draft = _public_raffle(request, slug, entering=request.method == "POST")
    now = timezone.now()
    state = _state(raffle, now)
    if request.method == "POST":
        return _enter(request, raffle, is_draft, state)
    if state == "open" and not is_draft:
        return _open_raffle_page(request, raffle, now)
    return _render_detail(request, raffle, is_draft, state, RaffleEntryForm() if state == "open" else None)


def _detail_context(raffle, is_draft, state, form, notice="", now=None):
    if state in ("closed", "drawn"):
        # Shown only once the raffle is over: an open raffle's page (the one everybody opens
        # on the evening) does not count thousands of entries on every view.
        raffle.entry_count, raffle.correct_entry_count = (
            Raffle.objects.with_entry_counts().values_list("entry_count", "correct_entry_count").get(pk=raffle.pk)
        )
    # Draws exist only for a drawn raffle, and only a closed or drawn one shows them.
    draws = _draws(raffle) if state in ("closed", "drawn") else []
    accepted = raffle.accepted_answer_list
    return {
        "raffle": raffle,
        "state": state,
        "is_draft": is_draft,
        "form": form,
        "notice": notice,
        "closes_in": timeuntil(raffle.closes_at, now or timezone.now()),
        "draws": _winners(draws) if draws else [],
        # The answer is only revealed once nobody can enter any more.
        "revealed_answer": accepted[0] if accepted and state in ("closed", "drawn") else "",
    }


def _render_detail(request, raffle, is_draft, state, form, status=200, notice=""):
    context = _detail_context(raffle, is_draft, state, form, notice)
    return render(request, "raffles/raffle_detail.html", context, status=status)


def _open_raffle_page(request, raffle, now):
    """An open raffle's page with its empty entry form: what everybody opens when the QR code goes up.

    Rendered from the database and through crispy-forms, it took six times as long as an
    entry (`make profile`), and it cannot come from the page cache: its form carries the
    visitor's own CSRF token and the time it was shown (the spam guard). Everything else
    is the same for every visitor until the raffle changes or the countdown's text does,
    so it is rendered once and kept with holes for those two (see _KeptPages).
    """
    key = ("raffle", raffle.pk, timeuntil(raffle.closes_at, now))

    def context():
        form = RaffleEntryForm()
        form.initial["rendered_at"] = _KeptPages.hole("rendered_at")
        page = _detail_context(raffle, False, "open", form, now=now)
        page["csrf_token"] = _KeptPages.hole("csrf_token")
        return page

    # Only now the visitor's own values: get_token() also has the middleware send the CSRF cookie.
    return _kept_pages.response(
        request,
        key,
        "raffles/raffle_detail.html",
        context,
        lambda: {"csrf_token": escape(get_token(request)), "rendered_at": escape(rendered_at_token())},
    )


def _enter(request, raffle, is_draft, state):
    """Handle a submitted entry form; every outcome keeps what the person typed."""
    form = RaffleEntryForm(request.POST)
    if _entry_limited(request, "ip", settings.RAFFLE_ENTRY_IP_RATE):
        notice = "Too many entries from your network in the last minutes. Please wait a few minutes and send again."
        return _render_detail(request, raffle, is_draft, state, form, status=429, notice=notice)
    if state != "open":
        # Too late (or too early): say so and store nothing, but keep the typed data visible.
        notice = services.closed_message(raffle) or "This raffle takes no entries."
        return _render_detail(request, raffle, is_draft, state, None, status=403, notice=notice)
    if not form.is_valid():
        return _render_detail(request, raffle, is_draft, state, form, status=400)
    data = form.cleaned_data
    address = data["email"].lower()
    if _entry_limited(request, f"email:{address}", settings.RAFFLE_ENTRY_EMAIL_RATE) or _entry_limited(
        request, f"ip-email:{address}", settings.RAFFLE_ENTRY_IP_EMAIL_RATE, per_ip=True
    ):
        notice = (
            "This email address was sent too often in the last minutes. If you entered already, the "
            "confirmation email is on its way; otherwise please wait a few minutes and send again."
        )
        return _render_detail(request, raffle, is_draft, state, form, status=429, notice=notice)
    if form.looks_automated():
        # Look successful, store nothing: a bot learns nothing from the answer.
        return _entered_page(request, raffle, data["email"], created=True)
    try:
        result = services.submit_entry(
            raffle,
            email=data["email"],
            name=data["name"],
            answer=data["answer"],
            news_opt_in=data["news_opt_in"],
            base_url=request.build_absolute_uri("/"),
        )
    except services.RaffleClosedError as error:
        return _render_detail(request, raffle, is_draft, _state(raffle, timezone.now()), None, 403, str(error))
    resent = (
        not result.created
        and raffle.requires_confirmation
        and services.resend_confirmation_email(result.entry, request.build_absolute_uri("/"))
    )
    return _entered_page(request, result.entry.raffle, data["email"], created=result.created, resent=resent)


def _entry_limited(request, key, rate, per_ip=False):
    """Count this entry against one of the raffle's rate limits; True once `rate` is exceeded.

    `key` is "ip" (the client's network) or a text of our own; per_ip adds the network to it.
    """
    value = key if not per_ip else f"{key}|{client_ip(request)}"

    def key_function(_group, _request):  # django-ratelimit's signature of a key callable
        return value

    key_or_function = "ip" if key == "ip" else key_function
    return is_ratelimited(request, group="raffles.enter", key=key_or_function, rate=rate, method="POST", increment=True)


# Where a kept page's holes are: random per process, so that no text on a page can be taken for one.
_HOLE_SECRET = secrets.token_hex(8)
_HOLE = re.compile(rf"vdlm-hole-([a-z_]+)-{_HOLE_SECRET}")


class _KeptPages:
    """Whole pages that are the same for every visitor but for a few values, rendered once per key.

    A page is rendered with a mark in each hole, split at the marks and kept under a key
    of everything else it shows; each request fills the holes with its own values,
    escaped by the caller. A render that used anything of the request's own is never
    kept (_is_the_same_for_everybody), nor one where the holes did not all come out as
    their marks. Per process, cleared when full: a handful of raffles and outcomes fill it.
    """

    _KEPT = 64

    def __init__(self):
        self._pages = {}

    def clear(self):
        self._pages.clear()

    @staticmethod
    def hole(name):
        """The mark that stands for the value `name` in a render that is to be kept."""
        return f"vdlm-hole-{name}-{_HOLE_SECRET}"

    def response(self, request, key, template, context, values):
        """An HttpResponse of the page; `context()` is called only for a render, `values()` after it.

        `key` tells the page's own content apart; added to it here is what every page
        depends on: the site's content version (any saved change, the site profile in
        header and footer), the URL (links, canonical URL), the language and time zone.
        A visitor with a session (an organizer, say) may see more on the same page: their
        pages are rendered every time, and never kept.
        """
        key = (
            content_version(),
            request.scheme,
            request.get_host(),
            request.path,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *key,
        )
        with_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        pieces = None if with_session else self._pages.get(key)
        keep = False
        if pieces is None:
            # Split at the marks; with the name in a group, every second piece is a hole's name.
            pieces = _HOLE.split(render_to_string(template, context(), request))
            keep = not with_session and _is_the_same_for_everybody(request)
        filled = values()  # after the check: asking for the CSRF token marks the request
        if keep and set(pieces[1::2]) == set(filled):
            if len(self._pages) >= self._KEPT:
                self._pages.clear()
            self._pages[key] = pieces
        return HttpResponse("".join(filled[piece] if index % 2 else piece for index, piece in enumerate(pieces)))


_kept_pages = _KeptPages()


def _entered_page(request, raffle, email, created, resent=False):
    """The thank-you page: the entry is stored (created), or the address had entered already.

    A whole page (base.html: navigation, footer, link previews) that is the same for
    every entrant but for the address, and on raffle night hundreds come a minute.
    Rendered once for each raffle and outcome, it is kept with a hole for the address,
    under a key of everything else it shows: the raffle's fields and the outcome.
    """
    key = (
        "entered",
        raffle.pk,
        raffle.slug,
        raffle.title,
        raffle.prize,
        raffle.prize_count,
        raffle.closes_at,
        raffle.requires_confirmation,
        created,
        resent,
    )
    return _kept_pages.response(
        request,
        key,
        "raffles/entered.html",
        lambda: {"raffle": raffle, "email": _KeptPages.hole("email"), "created": created, "resent": resent},
        lambda: {"email": escape(email)},
    )


def _is_the_same_for_everybody(request):
    """False when a page just rendered may hold something of this request's own, or templates may change.

    The CSRF token (asking for it flags the cookie for an update), a CSP nonce, the
    session (and the user, who comes from it) and flashed messages are the request's
    own. A page that starts to use one is simply not kept.
    """
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return not (
        settings.DEBUG
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "_csp_nonce", None)
        or getattr(session, "accessed", False)
        or getattr(messages, "used", False)
    )


def raffle_result(request, slug):
    """Everything needed to recompute the draw by hand, and the site's own check of it."""
    raffle, is_draft = _public_raffle(request, slug)
    draws = _draws(raffle)
    if not draws:
        raise Http404("This raffle has not been drawn yet.")
    context = {
        "raffle": raffle,
        "is_draft": is_draft,
        "draws": [
            (draw, winners, services.verify_draw(draw)) for draw, winners in _winners(draws)
        ],
    }
    return render(request, "raffles/raffle_result.html", context)


@never_cache  # the link is personal, and the page carries a CSRF token
@require_http_methods(["GET", "POST"])
def confirm_entry(request, slug, token):
    """The link from the confirmation email.

    Opening it only shows a button; confirming takes a POST, because mail
    scanners open links on their own and must not confirm anybody's entry.
    """
    raffle = get_object_or_404(Raffle.objects.exclude(status=Raffle.Status.DRAFT), slug=slug)
    context = {"raffle": raffle, "error": "", "entry": None, "newly_confirmed": False}
    status = 200
    if request.method == "POST":
        try:
            context["entry"], context["newly_confirmed"] = services.confirm_entry(raffle, token)
        except services.ConfirmationError as error:
            context["error"] = str(error)
            status = 400
    return render(request, "raffles/confirm.html", context, status=status)
