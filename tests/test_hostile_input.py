"""Whatever a visitor (or a scanner) puts in a URL, the site answers with a page or a
clear error, never a server error: on SQLite and on PostgreSQL, which refuses NUL bytes."""

import pytest

from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

HOSTILE = [
    "/meetups/%00/",
    "/meetups/%00/calendar.ics",
    "/meetups/%00/deck/",
    "/meetups/32%00/",
    "/meetups/" + "9" * 300 + "/",
    "/meetups/?q=%00",
    "/meetups/?q=NeurIPS%00&year=%00&kind=%00&page=%00",
    "/meetups/?year=99999999999999999999&page=-1",
    "/meetups/?page=999999",
    "/talks/?q=%00",
    "/talks/?q=x&year=abc&kind=bogus&page=0",
    "/talks/%00/",
    "/speakers/%00/",
    "/jobs/%00/",
    "/raffles/%00/",
    "/raffles/ml-prague-2020/confirm/%00/",
    "/api/editions/%00/",
    "/api/editions/?year=%00",
    "/api/editions/?kind=%00&page=abc",
    "/api/editions/?page=999999",
    "/api/talks/?q=%00",
    "/api/speakers/?page=-5",
    "/contribute/%00/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_never_give_a_server_error(client, url):
    build_meetup_32()
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
