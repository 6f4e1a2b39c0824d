"""An autocomplete field of the admin given a value no row can have: "Select a valid choice", never a 500.

Found by tests/production/test_fuzz_admin.py: Django's autocomplete widgets look the
posted values up again to show the form with its error, and "abc" (or a number beyond
64 bits) made that lookup raise. vdlm.admin_utils.CheckedAutocompleteMixin gives a
ModelAdmin or inline widgets that look up only what the related field can hold.
"""

import pytest
from django.contrib import admin

from meetups.demo import load_demo
from tests.admin_forms import admin_url, form_data, registered_models
from vdlm.admin_utils import CheckedAutocompleteMixin

pytestmark = pytest.mark.django_db

NO_SUCH_ROW = ["abc", "1.5", "99999999999999999999999", "-1", "1e3", "0x1F"]
# A single choice says the first, a multiple choice the second for a value that is no id at all.
MESSAGES = ("Select a valid choice", "is not a valid value")


def _cases():
    """(model whose add page is posted, inline or None, autocomplete field), one per field of each admin."""
    for model, model_admin in registered_models():
        for name in model_admin.autocomplete_fields:
            yield pytest.param(model, None, name, id=f"{model._meta.label_lower}.{name}")
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                yield pytest.param(model, inline, name, id=f"{model._meta.label_lower}.{inline.__name__}.{name}")


def test_every_admin_with_autocomplete_fields_uses_the_checked_widgets():
    for _model, model_admin in registered_models():
        for admin_class in (type(model_admin), *model_admin.inlines):
            if admin_class.autocomplete_fields:
                assert issubclass(admin_class, CheckedAutocompleteMixin), admin_class.__name__


@pytest.mark.parametrize(("model", "inline", "name"), list(_cases()))
def test_an_autocomplete_field_refuses_a_value_no_row_can_have_with_a_message(organizer_client, model, inline, name):
    load_demo(archive=())
    url = admin_url(model, "add")
    page = organizer_client.get(url)
    if page.status_code == 403:
        pytest.skip("nobody adds these by hand")
    data = form_data(page, model)
    field = name
    if inline is not None:
        model_admin = admin.site.get_model_admin(model)
        (prefix,) = [
            formset.get_default_prefix()
            for formset, used in model_admin.get_formsets_with_inlines(page.wsgi_request)
            if type(used) is inline
        ]
        data[f"{prefix}-TOTAL_FORMS"] = "1"  # a new row of the inline, as its "Add another" button makes
        field = f"{prefix}-0-{name}"
    for value in NO_SUCH_ROW:
        response = organizer_client.post(url, {**data, field: value})
        assert response.status_code == 200, value
        assert any(message in response.content.decode() for message in MESSAGES), value
