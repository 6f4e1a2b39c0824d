"""A forged form count on an inline of the admin: a page with the forms' errors, never a 500.

The page sends each inline's number of forms in a hidden field; a crafted POST can say
there is a new row where the admin offers none (an inline nobody may add to, such as a
raffle's draws), and the page must still be shown (found by tests/production/test_fuzz_admin.py).
"""

import pytest

from meetups.demo import load_demo
from tests.admin_forms import admin_url, form_data, registered_models

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [model for model, _ in registered_models()], ids=lambda model: model._meta.label_lower
)
def test_one_more_row_than_an_inline_shows_is_no_server_error(organizer_client, model):
    load_demo(archive=())
    obj = model._default_manager.first()
    for url in (admin_url(model, "add"), admin_url(model, "change", obj.pk) if obj else None):
        page = organizer_client.get(url) if url else None
        if page is None or page.status_code == 403:
            continue
        data = form_data(page, model)
        for count in (name for name in data if name.endswith("-TOTAL_FORMS")):
            rows = int(data[count][0])
            response = organizer_client.post(url, {**data, count: str(rows + 1)})
            assert response.status_code < 500, (url, count)
