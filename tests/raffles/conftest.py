import pytest

from raffles import views


@pytest.fixture(autouse=True)
def _forget_kept_raffle_pages():
    """Each test starts without the raffles and thank-you pages an earlier test's requests kept.

    A test's rows are rolled back, but the content version it changed is not: a
    later test could otherwise meet a raffle of the same slug that no longer exists.
    """
    views._raffles_to_enter.clear()
    views._entered_pages.clear()
    yield
    views._raffles_to_enter.clear()
    views._entered_pages.clear()
