"""Hosts and sponsors, and the job ads they announce at meetups."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from meetups.models import Edition
from vdlm.permissions import can_preview

from .models import JobAd, JobAdItem, Organisation, Sponsorship


def sponsor_list(request):
    public = Sponsorship.objects.filter(edition__published=True)
    organisations = list(
        Organisation.objects.filter(Exists(public.filter(organisation=OuterRef("pk"))))
        .annotate(
            hosted_count=Count(
                "sponsorships",
                filter=Q(sponsorships__role=Sponsorship.Role.HOST, sponsorships__edition__published=True),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch(
                "sponsorships",
                queryset=public.select_related("edition").order_by("-edition__start_date", "-edition__pk"),
                to_attr="public_sponsorships",
            ),
            Prefetch(
                "job_ads",
                queryset=JobAd.objects.active().order_by("title"),
                to_attr="active_job_ads",
            ),
        )
        .order_by("name")
    )
    context = {
        # Hosts first: they open their doors (and fridges) to the whole group.
        "hosts": [org for org in organisations if org.hosted_count],
        "supporters": [org for org in organisations if not org.hosted_count],
    }
    return render(request, "sponsors/sponsor_list.html", context)


def job_list(request):
    job_ads = JobAd.objects.active().select_related("organisation")
    return render(request, "sponsors/job_list.html", {"job_ads": list(job_ads)})


def job_detail(request, slug):
    job_ad = get_object_or_404(
        JobAd.objects.select_related("organisation").prefetch_related(
            "items",
            Prefetch(
                "editions",
                queryset=Edition.objects.published().order_by("-start_date"),
                to_attr="public_editions",
            ),
        ),
        slug=slug,
    )
    preview = can_preview(request.user, JobAd)
    if not job_ad.published and not preview:
        raise Http404("No job ad here.")
    if job_ad.expires_on is not None and job_ad.expires_on < timezone.localdate():
        # Links to a filled position keep circulating: say clearly that it is closed.
        return render(request, "sponsors/job_closed.html", {"job_ad": job_ad}, status=410)
    is_draft = not job_ad.is_active
    if is_draft and not preview:
        raise Http404("No job ad here.")
    context = {"job_ad": job_ad, "sections": _deck_sections(job_ad), "is_draft": is_draft}
    return render(request, "sponsors/job_detail.html", context)


SECTION_HEADINGS = {
    JobAdItem.Section.DO: "you will do",
    JobAdItem.Section.BRING: "you bring",
    JobAdItem.Section.GET: "you get",
}


def _deck_sections(job_ad):
    """[(heading, items)] as the deck writes them: "3 things you will do"; empty sections left out."""
    sections = []
    for section, (_label, items) in zip(JobAdItem.Section, job_ad.sections(), strict=True):
        if items:
            noun = "thing" if len(items) == 1 else "things"
            sections.append((f"{len(items)} {noun} {SECTION_HEADINGS[section]}", items))
    return sections
