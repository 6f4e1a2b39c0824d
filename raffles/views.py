"""The public pages of a raffle: prize, question, deadline, the verifiable result,
and the page behind the confirmation link that entrants get by email."""

import copy
import secrets

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from meetups.queries import can_preview
from vdlm.page_cache import content_version

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
    if is_draft and not can_preview(request.user):
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
    raffle, is_draft = _public_raffle(request, slug, entering=request.method == "POST")
    now = timezone.now()
    state = _state(raffle, now)
    if request.method == "POST":
        return _enter(request, raffle, is_draft, state)
    return _render_detail(request, raffle, is_draft, state, RaffleEntryForm() if state == "open" else None)


def _render_detail(request, raffle, is_draft, state, form, status=200, notice=""):
    if state in ("closed", "drawn"):
        # Shown only once the raffle is over: an open raffle's page (the one everybody opens
        # on the evening) does not count thousands of entries on every view.
        raffle.entry_count, raffle.correct_entry_count = (
            Raffle.objects.with_entry_counts().values_list("entry_count", "correct_entry_count").get(pk=raffle.pk)
        )
    draws = _draws(raffle)
    accepted = raffle.accepted_answer_list
    context = {
        "raffle": raffle,
        "state": state,
        "is_draft": is_draft,
        "form": form,
        "notice": notice,
        "draws": _winners(draws) if draws else [],
        # The answer is only revealed once nobody can enter any more.
        "revealed_answer": accepted[0] if accepted and state in ("closed", "drawn") else "",
    }
    return render(request, "raffles/raffle_detail.html", context, status=status)


def _enter(request, raffle, is_draft, state):
    """Handle a submitted entry form; every outcome keeps what the person typed."""
    form = RaffleEntryForm(request.POST)
    if is_ratelimited(
        request, group="raffles.enter", key="ip", rate=settings.RAFFLE_ENTRY_RATE, method="POST", increment=True
    ):
        notice = "Too many entries from your network in the last minutes. Please wait a few minutes and send again."
        return _render_detail(request, raffle, is_draft, state, form, status=429, notice=notice)
    if state != "open":
        # Too late (or too early): say so and store nothing, but keep the typed data visible.
        notice = services.closed_message(raffle) or "This raffle takes no entries."
        return _render_detail(request, raffle, is_draft, state, None, status=403, notice=notice)
    if not form.is_valid():
        return _render_detail(request, raffle, is_draft, state, form, status=400)
    data = form.cleaned_data
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
    resent = not result.created and raffle.requires_confirmation and not result.entry.is_confirmed
    if resent:
        services.send_confirmation_email(result.entry, request.build_absolute_uri("/"))
    return _entered_page(request, result.entry.raffle, data["email"], created=result.created, resent=resent)


# Where the entrant's address goes in a kept thank-you page: random, so that no text
# on the page (a raffle's title, say) can be taken for it.
_ADDRESS_MARK = f"entrant-address-{secrets.token_hex(8)}"
# {everything a thank-you page shows but the address: the page split at the address}, of
# this process; cleared when full (a handful of raffles and outcomes fill it).
_entered_pages = {}
_ENTERED_PAGES_KEPT = 64


def _entered_page(request, raffle, email, created, resent=False):
    """The thank-you page: the entry is stored (created), or the address had entered already.

    A whole page (base.html: navigation, footer, link previews) that is the same for
    every entrant but for the address, and on raffle night hundreds come a minute.
    Rendered once for each raffle and outcome, it is kept with a mark where the address
    goes, under a key of everything else it shows: the raffle's fields, the site's
    content version (the site profile in header and footer), the URL (links and
    canonical URL), the language and time zone. A render that used anything of the
    request's own is never kept (_is_the_same_for_everybody).
    """
    key = (
        content_version(),
        request.scheme,
        request.get_host(),
        request.path,
        translation.get_language(),
        timezone.get_current_timezone_name(),
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
    parts = _entered_pages.get(key)
    if parts is None:
        context = {"raffle": raffle, "email": _ADDRESS_MARK, "created": created, "resent": resent}
        parts = render_to_string("raffles/entered.html", context, request).split(_ADDRESS_MARK)
        if _is_the_same_for_everybody(request):
            if len(_entered_pages) >= _ENTERED_PAGES_KEPT:
                _entered_pages.clear()
            _entered_pages[key] = parts
    return HttpResponse(escape(email).join(parts))


def _is_the_same_for_everybody(request):
    """False when a page just rendered may hold something of this request's own, or templates may change.

    The CSRF token, a CSP nonce, the session (and the user, who comes from it) and
    flashed messages are the request's own; none of them is used by the thank-you page
    today, and a page that starts to use one is simply not kept.
    """
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return not (
        settings.DEBUG
        or request.META.get("CSRF_COOKIE_USED")
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
