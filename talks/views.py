"""Talks and speakers across every edition."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from meetups.models import AgendaItem, Edition
from meetups.structured_data import talk_event
from sponsors.models import Sponsorship
from vdlm.permissions import can_preview

from .forms import SpeakerSearchForm, TalkFilterForm
from .models import Person, Talk, TalkSource, TalkSpeaker

TALK_PAGE_SIZE = 24
SPEAKER_PAGE_SIZE = 48


def _page(request, queryset, per_page):
    """The page ?page=N of the ordered `queryset`'s primary keys, as Paginator.get_page() gives it.

    The view then reads the page's rows whole, with pk__in=page_obj.object_list: counting
    and sorting the keys alone, without the talks' editions or the speakers' talk counts,
    takes a fraction of the time of counting and sorting every row whole.
    """
    return Paginator(queryset.values("pk"), per_page).get_page(request.GET.get("page"))


def _talk_queryset(filters):
    talks = Talk.objects.published()
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
    return talks.latest_first()


def talk_list(request):
    years = [day.year for day in Edition.objects.published().dates("start_date", "year", order="DESC")]
    form = TalkFilterForm(request.GET or None, years=years)
    filters = form.filters()
    page_obj = _page(request, _talk_queryset(filters), TALK_PAGE_SIZE)
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "page_obj": page_obj,
        "talks": Talk.objects.cards().filter(pk__in=page_obj.object_list).latest_first(),
    }
    return render(request, "talks/talk_list.html", context)


def talk_detail(request, slug):
    # Five queries: every talk of the talk's edition (the talk among them) with the edition and
    # its venue, their speakers, the talk's sources, and the sponsors and the agenda for the
    # schema.org data. Sorted by the title alone, in the database, as the page always did.
    talks = list(
        Talk.objects.filter(edition__talks__slug=slug)
        .select_related("edition__venue")
        .with_speakers("person__photo")
        .prefetch_related(
            Prefetch("sources", queryset=TalkSource.objects.filter(talk__slug=slug).order_by("position", "pk"))
        )
        .order_by("title")
    )
    talk = next((talk for talk in talks if talk.slug == slug), None)
    if talk is None or not (talk.edition.published or can_preview(request.user, Talk)):
        raise Http404("No talk here.")
    edition = talk.edition
    sponsorships = list(
        Sponsorship.objects.filter(edition=edition).select_related("organisation").order_by("position", "pk")
    )
    agenda = AgendaItem.objects.filter(edition=edition).order_by("position").only("start_time", "talk")
    speakers = list(talk.talk_speakers.all())
    context = {
        "talk": talk,
        "structured_data": talk_event(talk, request, sponsorships=sponsorships, agenda=list(agenda)),
        "host": next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None),
        "edition": edition,
        "speakers": speakers,
        "sources": list(talk.sources.all()),
        "siblings": [other for other in talks if other is not talk],
        "is_draft": not edition.published,
    }
    return render(request, "talks/talk_detail.html", context)


def speaker_list(request):
    form = SpeakerSearchForm(request.GET or None)
    query = form.query()
    speakers = Person.objects.speakers().order_by("name", "pk")
    if query:
        speakers = speakers.filter(Q(name__icontains=query) | Q(affiliation__icontains=query))
    page_obj = _page(request, speakers, SPEAKER_PAGE_SIZE)
    shown = Person.objects.filter(pk__in=page_obj.object_list).with_talk_summary().order_by("name", "pk")
    context = {"form": form, "query": query, "page_obj": page_obj, "speakers": shown}
    return render(request, "talks/speaker_list.html", context)


def speaker_detail(request, slug):
    # Three queries: the person's talks, drafts too, with their editions; every speaker of those
    # talks, whole people, the person among them (a query of its own only for someone without a
    # talk); and the editions the person organized. Visitors get the published ones only.
    talks = list(
        Talk.objects.filter(talk_speakers__person__slug=slug)
        .select_related("edition")
        .prefetch_related(
            Prefetch("talk_speakers", queryset=TalkSpeaker.objects.select_related("person").order_by("position", "pk"))
        )
        .order_by("-edition__start_date", "-edition__pk", "title", "pk")
    )
    speaking = (speaker.person for talk in talks for speaker in talk.talk_speakers.all())
    person = next((person for person in speaking if person.slug == slug), None)
    if person is None:
        person = Person.objects.filter(slug=slug).first()
        if person is None:
            raise Http404("No speaker here.")
    organized = list(
        Edition.objects.filter(organizers__slug=slug)
        .order_by("-start_date", "-pk")
        .only("code", "title", "number", "kind", "topic", "start_date", "published")
    )
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
