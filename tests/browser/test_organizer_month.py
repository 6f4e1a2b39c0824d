"""An organizer plans next month's meetup in Chromium, end to end, and counts the work.

Clone #32 into the next edition, set the host (with a new venue), two talks with their
speakers (one new to the site, with a photo), the agenda by drag and drop, a raffle, a
job ad, and publish through the checklist. Then the public home page, the edition's page
and the deck must show exactly what was entered. The pages visited and the forms submitted
are counted and printed; the goal is the edition's page and the publish page, and fewer than
10 submissions in all.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from meetups.models import Edition
from talks.models import Person
from tests.factories import OrganisationFactory, SuperUserFactory
from tests.site_data import build_meetup_32

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long test password for the organizer"


def portrait_png():
    buffer = io.BytesIO()
    Image.new("RGB", (160, 160), (30, 90, 160)).save(buffer, "PNG")
    return {"name": "ana-neuer.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


class Work:
    """Counts the admin pages the organizer's browser loads and the forms it submits."""

    def __init__(self, page):
        self.pages, self.submissions = [], []
        page.on("request", self.seen)

    def seen(self, request):
        if request.is_navigation_request() and request.frame.parent_frame is None:
            path = re.sub(r"^https?://[^/]+", "", request.url)
            (self.submissions if request.method == "POST" else self.pages).append(path)


def choose(page, select_id, text):
    """Pick `text` in one of the admin's autocomplete (Select2) fields, as a person does: type, then click."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-container--open .select2-results__option", has_text=text).first.click()


def drag(page, source, target):
    """Drag a row by its handle and drop it on the top edge of another row."""
    handle = source.locator(".vdlm-order-handle").bounding_box()
    box = target.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + 12, steps=8)
    page.mouse.move(box["x"] + 80, box["y"] + 4, steps=2)
    page.mouse.up()


def agenda_titles(page):
    return page.locator("#agenda_items-group tr.form-row:not(.empty-form) input[name$='-title']").evaluate_all(
        "inputs => inputs.map(input => input.value)"
    )


def test_an_organizer_plans_the_next_meetup_in_one_sitting(browser, live_server, settings, screenshot):
    settings.ROOT_URLCONF = "tests.browser.media_urls"  # the new speaker's photo is an upload
    today = timezone.localdate()
    site = build_meetup_32(day=today - datetime.timedelta(days=60))  # #32 and #33 are past
    OrganisationFactory(name="TU Wien", slug="tu-wien", website="https://www.tuwien.at/")
    SuperUserFactory(username="organizer", password=PASSWORD)
    context = browser.new_context(viewport={"width": 1400, "height": 5200})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    work = Work(page)
    admin = live_server.url + "/admin/"

    page.goto(admin)
    page.fill("#id_username", "organizer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    # 1. Clone #32 into the next edition: the admin opens the new edition.
    page.goto(admin + "meetups/edition/")
    page.check(f"input[name=_selected_action][value='{site.edition.pk}']")
    page.select_option("select[name=action]", "clone_as_next_edition")
    page.click("button[name=index]")
    expect(page.locator("#id_code")).to_have_value("34")
    edition = Edition.objects.get(code="34")
    assert edition.start_date >= today and edition.start_date.weekday() == site.edition.start_date.weekday()

    # 2. The host, once: TU Wien has no venue yet, so it is created from the host with this address.
    page.fill("#id_topic", "Agents and pathology")
    choose(page, "id_host", "TU Wien")
    page.fill("#id_new_venue_address", "Karlsplatz 13\n1040 Wien")

    # 3. Two talks with their speakers, on this page: one known speaker, one new with a photo.
    talks = page.locator("#talks-group")
    talks.get_by_text("Add another Talk").click()
    page.fill("#id_talks-0-title", "Retrieval for agents")
    page.fill("#id_talks-0-abstract", "How agents find what they need.")
    choose(page, "id_talks-0-speakers-0-person", "Christoph Bonitz")
    page.fill("#id_talks-0-speakers-0-affiliation", "Dynatrace")
    talks.get_by_text("Add another Talk").click()
    page.fill("#id_talks-1-title", "Diffusion models in pathology")
    page.fill("#id_talks-1-speakers-0-new_name", "Ana Neuer")
    page.fill("#id_talks-1-speakers-0-affiliation", "Medical University of Vienna")
    page.set_input_files("#id_talks-1-speakers-0-new_photo", portrait_png())
    expect(page.locator("#id_talks-1-slug")).to_have_value("diffusion-models-in-pathology")

    # 4. A raffle for the evening.
    page.locator("#raffles-group").get_by_text("Add another Raffle").click()
    page.fill("#id_raffles-0-title", "A ticket to ML Prague")
    page.fill("#id_raffles-0-prize", "1 free ticket")
    page.fill("#id_raffles-0-question", "Who created Keras?")
    page.fill("#id_raffles-0-accepted_answers", "François Chollet\nChollet")
    page.fill("#id_raffles-0-closes_at_0", (edition.start_date + datetime.timedelta(days=3)).isoformat())
    page.fill("#id_raffles-0-closes_at_1", "23:59")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist")).to_contain_text("The venue “TU Wien” was created from the host.")

    # 5. The agenda: the talks into their slots, the host's slot retitled, Announcements dragged after the break.
    assert agenda_titles(page) == [
        "Welcome & Introduction",
        "Takeda Austria: Site Presentation",
        "To be announced",
        "Announcements",
        "Break",
        "To be announced",
        "Hot Topics and Latest News",
        "Networking",
    ]
    page.fill("#id_agenda_items-1-title", "TU Wien: welcome from the host")
    page.select_option("#id_agenda_items-2-talk", label="Retrieval for agents")
    page.select_option("#id_agenda_items-5-talk", label="Diffusion models in pathology")
    page.select_option("#id_agenda_items-5-kind", "talk")
    drag(page, page.locator("#agenda_items-3"), page.locator("#agenda_items-5"))
    expect(page.locator("#agenda_items-group .vdlm-order-status")).to_have_text("Moved: now 5 of 8.")
    # The keyboard does the same: Hot Topics one down and back up again.
    hot_topics_down = page.locator("#agenda_items-6 button[aria-label='Move down']")
    hot_topics_down.focus()
    page.keyboard.press("Enter")
    page.locator("#agenda_items-6 button[aria-label='Move up']").focus()
    page.keyboard.press("Enter")
    screenshot(page, "40-organizer-edition-page")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    # 6. A job ad of the host, announced at the new edition.
    page.goto(admin + "sponsors/jobad/add/")
    choose(page, "id_organisation", "TU Wien")
    page.fill("#id_title", "PhD position in machine learning")
    page.fill("#id_tagline", "Four years on efficient models")
    page.fill("#id_location", "Vienna")
    page.fill("#id_apply_url", "https://www.tuwien.at/jobs/phd-ml")
    choose(page, "id_editions", "34")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")

    # 7. Publish through the checklist: no blocker; the draft raffle goes out with the edition.
    page.goto(admin + f"meetups/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Publish…").click()
    checklist = page.locator("main")
    expect(checklist).to_contain_text("The host is TU Wien.")
    expect(checklist).to_contain_text("The raffle “A ticket to ML Prague” is published with the edition.")
    expect(page.locator(".publish-checklist .check-blocker")).to_have_count(0)
    screenshot(page, "41-organizer-publish-page")
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Published #34: visitors see it now.")

    print(f"\norganizer's month: {len(work.pages)} pages visited, {len(work.submissions)} forms submitted")
    for path in work.pages:
        print("  visited", path)
    for path in work.submissions:
        print("  posted ", path)
    # Distinct pages: the edition list (to clone), the edition's page (every save returns to it), the job ad's
    # page (a job ad belongs to its company and may be announced at several editions) and the publish page.
    assert sorted(set(work.pages) - {"/admin/", "/admin/login/?next=/admin/"}) == [
        "/admin/meetups/edition/",
        f"/admin/meetups/edition/{edition.pk}/change/",
        f"/admin/meetups/edition/{edition.pk}/publish/",
        "/admin/sponsors/jobad/",
        "/admin/sponsors/jobad/add/",
    ]
    # Log in, clone, save the edition twice (the new talks must exist before a slot can link them), job ad, publish.
    assert len(work.submissions) == 6
    assert errors == []

    # What visitors see.
    page.goto(live_server.url + "/")
    hero = page.locator("section.hero")
    expect(hero.locator("h1")).to_have_text("34th Vienna Deep Learning Meetup")
    expect(hero).to_contain_text("TU Wien")
    expect(hero).to_contain_text("Karlsplatz 13")
    expected_agenda = [
        "Welcome & Introduction",
        "TU Wien: welcome from the host",
        "Retrieval for agents",
        "Break",
        "Announcements",
        "Diffusion models in pathology",
        "Hot Topics and Latest News",
        "Networking",
    ]
    expect(page.locator("ol.agenda .agenda-title")).to_have_text(
        [re.compile("^" + re.escape(t)) for t in expected_agenda]
    )
    expect(page.locator("ol.agenda")).to_contain_text("Christoph Bonitz")

    page.goto(live_server.url + "/meetups/34/")
    expect(page.locator("ol.agenda .agenda-title")).to_have_text(
        [re.compile("^" + re.escape(t)) for t in expected_agenda]
    )
    expect(page.locator("main")).to_contain_text("Ana Neuer")
    expect(page.locator("main")).to_contain_text("Medical University of Vienna")
    expect(page.locator("main")).to_contain_text("Dynatrace")
    screenshot(page, "42-organizer-result-edition-page")

    page.goto(live_server.url + "/meetups/34/deck/")
    deck = page.locator("main, body").first
    for text in ["Retrieval for agents", "Diffusion models in pathology", "Ana Neuer", "Who created Keras?"]:
        expect(deck).to_contain_text(text)
    expect(deck).to_contain_text("PhD position in machine learning")

    ana = Person.objects.get(name="Ana Neuer")
    assert ana.photo and ana.affiliation == "Medical University of Vienna"
    page.goto(live_server.url + ana.get_absolute_url())
    photo = page.get_by_role("img", name="Photo of Ana Neuer")
    expect(photo).to_be_visible()
    # Visible is not loaded yet: wait for the image itself (its load or error event), then look at it.
    loaded = photo.evaluate(
        """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
             img.addEventListener("load", () => resolve(img.naturalWidth > 0));
             img.addEventListener("error", () => resolve(false)); })"""
    )
    assert loaded
