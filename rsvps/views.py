"""RSVP to an edition, see and change your RSVP from your personal link, and the seats left."""

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import second_factor
from decks.models import DeckSettings
from decks.qr import qr_code, qr_svg
from meetups.models import Edition
from vdlm.ratelimits import form_limited
from vdlm.spreadsheets import safe_cell

from . import door, mails, self_check_in, services, times
from .forms import AnswersForm, RsvpForm, SelfCheckInForm, consent_text
from .models import CheckIn, Rsvp, RsvpSettings
from .tokens import rsvp_of_token

# One printed page of the guest list (the print stylesheet breaks the page after each).
GUESTS_PER_PAGE = 40


def _settings_of(code):
    edition = get_object_or_404(Edition.objects.published(), code__iexact=code)
    rsvp_settings = RsvpSettings.objects.filter(edition=edition, enabled=True).select_related("edition").first()
    if rsvp_settings is None:
        raise Http404("This edition takes no RSVPs here.")
    return edition, rsvp_settings


def _limited(request, email):
    return form_limited(
        request, "rsvps.rsvp", email, address_rate=settings.RSVP_EMAIL_RATE, network_rate=settings.RSVP_IP_RATE
    )


def _form_page(request, edition, rsvp_settings, form, status=200, notice=""):
    context = {
        "edition": edition,
        "rsvp_settings": rsvp_settings,
        "form": form,
        "notice": notice,
        "seats": services.seat_summary(rsvp_settings),
        "is_open": times.is_open(rsvp_settings),
        "no_show_editions": settings.RSVP_NO_SHOW_EDITIONS,
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
        "door_qr": qr_svg(door.door_code(entry), "Your code for the door") if entry.status == Rsvp.Status.GOING else "",
    }
    response = render(request, "rsvps/personal.html", context)
    # This phone holds the RSVP: the self check-in from the projected slide recognises it.
    response.set_signed_cookie(
        self_check_in.cookie_name(entry.edition_id),
        token,
        salt=self_check_in.COOKIE_SALT,
        max_age=60 * 60 * 24 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# A few seconds of caching: on the evening the invitation goes out, hundreds of edition
# pages ask at once, and "42 seats left" may be that old.
@require_safe
@cache_control(public=True, max_age=5)
def seats(request, code):
    """/meetups/<code>/seats.json: the seats left and the waiting list, for the (cached) edition page."""
    _edition, rsvp_settings = _settings_of(code)
    return JsonResponse({**services.seat_summary(rsvp_settings), "open": times.is_open(rsvp_settings)})


@require_safe
@cache_control(public=True, max_age=10)
def attendance(request, code):
    """/meetups/<code>/attendance.json: tonight in numbers, for the deck's slide; only when the deck shows them."""
    edition = _enabled_edition(code)
    if not DeckSettings.objects.filter(edition=edition, show_attendance=True).exists():
        raise Http404("This edition's deck does not show its figures.")
    return JsonResponse(door.door_figures(edition.pk))


# --- The host's guest list and the door --------------------------------------------------------------


@never_cache
@require_safe
def guest_list(request, token):
    """/guests/<token>/: the host's front desk list, names only, printable; ?format=csv for a spreadsheet."""
    rsvp_settings = door.settings_of_guest_list(token)
    if rsvp_settings is None:
        message = "This guest list link has expired or was replaced: ask the organizers for the current one."
        return render(request, "rsvps/link_error.html", {"message": message}, status=404)
    guests = door.guest_list(rsvp_settings)
    edition = rsvp_settings.edition
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="guests-{edition.code.lower()}.csv"'
        writer = csv.writer(response)
        writer.writerow(["Name", "Name as on ID", "Guest (+1)"])
        for row in guests:
            writer.writerow([safe_cell(cell) for cell in row])
        return response
    context = {
        "edition": edition,
        "rsvp_settings": rsvp_settings,
        "guests": guests,
        "seats": sum(2 if guest_name else 1 for _name, _id_name, guest_name in guests),
        "last_change": door.last_change(rsvp_settings),
        "expires": door.guest_list_expires(rsvp_settings),
        "per_page": GUESTS_PER_PAGE,
    }
    return render(request, "rsvps/guest_list.html", context)


def _door_edition(request, code):
    if not request.user.has_perm("rsvps.check_in"):
        raise PermissionDenied
    edition = get_object_or_404(Edition, code__iexact=code)
    get_object_or_404(RsvpSettings, edition=edition)
    if not door.door_is_open_to(request.user, edition):
        raise PermissionDenied("The check-in page of this edition opens the day before it.")
    return edition


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def check_in_page(request, code):
    """/meetups/<code>/door/: check people in by name (search as you type) or by their QR code; undo."""
    if second_factor.still_to_prove(request.user):
        return second_factor.prove_first(request)  # as the admin does: names and ID names are behind it
    edition = _door_edition(request, code)
    result = None
    if request.method == "POST":
        result = _tap(request, edition)
        if request.headers.get("Accept") == "application/json":
            return JsonResponse(result, status=200 if result["ok"] else 400)
    people = (
        Rsvp.objects.filter(edition=edition)
        .exclude(status=Rsvp.Status.CANCELLED)
        .order_by(Lower("name"), "pk")
        .only("name", "id_name", "guest", "guest_name", "status", "checked_in_at", "guest_checked_in_at")
    )
    context = {"edition": edition, "people": people, "result": result, "figures": door.door_figures(edition.pk)}
    return render(request, "rsvps/door.html", context)


def _tap(request, edition):
    action = request.POST.get("action", "check_in")
    guest = request.POST.get("guest") == "1"
    code = request.POST.get("code", "")
    if code:
        entry, method = door.rsvp_of_door_code(code, edition.pk), CheckIn.Method.CODE
    else:
        pk = request.POST.get("rsvp", "")
        entry = Rsvp.objects.filter(pk=int(pk), edition=edition).first() if pk.isdecimal() else None
        method = CheckIn.Method.DESK
    if action == "undo" and entry is not None:
        record = door.undo_check_in(edition.pk, entry, by=request.user, guest=guest)
    else:
        record = door.check_in(edition.pk, entry, method=method, by=request.user, guest=guest)
    who = (entry.guest_name if guest else entry.name) if entry else "This code"
    return {
        "ok": record.result in (CheckIn.Result.CHECKED_IN, CheckIn.Result.ALREADY, CheckIn.Result.UNDONE),
        "result": record.result,
        "message": f"{who}: {record.get_result_display().lower()}.",
        "rsvp": entry.pk if entry else None,
        "guest": guest,
        "figures": door.door_figures(edition.pk),
    }


# --- Self check-in from the projected slide -------------------------------------------------------


def _enabled_edition(code):
    edition = get_object_or_404(Edition.objects.published(), code__iexact=code)
    get_object_or_404(RsvpSettings, edition=edition, enabled=True)
    return edition


@never_cache
@require_safe
def here_qr(request, code):
    """/meetups/<code>/here.svg: the QR code of this minute's self check-in link, for the deck's title slide."""
    edition = _enabled_edition(code)
    url = request.build_absolute_uri(
        reverse("rsvps:here", args=[edition.code.lower(), self_check_in.minute_code(edition.pk)])
    )
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=10, border=4, dark="#000", light="#fff")
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _remembered_rsvp(request, edition):
    """The RSVP whose link this phone opened (a signed cookie set by the RSVP page), or None."""
    token = request.get_signed_cookie(
        self_check_in.cookie_name(edition.pk), default=None, salt=self_check_in.COOKIE_SALT
    )
    entry = rsvp_of_token(token) if token else None
    return entry if entry is not None and entry.edition_id == edition.pk else None


@never_cache
@require_http_methods(["GET", "POST"])
def here(request, code, minute_code):
    """/meetups/<code>/here/<minute code>/: check yourself in, from the code on the screen."""
    edition = _enabled_edition(code)
    if not self_check_in.code_is_current(edition.pk, minute_code):
        message = "This code has changed since: scan the one on the screen again."
        return render(request, "rsvps/link_error.html", {"message": message}, status=400)
    entry = _remembered_rsvp(request, edition)
    context = {"edition": edition, "rsvp": entry}
    if request.method == "POST" and entry is not None and request.POST.get("action") == "this":
        context["record"] = door.check_in(edition.pk, entry, method=CheckIn.Method.SELF)
    elif request.method == "POST":
        form = SelfCheckInForm(request.POST)
        context["email"] = request.POST.get("email", "").strip()
        email = form.cleaned_data["email"] if form.is_valid() else ""
        if not email:
            context["error"] = "Please give the address you RSVPed with."
        elif not _limited(request, email):
            found = Rsvp.objects.filter(edition=edition, email__iexact=email, status=Rsvp.Status.GOING).first()
            if found is not None:
                link = request.build_absolute_uri(
                    reverse("rsvps:here_confirm", args=[self_check_in.mail_link_token(found)])
                )
                mails.self_check_in(found, link)
            context["sent"] = True  # the same answer with or without an RSVP: nobody learns who is coming
        else:
            context["error"] = "Too many tries from here: please check in at the door."
    return render(request, "rsvps/here.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def here_confirm(request, token):
    """The self check-in link from the mail: a GET shows the button (mail scanners open links), a POST checks in."""
    rsvp_id = self_check_in.rsvp_id_of_mail_link(token)
    entry = Rsvp.objects.select_related("edition").filter(pk=rsvp_id).first() if rsvp_id else None
    if entry is None:
        message = "This check-in link has expired: scan the code on the screen again, or check in at the door."
        return render(request, "rsvps/link_error.html", {"message": message}, status=400)
    context = {"edition": entry.edition, "rsvp": entry, "confirming": True}
    if request.method == "POST":
        context["record"] = door.check_in(entry.edition_id, entry, method=CheckIn.Method.SELF)
    return render(request, "rsvps/here.html", context)
