"""Generated input to every admin add form, as a signed-in organizer (or a stolen session) sends it.

The public forms' fuzz test (test_fuzz_forms.py) stops at the login; here Hypothesis
posts to the add view of each ModelAdmin of the project's apps (the change view
where nobody may add) the form as the browser would send it, with one to four
fields (inline and management fields included) replaced by control characters, very
long strings, odd Unicode, markup, links that are no URIs, impossible dates and
times, and huge numbers. Every answer must be below 500 and carry no markup that
would run. A few dozen inputs a model keep it to seconds; CI draws the same ones
each run (derandomized).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetups.demo import load_demo
from tests.admin_forms import admin_url, form_data, registered_models
from tests.production.markup import active_markup
from tests.production.test_fuzz_forms import FUZZ, hostile_text

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MODEL = 30

bad_url = st.one_of(
    st.sampled_from(
        [
            'https://x.example/"><script>alert(1)</script>',
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://x.example/a b",
            "https://x.example/a\r\nb",
            "http://",
            "https://[::1",
            "https://[zz::1]/",
            "ftp://x.example/",
            "https://münchen.example/ü",
            "https://x.example/100%",
            "https://" + "a" * 300 + ".example/",
            "//x.example/",
            "x.example",
        ]
    ),
    st.builds(lambda text: "https://x.example/" + text, st.text(max_size=40)),
)
bad_date = st.sampled_from(
    ["2020-13-45", "0000-00-00", "99999-01-01", "2020-02-30", "1.1.2020", "31/12/2020", "-1", "now", "2020-01-30\x00"]
)
bad_time = st.sampled_from(["25:00", "18:61", "99:99:99", "18:30:00.0000001", "noon", "-1:00", "18:30\n"])
number = st.integers(min_value=-(10**30), max_value=10**30).map(str)
admin_value = st.one_of(hostile_text, bad_url, bad_date, bad_time, number, st.just(""), st.just("on"))
# An inline's form count: small numbers and junk. Django builds (and the page shows) up to
# 2,000 forms for any larger count, seconds for each example, which would be all this test did.
form_count = st.one_of(
    st.integers(min_value=-5, max_value=60).map(str), st.sampled_from(["", "abc", "1.5", "1e3"]), st.text(max_size=20)
)


def _value_for(name):
    return form_count if name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")) else admin_value


def _hostile(names):
    """One to four of the form's fields, each with a value generated for its kind."""
    field = st.sampled_from(names).flatmap(lambda name: st.tuples(st.just(name), _value_for(name)))
    return st.lists(field, min_size=1, max_size=4).map(dict)


@pytest.fixture
def demo():
    """Rows for the choices (editions, people, organisations) the forms offer."""
    return load_demo(archive=())


ADDABLE = [model for model, _ in registered_models()]


@pytest.mark.parametrize("model", ADDABLE, ids=lambda model: model._meta.label_lower)
def test_generated_input_to_an_admin_add_form_never_gives_a_server_error(organizer_client, demo, model):
    url = admin_url(model, "add")
    page = organizer_client.get(url)
    if page.status_code == 403 and model._default_manager.exists():
        # Nobody adds one by hand (the one site profile): its change form, if anybody may change it.
        url = admin_url(model, "change", model._default_manager.first().pk)
        page = organizer_client.get(url)
    if page.status_code == 403:
        pytest.skip(f"nobody adds or changes a {model._meta.verbose_name} by hand")
    base = form_data(page, model)
    names = sorted(name for name in base if name != "csrfmiddlewaretoken")
    sent = []

    @settings(FUZZ, max_examples=EXAMPLES_PER_MODEL)
    @given(hostile=_hostile(names))
    def send(hostile):
        response = organizer_client.post(url, {**base, **hostile})
        assert response.status_code < 500, (hostile, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert active_markup(response.content.decode()) == [], hostile
        sent.append(hostile)

    send()
    assert len(sent) >= EXAMPLES_PER_MODEL
