"""RSVP to an edition, see and change your RSVP from your personal link, and the seats left."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from meetups.models import Edition

from . import services
from .forms import AnswersForm, RsvpForm, consent_text
from .models import Rsvp, RsvpSettings
from .tokens import rsvp_of_token


def _settings_of(code):
    edition = get_object_or_404(Edition.objects.published(), code__iexact=code)
    rsvp_settings = RsvpSettings.objects.filter(edition=edition, enabled=True).select_related("edition").first()
    if rsvp_settings is None:
        raise Http404("This edition takes no RSVPs here.")
    return edition, rsvp_settings


def _limited(request, email):
    by_network = is_ratelimited(
        request, group="rsvps.rsvp", key="ip", rate=settings.RSVP_IP_RATE, method="POST", increment=True
    )
    # The whole room shares one address: the limit per email address is the tight one.
    by_address = is_ratelimited(
        request,
        group="rsvps.rsvp-address",
        key=lambda group, request: email.strip().lower(),
        rate=settings.RSVP_EMAIL_RATE,
        method="POST",
        increment=True,
    )
    return by_network or by_address


def _form_page(request, edition, rsvp_settings, form, status=200, notice=""):
    context = {
        "edition": edition,
        "rsvp_settings": rsvp_settings,
        "form": form,
        "notice": notice,
        "seats": services.seat_summary(rsvp_settings),
        "is_open": services.is_open(rsvp_settings),
    }
    return render(request, "rsvps/form.html", context, status=status)


@never_cache  # carries a CSRF token and what the visitor typed
@require_http_methods(["GET", "POST"])
def rsvp_form(request, code):
    """/meetups/<code>/rsvp/: say you come. The answer is "check your inbox", whoever you are."""
    edition, rsvp_settings = _settings_of(code)
    keep_days = settings.RSVP_KEEP_DAYS
    if request.method == "GET":
        return _form_page(request, edition, rsvp_settings, RsvpForm(rsvp_settings=rsvp_settings, keep_days=keep_days))
    form = RsvpForm(request.POST, rsvp_settings=rsvp_settings, keep_days=keep_days)
    if not form.is_valid():
        return _form_page(request, edition, rsvp_settings, form, status=400)
    data = form.cleaned_data
    if _limited(request, data["email"]):
        notice = "Too many RSVPs from here in the last minutes: please wait a few minutes and send it again."
        return _form_page(request, edition, rsvp_settings, form, status=429, notice=notice)
    if not form.looks_automated():
        try:
            services.rsvp(
                edition,
                name=data["name"],
                email=data["email"],
                base_url=request.build_absolute_uri("/"),
                guest=data.get("guest", False),
                guest_name=data.get("guest_name", ""),
                id_name=data.get("id_name", ""),
                answers=form.answers(),
                consent_text=consent_text(keep_days),
            )
        except services.RsvpRefused as refusal:
            status = 503 if isinstance(refusal, services.RsvpBusy) else 409
            return _form_page(request, edition, rsvp_settings, form, status=status, notice=str(refusal))
    return render(request, "rsvps/check_inbox.html", {"email": data["email"], "edition": edition})


def _personal(request, token):
    entry = rsvp_of_token(token)
    if entry is None:
        message = "This RSVP link is not valid: please copy the whole link from the mail, or RSVP again."
        return None, render(request, "rsvps/link_error.html", {"message": message}, status=400)
    return entry, None


@never_cache
@require_http_methods(["GET", "POST"])
def personal(request, token):
    """/rsvp/<token>/: where you stand, your answers, cancel; accept or decline an offered seat."""
    entry, error = _personal(request, token)
    if error is not None:
        return error
    form = AnswersForm(rsvp=entry)
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                services.cancel(entry)
                notice = "Cancelled. Thank you for giving your seat to the next person."
            elif action == "accept":
                services.accept(entry)
                notice = "The seat is yours: see you there! The calendar file is on its way by mail."
            elif action == "decline":
                services.cancel(entry)
                notice = "Declined: the seat goes to the next person. Thank you for telling us."
            elif action == "answers":
                form = AnswersForm(request.POST, rsvp=entry)
                if form.is_valid():
                    services.change_answers(entry, form.answers())
                    notice = "Your answers are saved."
            else:
                notice = "Nothing was changed: the form was incomplete."
        except services.RsvpRefused as refusal:
            notice = str(refusal)
        entry = Rsvp.objects.select_related("edition", "edition__venue").get(pk=entry.pk)
        if not form.is_bound or not form.errors:
            form = AnswersForm(rsvp=entry)
    context = {
        "rsvp": entry,
        "edition": entry.edition,
        "form": form,
        "notice": notice,
        "now": timezone.now(),
        "position": services.waiting_position(entry),
    }
    return render(request, "rsvps/personal.html", context)


# A few seconds of caching: on the evening the invitation goes out, hundreds of edition
# pages ask at once, and "42 seats left" may be that old.
@require_safe
@cache_control(public=True, max_age=5)
def seats(request, code):
    """/meetups/<code>/seats.json: the seats left and the waiting list, for the (cached) edition page."""
    _edition, rsvp_settings = _settings_of(code)
    return JsonResponse({**services.seat_summary(rsvp_settings), "open": services.is_open(rsvp_settings)})
