"""Get the invitations (double opt-in), confirm, and leave the list with one click."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from vdlm.ratelimits import form_limited

from . import services
from .forms import SubscribeForm, consent_text


def _limited(request, email):
    return form_limited(
        request,
        "members.subscribe",
        email,
        address_rate=settings.SUBSCRIBE_EMAIL_RATE,
        network_rate=settings.SUBSCRIBE_IP_RATE,
    )


@never_cache  # carries a CSRF token and what the visitor typed
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        # The small form in the footer and on the meetup pages sends the address here to finish.
        form = SubscribeForm(initial={"email": request.GET.get("email", "")[:254]})
        return render(request, "members/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "members/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    if _limited(request, data["email"]):
        notice = (
            "Too many requests for the invitations in the last minutes: please wait a few minutes and send it again."
        )
        return render(request, "members/subscribe.html", {"form": form, "notice": notice}, status=429)
    if not form.looks_automated():
        services.request_subscription(
            data["email"],
            consent_text(with_name=bool(data["name"])),
            request.build_absolute_uri("/"),
            name=data["name"],
        )
    # The same answer whatever the address's state (and for a bot): the mail says the rest.
    return render(request, "members/check_inbox.html", {"email": data["email"]})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # A GET only shows the button: mail scanners open links, and must not subscribe anybody.
    try:
        subscriber = services.subscriber_to_confirm(token)
    except services.LinkError as error:
        return render(request, "members/link_error.html", {"message": str(error)}, status=400)
    if request.method == "POST":
        services.confirm(subscriber)
        return render(request, "members/subscribed.html", {"subscriber": subscriber})
    return render(request, "members/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token; the signed link is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = services.subscriber_to_unsubscribe(token)
    except services.LinkError as error:
        return render(request, "members/link_error.html", {"message": str(error)}, status=400)
    if request.method == "POST":
        if subscriber is not None:
            services.unsubscribe(subscriber)
        return render(request, "members/unsubscribed.html")
    return render(request, "members/unsubscribe.html", {"subscriber": subscriber})
