"""Talks and speakers across every edition."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import render

from meetups.models import Edition
from meetups.queries import edition_agenda, talk_cards
from meetups.structured_data import talk_event
from sponsors.models import Sponsorship
from vdlm.permissions import can_preview

from .forms import SpeakerSearchForm, TalkFilterForm
from .models import Person, Talk, TalkSpeaker
from .queries import (
    add_speakers_and_sources,
    edition_sponsorships,
    organized_editions,
    person_by_slug,
    person_talks,
    sibling_talks,
    talk_by_slug,
)

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
    # Five queries (talks/queries.py): the talk with its edition, the other talks of the edition,
    # the speakers and sources of them all, and the sponsors and agenda for the schema.org data.
    talk = talk_by_slug(slug)
    if talk is None or not (talk.edition.published or can_preview(request.user, Talk)):
        raise Http404("No talk here.")
    edition = talk.edition
    siblings = sibling_talks(talk)
    add_speakers_and_sources(edition, [talk, *siblings])
    sponsorships = edition_sponsorships(edition)
    agenda = edition_agenda(edition, {})
    context = {
        "talk": talk,
        "structured_data": talk_event(talk, request, sponsorships=sponsorships, agenda=agenda),
        "host": next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None),
        "edition": edition,
        "speakers": talk.talk_speakers,
        "sources": talk.sources,
        "siblings": siblings,
        "is_draft": not edition.published,
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
    # Three queries (talks/queries.py): the person, their talks with every speaker, the editions they organized.
    person = person_by_slug(slug)
    if person is None:
        raise Http404("No speaker here.")
    talks = person_talks(person)
    organized = organized_editions(person)
    is_public = any(talk.edition.published for talk in talks) or any(edition.published for edition in organized)
    preview = can_preview(request.user, Person)
    # People appear publicly through a published talk or edition; others have no page yet.
    if not (is_public or preview):
        raise Http404("No speaker here.")
    if not preview:
        talks = [talk for talk in talks if talk.edition.published]
        organized = [edition for edition in organized if edition.published]
    context = {"person": person, "talks": talks, "organized": organized, "is_draft": not is_public}
    return render(request, "talks/speaker_detail.html", context)
