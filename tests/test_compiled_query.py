"""CompiledQuery (vdlm/compiled_query.py) gives what its queryset gives, for any values, or refuses."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from meetups.models import Edition
from raffles.models import Raffle
from talks.models import Talk
from tests.factories import EditionFactory, OrganisationFactory, RaffleFactory, TalkFactory, VenueFactory
from vdlm.compiled_query import CompiledQuery, Instances, rows_for_ids, rows_for_key

pytestmark = pytest.mark.django_db


def editions_from(day, kind):
    return (
        Edition.objects.filter(Q(start_date__gte=day) | Q(end_date__gte=day), kind=kind, published=True)
        .order_by("start_date", "pk")
        .values_list("code", "start_date", "published", "kind")
    )


def test_rows_and_their_types_equal_the_querysets_for_every_value():
    for offset in range(6):
        EditionFactory(start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * offset))
    EditionFactory(start_date=datetime.date(2020, 3, 1), kind=Edition.Kind.WORKSHOP)
    EditionFactory(start_date=datetime.date(2020, 4, 1), published=False)
    compiled = CompiledQuery(editions_from, datetime.date, str)

    for day in (datetime.date(2019, 1, 1), datetime.date(2020, 2, 15), datetime.date(2020, 6, 1)):
        for kind in Edition.Kind.values:
            expected = list(editions_from(day, kind))
            assert compiled(day, kind) == expected
    # Dates come back as dates and booleans as booleans on SQLite too (Django's converters).
    code, start_date, published, kind = compiled(datetime.date(2019, 1, 1), Edition.Kind.MEETUP)[0]
    assert isinstance(start_date, datetime.date) and published is True
    assert len(compiled(datetime.date(2019, 1, 1), Edition.Kind.MEETUP)) == 6
    assert compiled(datetime.date(2030, 1, 1), Edition.Kind.MEETUP) == []


def test_datetimes_and_ids_reach_the_query_as_the_orm_would_send_them():
    edition = EditionFactory()
    other = EditionFactory()
    now = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    RaffleFactory(
        edition=edition,
        slug="open",
        status=Raffle.Status.PUBLISHED,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    RaffleFactory(
        edition=other,
        slug="later",
        status=Raffle.Status.PUBLISHED,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=3),
    )

    def open_raffles(edition_id, moment):
        return (
            Raffle.objects.filter(edition=edition_id, opens_at__lte=moment, closes_at__gt=moment)
            .order_by("slug")
            .values_list("slug", "closes_at")
        )

    compiled = CompiledQuery(open_raffles, int, datetime.datetime)
    for moment in (now, now + datetime.timedelta(hours=2), now + datetime.timedelta(days=4)):
        for edition_id in (edition.pk, other.pk):
            assert compiled(edition_id, moment) == list(open_raffles(edition_id, moment))
    assert compiled(edition.pk, now)[0][1] == now + datetime.timedelta(hours=1)


def test_one_query_per_call_and_counted_like_any_other():
    talk = TalkFactory()
    compiled = CompiledQuery(lambda pk: Talk.objects.filter(edition=pk).values_list("title"), int)
    compiled(talk.edition_id)
    with CaptureQueriesContext(connection) as queries:
        assert compiled(talk.edition_id) == [(talk.title,)]
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("build", "kind", "reason"),
    [
        # A LIKE pattern: the value reaches the SQL changed (wrapped in %...%), so it is refused
        # rather than sent unescaped.
        (lambda text: Talk.objects.filter(title__icontains=text).values_list("pk"), str, "not one of its values"),
        # The SQL itself depends on the value: IN with as many placeholders as items (here
        # a list that is longer for the first stand-in than for the second).
        (lambda pk: Talk.objects.filter(pk__in=range(pk, pk + 2 + pk % 3)).values_list("pk"), int, "SQL changes"),
        # A value the builder ignores would be frozen at its first one.
        (lambda pk: Talk.objects.filter(pk=1).values_list("pk"), int, "does not reach"),
        # Model instances need Django's own iterable.
        (lambda pk: Talk.objects.filter(pk=pk), int, "values_list"),
    ],
)
def test_queries_it_cannot_run_faithfully_are_refused_with_a_reason(build, kind, reason):
    with pytest.raises((ValueError, TypeError), match=reason):
        CompiledQuery(build, kind)(1)


def test_wrong_values_are_refused():
    compiled = CompiledQuery(lambda pk: Talk.objects.filter(pk=pk).values_list("pk"), int)
    with pytest.raises(TypeError, match="1 values, 2 given"):
        compiled(1, 2)
    with pytest.raises(TypeError, match="not float"):
        compiled(1.5)


def talks_of(edition_ids):
    return Talk.objects.filter(edition_id__in=edition_ids).order_by("pk").values_list("pk", "edition_id")


def test_rows_for_ids_equal_the_querysets_for_any_number_of_ids():
    editions = [EditionFactory() for _ in range(4)]
    for edition in editions:
        TalkFactory.create_batch(2, edition=edition)
    ids = [edition.pk for edition in editions]
    for chosen in ([], ids[:1], ids[1:3], ids, [ids[0], ids[0]], [0, ids[2]]):
        assert rows_for_ids(talks_of, chosen) == list(talks_of(chosen))
    assert len(rows_for_ids(talks_of, ids)) == 8


def test_flat_and_value_free_queries_give_what_the_queryset_gives():
    for year in (2018, 2020, 2020, 2023):
        EditionFactory(start_date=datetime.date(year, 5, 1))
    EditionFactory(start_date=datetime.date(2019, 5, 1), published=False)
    years = CompiledQuery(lambda: Edition.objects.filter(published=True).dates("start_date", "year", order="DESC"))
    assert years() == list(Edition.objects.filter(published=True).dates("start_date", "year", order="DESC"))
    assert [day.year for day in years()] == [2023, 2020, 2018]
    codes = CompiledQuery(
        lambda day: Edition.objects.filter(start_date__gt=day).values_list("code", flat=True), datetime.date
    )
    assert sorted(codes(datetime.date(2019, 1, 1))) == sorted(
        Edition.objects.filter(start_date__gt=datetime.date(2019, 1, 1)).values_list("code", flat=True)
    )


def test_instances_are_the_models_select_related_would_give():
    company = OrganisationFactory(name="Takeda")
    hosted = EditionFactory(start_date=datetime.date(2020, 1, 30), venue=VenueFactory(organisation=company))
    plain_venue = EditionFactory(start_date=datetime.date(2020, 2, 27), venue=VenueFactory(organisation=None))
    online = EditionFactory(start_date=datetime.date(2020, 3, 26), venue=None)
    editions = Instances(Edition, "venue", "venue__organisation")
    compiled = CompiledQuery(
        lambda day: Edition.objects.filter(start_date__gte=day).order_by("start_date").values_list(*editions.columns),
        datetime.date,
    )
    loaded = [editions.load(row) for row in compiled(datetime.date(2020, 1, 1))]
    expected = list(
        Edition.objects.filter(start_date__gte=datetime.date(2020, 1, 1))
        .order_by("start_date")
        .select_related("venue", "venue__organisation")
    )
    assert [edition.pk for edition in loaded] == [hosted.pk, plain_venue.pk, online.pk]
    for got, want in zip(loaded, expected, strict=True):
        assert {f.attname: getattr(got, f.attname) for f in Edition._meta.concrete_fields} == {
            f.attname: getattr(want, f.attname) for f in Edition._meta.concrete_fields
        }
        assert got.get_absolute_url() == want.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        assert loaded[0].venue.organisation.name == "Takeda"
        assert loaded[1].venue.name == plain_venue.venue.name and loaded[1].venue.organisation is None
        assert loaded[2].venue is None
    assert len(queries) == 0  # the relations came with the rows


def test_a_missing_reverse_one_to_one_is_known_missing_without_a_query():
    from decks.models import DeckSettings

    with_settings = EditionFactory(start_date=datetime.date(2020, 1, 30))
    DeckSettings.objects.create(edition=with_settings)
    without = EditionFactory(start_date=datetime.date(2020, 2, 27))
    editions = Instances(Edition, "deck_settings")
    compiled = CompiledQuery(
        lambda pk: Edition.objects.filter(pk__gte=pk).order_by("pk").values_list(*editions.columns), int
    )
    first, second = (editions.load(row) for row in compiled(with_settings.pk))
    with CaptureQueriesContext(connection) as queries:
        assert first.deck_settings.edition_id == with_settings.pk
        assert second.pk == without.pk
        with pytest.raises(DeckSettings.DoesNotExist):
            second.deck_settings  # noqa: B018
    assert len(queries) == 0


def test_rows_for_key_compiles_once_per_key_and_sees_new_rows():
    EditionFactory(start_date=datetime.date(2020, 1, 30))
    built = []

    def build(year):
        built.append(year)
        return Edition.objects.filter(start_date__year=year).values_list("start_date", flat=True)

    assert rows_for_key(("test-years", 2020), lambda: build(2020)) == [datetime.date(2020, 1, 30)]
    EditionFactory(start_date=datetime.date(2020, 2, 27))
    assert sorted(rows_for_key(("test-years", 2020), lambda: build(2020))) == [
        datetime.date(2020, 1, 30),
        datetime.date(2020, 2, 27),
    ]
    assert rows_for_key(("test-years", 2021), lambda: build(2021)) == []
    assert built == [2020, 2020, 2021, 2021]  # compiled twice (two stand-in checks) per key, never again


def test_instances_through_a_relation_of_the_queried_model():
    venue = VenueFactory(name="Takeda Wien")
    talk = TalkFactory(edition=EditionFactory(venue=venue))
    editions = Instances(Edition, "venue", through="edition")
    compiled = CompiledQuery(
        lambda pk: Talk.objects.filter(pk=pk).values_list("title", *editions.columns), int
    )
    title, *edition_values = compiled(talk.pk)[0]
    edition = editions.load(edition_values)
    assert title == talk.title
    assert edition.pk == talk.edition_id and edition.start_date == talk.edition.start_date
    with CaptureQueriesContext(connection) as queries:
        assert edition.venue.name == "Takeda Wien"
    assert len(queries) == 0
