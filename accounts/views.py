"""The second factor's pages, in the admin's look: enrol, enter a code, new recovery codes."""

import django_otp
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token

from decks.qr import qr_svg

from . import second_factor
from .forms import CodeForm


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _page(request, template, **context):
    return render(request, template, {**admin.site.each_context(request), "next": _next(request), **context})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in: scan the QR code into an authenticator app, type its first code; get the recovery codes."""
    if second_factor.is_enrolled(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    device = second_factor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = second_factor.confirm_enrolment(request.user, device, form.cleaned_data["code"], request=request)
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            return _page(request, "accounts/recovery_codes.html", title="Your recovery codes", codes=codes)
        device.refresh_from_db()
        form.add_error("code", second_factor.THROTTLED if second_factor.throttled([device]) else (
            "That code is not the one the app shows now: scan the QR code again, then type the 6 digits it "
            "shows (they change every 30 seconds)."))  # fmt: skip
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return _page(
        request, "accounts/enrol.html", title="Set up two-factor sign-in", form=form,
        qr=qr_svg(device.config_url, "QR code for your authenticator app"), secret=secret,
    )  # fmt: skip


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Every sign-in of an enrolled account: a code from the app, or a recovery code."""
    if not second_factor.is_enrolled(request.user):
        return redirect("accounts:enrol")
    if request.user.is_verified():  # the account's page: codes left, new recovery codes
        return _page(request, "accounts/verify.html", title="Two-factor sign-in",
                     codes_left=second_factor.recovery_codes_left(request.user))  # fmt: skip
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        form.add_error("code", second_factor.THROTTLED if second_factor.throttled(devices_for_user(request.user)) else (
            "That code is not right, or it was used already. Codes from the app change every 30 seconds; "
            "each recovery code works once."))  # fmt: skip
    return _page(
        request, "accounts/verify.html", title="Two-factor sign-in", form=form,
        codes_left=second_factor.recovery_codes_left(request.user),
    )  # fmt: skip


@never_cache
@login_required
@require_POST
def new_recovery_codes(request):
    """Ten new recovery codes for a verified account (the old ones stop working)."""
    if not request.user.is_verified():
        return redirect("accounts:verify")
    codes = second_factor.new_recovery_codes(request.user, request=request)
    return _page(request, "accounts/recovery_codes.html", title="Your new recovery codes", codes=codes)
