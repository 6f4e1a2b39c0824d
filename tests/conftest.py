import pytest
from django.core.cache import cache

from meetups.models import SiteProfile


def _forget_what_processes_keep():
    cache.clear()
    SiteProfile.forget_cached()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache and without the site profile kept before."""
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
