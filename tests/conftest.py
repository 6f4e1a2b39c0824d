import pytest
from django.core.cache import cache

from meetups.models import SiteProfile
from raffles import views as raffle_views


def _forget_what_processes_keep():
    cache.clear()
    SiteProfile.forget_cached()
    # A test's rows are rolled back, but the content version it changed is not: a later
    # test could otherwise meet a raffle or a raffle page of an earlier test's slug.
    raffle_views._raffles_to_enter.clear()
    raffle_views._kept_pages.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, without the site profile, raffles and raffle pages kept before."""
    _forget_what_processes_keep()
    yield
    _forget_what_processes_keep()


@pytest.fixture
def organizer(db):
    from tests.factories import SuperUserFactory

    return SuperUserFactory()


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client
