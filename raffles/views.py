"""The public pages of a raffle: prize, question, deadline, the verifiable result,
and the page behind the confirmation link that entrants get by email."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from meetups.queries import can_preview

from . import services
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


def _public_raffle(request, slug):
    """(raffle with its draws, is_draft); visitors get a 404 for a draft."""
    raffle = get_object_or_404(
        Raffle.objects.with_entry_counts()
        .select_related("prize_donor", "edition")
        .prefetch_related(Prefetch("draws", queryset=RaffleDraw.objects.order_by("sequence"))),
        slug=slug,
    )
    is_draft = raffle.status == Raffle.Status.DRAFT
    if is_draft and not can_preview(request.user):
        raise Http404("No raffle here.")
    return raffle, is_draft


def _winners(draws):
    """[(draw, [winner entries in the order drawn])], in one query for all draws."""
    winner_ids = [public_id for draw in draws for public_id in draw.winner_ids]
    entries = {str(entry.public_id): entry for entry in RaffleEntry.objects.filter(public_id__in=winner_ids)}
    return [(draw, [entries[pid] for pid in draw.winner_ids if pid in entries]) for draw in draws]


def raffle_detail(request, slug):
    raffle, is_draft = _public_raffle(request, slug)
    state = _state(raffle, timezone.now())
    draws = list(raffle.draws.all())
    accepted = raffle.accepted_answer_list
    context = {
        "raffle": raffle,
        "state": state,
        "is_draft": is_draft,
        "draws": _winners(draws) if draws else [],
        # The answer is only revealed once nobody can enter any more.
        "revealed_answer": accepted[0] if accepted and state in ("closed", "drawn") else "",
    }
    return render(request, "raffles/raffle_detail.html", context)


def raffle_result(request, slug):
    """Everything needed to recompute the draw by hand, and the site's own check of it."""
    raffle, is_draft = _public_raffle(request, slug)
    draws = list(raffle.draws.all())
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
