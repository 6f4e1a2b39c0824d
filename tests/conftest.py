import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the site profile and pages live there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organizer(db):
    from tests.factories import SuperUserFactory

    return SuperUserFactory()


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client
