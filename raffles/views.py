"""The public pages of a raffle: prize, question, deadline, the verifiable result,
and the page behind the confirmation link that entrants get by email."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from members.models import Subscriber
from members.services import request_subscription
from vdlm.middleware import client_ip
from vdlm.permissions import can_preview

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


def _public_raffle(request, slug):
    """(raffle, is_draft); visitors get a 404 for a draft."""
    raffle = get_object_or_404(Raffle.objects.select_related("prize_donor", "edition"), slug=slug)
    is_draft = raffle.status == Raffle.Status.DRAFT
    if is_draft and not can_preview(request.user, Raffle):
        raise Http404("No raffle here.")
    return raffle, is_draft


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
    if request.method == "POST":
        return _enter(request, slug)
    raffle, is_draft = _public_raffle(request, slug)
    state = _state(raffle, timezone.now())
    return _render_detail(request, raffle, is_draft, state, RaffleEntryForm() if state == "open" else None)


def _detail_context(raffle, is_draft, state, form, notice=""):
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
        "form_parts": _empty_form_parts(form) if form is not None and not form.is_bound else None,
        "notice": notice,
        "closes_in": timeuntil(raffle.closes_at, timezone.now()),
        "draws": _winners(draws) if draws else [],
        # The answer is only revealed once nobody can enter any more.
        "revealed_answer": accepted[0] if accepted and state in ("closed", "drawn") else "",
    }


def _empty_form_parts(form):
    """The empty entry form's crispy layout cut around its render time: (helper before it, helper after it).

    Apart from that field and the CSRF token, an empty form is the same for everybody, and
    rendering it through crispy-forms took half of the open raffle page's time (`make
    profile`): templates/raffles/entry_form.html keeps the two parts in {% cache %}
    fragments and renders the token and the render time for each visitor. Cut from the
    form's own layout, so the form looks the same here and where it comes back with errors.
    """
    fields = form.helper.layout.fields
    cut = fields.index("rendered_at")
    return _fields_only(fields[:cut]), _fields_only(fields[cut + 1 :])


def _fields_only(fields):
    """A crispy helper that renders `fields` alone: no <form> tag, no CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _render_detail(request, raffle, is_draft, state, form, status=200, notice=""):
    context = _detail_context(raffle, is_draft, state, form, notice)
    return render(request, "raffles/raffle_detail.html", context, status=status)


def _refused(request, slug, form, status, notice=""):
    """The raffle page again with what the person typed, when an entry is not stored.

    A raffle that takes no entries says so first (403), whatever else was wrong; a
    draft is a 404 for visitors, as on the page itself.
    """
    raffle, is_draft = _public_raffle(request, slug)
    state = _state(raffle, timezone.now())
    if state != "open" or is_draft:
        # Too late (or too early): say so and store nothing.
        notice = services.closed_message(raffle) or "This raffle takes no entries."
        return _render_detail(request, raffle, is_draft, state, None, status=403, notice=notice)
    return _render_detail(request, raffle, is_draft, state, form, status=status, notice=notice)


def _enter(request, slug):
    """Handle a submitted entry form; every outcome keeps what the person typed.

    An entry that goes through reads the raffle once, locked, in services.submit_entry(),
    which decides whether it still takes entries: the raffle page is read only for an
    entry that is refused.
    """
    form = RaffleEntryForm(request.POST)
    if _entry_limited(request, "ip", settings.RAFFLE_ENTRY_IP_RATE):
        notice = "Too many entries from your network in the last minutes. Please wait a few minutes and send again."
        raffle, is_draft = _public_raffle(request, slug)
        return _render_detail(request, raffle, is_draft, _state(raffle, timezone.now()), form, 429, notice)
    if not form.is_valid():
        return _refused(request, slug, form, status=400)
    data = form.cleaned_data
    address = data["email"].lower()
    if _entry_limited(request, f"email:{address}", settings.RAFFLE_ENTRY_EMAIL_RATE) or _entry_limited(
        request, f"ip-email:{address}", settings.RAFFLE_ENTRY_IP_EMAIL_RATE, per_ip=True
    ):
        notice = (
            "This email address was sent too often in the last minutes. If you entered already, the "
            "confirmation email is on its way; otherwise please wait a few minutes and send again."
        )
        return _refused(request, slug, form, status=429, notice=notice)
    if form.looks_automated():
        # Look successful, store nothing: a bot learns nothing from the answer.
        raffle, is_draft = _public_raffle(request, slug)
        if is_draft or _state(raffle, timezone.now()) != "open":
            return _refused(request, slug, form, status=403)
        return _entered_page(request, raffle, data["email"], created=True)
    try:
        result = services.submit_entry(
            slug,
            email=data["email"],
            name=data["name"],
            answer=data["answer"],
            news_opt_in=data["news_opt_in"],
            base_url=request.build_absolute_uri("/"),
        )
    except Raffle.DoesNotExist:
        raise Http404("No raffle here.") from None
    except services.RaffleClosedError as error:
        return _refused(request, slug, form, status=403, notice=str(error))
    raffle = result.entry.raffle
    if data["news_opt_in"] and result.created:
        # The invitations list asks for its own confirmation (double opt-in): the tick alone subscribes nobody.
        request_subscription(
            data["email"],
            str(form.fields["news_opt_in"].label),
            request.build_absolute_uri("/"),
            name=data["name"],
            source=Subscriber.Source.RAFFLE,
        )
    resent = (
        not result.created
        and raffle.requires_confirmation
        and services.resend_confirmation_email(result.entry, request.build_absolute_uri("/"))
    )
    return _entered_page(request, raffle, data["email"], created=result.created, resent=resent)


def _entry_limited(request, key, rate, per_ip=False):
    """Count this entry against one of the raffle's rate limits; True once `rate` is exceeded.

    `key` is "ip" (the client's network) or a text of our own; per_ip adds the network to it.
    """
    value = key if not per_ip else f"{key}|{client_ip(request)}"

    def key_function(_group, _request):  # django-ratelimit's signature of a key callable
        return value

    key_or_function = "ip" if key == "ip" else key_function
    return is_ratelimited(request, group="raffles.enter", key=key_or_function, rate=rate, method="POST", increment=True)


def _entered_page(request, raffle, email, created, resent=False):
    """The thank-you page: the entry is stored (created), or the address had entered already."""
    context = {"raffle": raffle, "email": email, "created": created, "resent": resent}
    return render(request, "raffles/entered.html", context)


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
