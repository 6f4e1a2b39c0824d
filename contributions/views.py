"""The call for contributions: the public form with its no-JavaScript preview,
and the proposer's private page behind the emailed link."""

import copy

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from meetups.markup import render_markdown
from members.models import Subscriber
from members.services import request_subscription

from . import services
from .forms import ProposalEditForm, ProposalForm

# The abstract sits under the form's h3 preview heading on these pages.
PREVIEW_TOP_LEVEL = 4


def _preview_html(abstract):
    return mark_safe(render_markdown(abstract or "", PREVIEW_TOP_LEVEL))  # noqa: S308 - nh3 sanitized it


def _preview_limited(request):
    return is_ratelimited(
        request,
        group="contributions.preview",
        key="ip",
        rate=settings.CONTRIBUTION_PREVIEW_RATE,
        method="POST",
        increment=True,
    )


def _render_contribute(request, form, status=200, notice="", preview_html=None):
    context = {
        "form": form,
        "notice": notice,
        "preview_html": preview_html,
        "previewed": preview_html is not None,
        "retention_days": settings.CONTRIBUTION_RETENTION_DAYS,
    }
    return render(request, "contributions/contribute.html", context, status=status)


@never_cache  # carries a CSRF token and the proposer's own input: never from a shared cache
@require_http_methods(["GET", "POST"])
def contribute(request):
    if request.method == "GET":
        return _render_contribute(request, ProposalForm())
    form = ProposalForm(request.POST)
    if "preview" in request.POST:
        return _preview(request, form)
    if is_ratelimited(
        request, group="contributions.submit", key="ip", rate=settings.CONTRIBUTION_RATE, method="POST", increment=True
    ):
        notice = (
            "Too many proposals from your network in the last minutes. Your text is still here: "
            "please wait a few minutes and send it again."
        )
        return _render_contribute(request, form, status=429, notice=notice)
    if not form.is_valid():
        return _render_contribute(request, form, status=400)
    data = form.cleaned_data
    if form.looks_automated():
        # Look successful, store nothing: a bot learns nothing from the answer.
        return render(request, "contributions/submitted.html", {"email": data["email"], "title": data["title"]})
    proposal = services.submit_proposal(
        **{field: data[field] for field in services.CONTENT_FIELDS},
        preferred_editions=data["preferred_editions"],
        base_url=request.build_absolute_uri("/"),
    )
    if data["invitations"]:
        # Double opt-in as on the invitations page: a mail with a link to confirm.
        request_subscription(
            proposal.email,
            str(form.fields["invitations"].label),
            request.build_absolute_uri("/"),
            name=proposal.name,
            source=Subscriber.Source.CONTRIBUTION,
        )
    return render(request, "contributions/submitted.html", {"email": proposal.email, "title": proposal.title})


def _preview(request, form, template_context=None):
    """Show the typed form again with the rendered abstract; nothing is stored or checked."""
    preview_form = form.preview_copy()
    if _preview_limited(request):
        notice = "Too many previews from your network in the last minutes. Your text is still here."
        html, status = None, 429
    else:
        notice, html, status = "", _preview_html(form.data.get("abstract", "")), 200
    if template_context is None:
        return _render_contribute(request, preview_form, status=status, notice=notice, preview_html=html)
    template_context.update({"form": preview_form, "notice": notice, "preview_html": html, "previewed": True})
    return render(request, "contributions/proposal.html", template_context, status=status)


@never_cache
@require_POST
def preview(request):
    """The rendered abstract as an HTML fragment, for the live preview in static/js/contribute.js."""
    if _preview_limited(request):
        return HttpResponse("", status=429)
    return HttpResponse(_preview_html(request.POST.get("abstract", "")), content_type="text/html; charset=utf-8")


def _private(response):
    # The path holds the proposer's key: it must not travel on in a Referer header or into search results.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_error(request, error):
    context = {"error": str(error), "gone": error.status == 410}
    return _private(render(request, "contributions/link_error.html", context, status=error.status))


def _proposal_context(proposal, token):
    talk = proposal.accepted_talk
    return {
        "proposal": proposal,
        "token": token,
        "talk": talk,
        "edition": talk.edition if talk else None,
        "preferred": list(proposal.preferred_editions.all()),
        "saved": False,
        "notice": "",
        "form": None,
        "preview_html": None,
        "previewed": False,
        "link_max_age_days": settings.CONTRIBUTION_LINK_MAX_AGE_DAYS,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_detail(request, token):
    """Status, decision message and (while undecided) the edit form for the proposer."""
    try:
        proposal = services.proposal_from_token(token)
    except services.LinkError as error:
        return _link_error(request, error)
    context = _proposal_context(proposal, token)
    if request.method == "GET":
        context["saved"] = request.GET.get("saved") == "1"
        if proposal.is_open:
            context["form"] = ProposalEditForm(instance=proposal)
        return _private(render(request, "contributions/proposal.html", context))
    if not proposal.is_open:
        context["notice"] = (
            f"This proposal is {proposal.get_status_display().lower()}, so it can no longer be changed."
        )
        return _private(render(request, "contributions/proposal.html", context, status=409))
    # A copy: a form that fails validation must not change what the page shows as saved.
    form = ProposalEditForm(request.POST, instance=copy.copy(proposal))
    if "preview" in request.POST:
        return _private(_preview(request, form, context))
    if not form.is_valid():
        context["form"] = form
        return _private(render(request, "contributions/proposal.html", context, status=400))
    data = form.cleaned_data
    try:
        services.update_proposal(
            proposal,
            **{field: data[field] for field in services.CONTENT_FIELDS},
            preferred_editions=data["preferred_editions"],
        )
    except services.ProposalClosedError as error:
        proposal.refresh_from_db()
        context = _proposal_context(proposal, token)
        context["notice"] = f"{error} Your changes were not saved."
        return _private(render(request, "contributions/proposal.html", context, status=409))
    return _private(redirect(reverse("contributions:proposal", kwargs={"token": token}) + "?saved=1"))


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_withdraw(request, token):
    """Withdrawing asks first: opening the link shows a button, only the POST withdraws."""
    try:
        proposal = services.proposal_from_token(token)
    except services.LinkError as error:
        return _link_error(request, error)
    context = {
        "proposal": proposal,
        "token": token,
        "notice": "",
        "retention_days": settings.CONTRIBUTION_RETENTION_DAYS,
    }
    if request.method == "POST" and proposal.is_open:
        try:
            services.withdraw_proposal(proposal, base_url=request.build_absolute_uri("/"))
        except services.ProposalClosedError as error:
            context["notice"] = str(error)
            return _private(render(request, "contributions/withdraw.html", context, status=409))
        return _private(redirect("contributions:proposal", token=token))
    if not proposal.is_open:
        context["notice"] = f"This proposal is {proposal.get_status_display().lower()}; it cannot be withdrawn."
        status = 409 if request.method == "POST" else 200
        return _private(render(request, "contributions/withdraw.html", context, status=status))
    return _private(render(request, "contributions/withdraw.html", context))

