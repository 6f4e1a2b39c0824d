"""Talks and speakers across every edition."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from meetups.models import AgendaItem, Edition
from meetups.queries import can_preview, speakers_prefetch, talk_cards
from meetups.structured_data import talk_event
from sponsors.models import Sponsorship

from .forms import SpeakerSearchForm, TalkFilterForm
from .models import Person, Talk, TalkSource, TalkSpeaker

TALK_PAGE_SIZE = 24
SPEAKER_PAGE_SIZE = 48


def _talk_queryset(filters):
    talks = talk_cards()
    if filters["year"]:
        talks = talks.filter(edition__start_date__year=filters["year"])
    if filters["kind"]:
        talks = talks.filter(kind=filters["kind"])
    query = filters["q"]
    if query:
        by_speaker = TalkSpeaker.objects.filter(talk=OuterRef("pk"), person__name__icontains=query)
        talks = talks.filter(
            Q(title__icontains=query) | Q(subtitle__icontains=query) | Exists(by_speaker)
        )
    return talks.order_by("-edition__start_date", "-edition__pk", "title", "pk")


def talk_list(request):
    years = [day.year for day in Edition.objects.published().dates("start_date", "year", order="DESC")]
    form = TalkFilterForm(request.GET or None, years=years)
    filters = form.filters()
    paginator = Paginator(_talk_queryset(filters), TALK_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "page_obj": page_obj,
        "talks": page_obj.object_list,
    }
    return render(request, "talks/talk_list.html", context)


def talk_detail(request, slug):
    talk = get_object_or_404(
        Talk.objects.select_related("edition", "edition__venue").prefetch_related(
            speakers_prefetch(),
            Prefetch("sources", queryset=TalkSource.objects.order_by("position", "pk")),
        ),
        slug=slug,
    )
    if not (talk.edition.published or can_preview(request.user)):
        raise Http404("No talk here.")
    siblings = list(
        Talk.objects.filter(edition=talk.edition_id)
        .exclude(pk=talk.pk)
        .prefetch_related(speakers_prefetch())
        .order_by("title")
    )
    # Two queries for the schema.org data: the host and sponsors, and the agenda for the talk's slot.
    sponsorships = list(Sponsorship.objects.filter(edition=talk.edition_id).select_related("organisation"))
    agenda = list(AgendaItem.objects.filter(edition=talk.edition_id).order_by("position"))
    context = {
        "talk": talk,
        "structured_data": talk_event(talk, request, sponsorships=sponsorships, agenda=agenda),
        "host": next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None),
        "edition": talk.edition,
        "speakers": list(talk.talk_speakers.all()),
        "sources": list(talk.sources.all()),
        "siblings": siblings,
        "is_draft": not talk.edition.published,
    }
    return render(request, "talks/talk_detail.html", context)


def _public_speakers():
    published_talks = TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__edition__published=True)
    latest = published_talks.order_by("-talk__edition__start_date", "-talk__edition__pk", "-talk__pk")
    return (
        Person.objects.filter(Exists(published_talks))
        .annotate(
            talk_count=Count(
                "talk_speakers__talk",
                filter=Q(talk_speakers__talk__edition__published=True),
                distinct=True,
            ),
            latest_talk_title=Subquery(latest.values("talk__title")[:1]),
            latest_talk_slug=Subquery(latest.values("talk__slug")[:1]),
        )
        .order_by("name", "pk")
    )


def speaker_list(request):
    form = SpeakerSearchForm(request.GET or None)
    query = form.query()
    speakers = _public_speakers()
    if query:
        speakers = speakers.filter(Q(name__icontains=query) | Q(affiliation__icontains=query))
    page_obj = Paginator(speakers, SPEAKER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page_obj": page_obj, "speakers": page_obj.object_list}
    return render(request, "talks/speaker_list.html", context)


def speaker_detail(request, slug):
    preview = can_preview(request.user)
    person = get_object_or_404(
        Person.objects.annotate(
            has_public_talk=Exists(
                TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__edition__published=True)
            ),
            organized_public_edition=Exists(
                Edition.objects.filter(organizers=OuterRef("pk"), published=True)
            ),
        ),
        slug=slug,
    )
    # People appear publicly through a published talk or edition; others have no page yet.
    if not (person.has_public_talk or person.organized_public_edition or preview):
        raise Http404("No speaker here.")
    appearances = TalkSpeaker.objects.filter(person=person).select_related(
        "talk", "talk__edition", "talk__edition__venue"
    )
    organized = Edition.objects.filter(organizers=person)
    if not preview:
        appearances = appearances.filter(talk__edition__published=True)
        organized = organized.filter(published=True)
    appearances = appearances.prefetch_related(speakers_prefetch("talk__talk_speakers")).order_by(
        "-talk__edition__start_date", "-talk__edition__pk", "talk__title"
    )
    appearances = list(appearances)
    context = {
        "person": person,
        "appearances": appearances,
        "talks": [appearance.talk for appearance in appearances],
        "organized": list(organized.order_by("-start_date", "-pk")),
        "is_draft": not (person.has_public_talk or person.organized_public_edition),
    }
    return render(request, "talks/speaker_detail.html", context)
