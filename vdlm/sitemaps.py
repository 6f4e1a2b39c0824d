"""The sitemap (/sitemap.xml): every public page, with the date it last changed.

Drafts never appear: editions must be published, talks belong to published
editions, people appear through a published talk or edition (as their pages
do), and job ads must be active.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from meetups.models import Edition
from sponsors.models import JobAd, Organisation, Sponsorship
from talks.models import Person, Talk, TalkSpeaker


def public_people():
    """People with a page: a talk at, or the organization of, a published edition."""
    return Person.objects.filter(
        Exists(TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__edition__published=True))
        | Exists(Edition.objects.filter(organizers=OuterRef("pk"), published=True))
    )


def public_organisations():
    return Organisation.objects.filter(
        Exists(Sponsorship.objects.filter(organisation=OuterRef("pk"), edition__published=True))
    )


# Each section's items() returns a list: the sitemap's paginator then counts it without a
# COUNT query, so the whole sitemap costs one query per section (plus the lists' dates).


class EditionSitemap(Sitemap):
    def items(self):
        return list(Edition.objects.published().only("code", "updated_at").order_by("-start_date", "-pk"))

    def lastmod(self, edition):
        return edition.updated_at


class TalkSitemap(Sitemap):
    def items(self):
        return list(
            Talk.objects.published().only("slug", "updated_at").order_by("-edition__start_date", "-edition__pk", "slug")
        )

    def lastmod(self, talk):
        return talk.updated_at


class SpeakerSitemap(Sitemap):
    def items(self):
        return list(public_people().only("slug", "updated_at").order_by("slug"))

    def lastmod(self, person):
        return person.updated_at


class JobSitemap(Sitemap):
    def items(self):
        return list(JobAd.objects.active().only("slug", "updated_at").order_by("-published_on", "slug"))

    def lastmod(self, job_ad):
        return job_ad.updated_at


class ListPageSitemap(Sitemap):
    """The home page and the lists; a list changed when the newest of its entries did.

    Sponsors have no pages of their own (the sponsors page lists them all), so
    the sponsors page stands for them, changed when the latest of them changed.
    """

    def items(self):
        editions = Edition.objects.published().aggregate(last=Max("updated_at"))["last"]
        talks = Talk.objects.published().aggregate(last=Max("updated_at"))["last"]
        changes = {
            "meetups:edition_list": editions,
            "talks:talk_list": talks,
            "talks:speaker_list": public_people().aggregate(last=Max("updated_at"))["last"],
            "sponsors:sponsor_list": public_organisations().aggregate(last=Max("updated_at"))["last"],
            "sponsors:job_list": JobAd.objects.active().aggregate(last=Max("updated_at"))["last"],
        }
        changes = {"meetups:home": max(filter(None, [editions, talks]), default=None), **changes}
        return list(changes.items())

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": ListPageSitemap,
    "editions": EditionSitemap,
    "talks": TalkSitemap,
    "speakers": SpeakerSitemap,
    "jobs": JobSitemap,
}
