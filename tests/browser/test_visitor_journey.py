"""A visitor finds the next meetup, the archive, a talk and its speaker, on a laptop and a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetups.models import SiteProfile
from tests.site_data import build_meetup_32

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def meetup_32(live_server):
    profile = SiteProfile.load()
    profile.members_count = "1000+"
    profile.meetup_url = "https://www.meetup.com/Vienna-Deep-Learning-Meetup/"
    profile.github_url = "https://github.com/vdlm/meetups"
    profile.youtube_url = "https://www.youtube.com/ViennaDeepLearningMeetup"
    profile.save()
    # #32 is the next meetup, three days from now; #33 follows four weeks later.
    return build_meetup_32(day=timezone.localdate() + datetime.timedelta(days=3))


def _fits_the_screen(page):
    """Nothing sticks out sideways: no horizontal scrolling on a 390 px phone."""
    page.wait_for_load_state("load")  # styles and scripts applied, as the visitor sees it
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    # A mobile browser widens its layout viewport to fit overflowing content, so
    # innerWidth must still be the phone's width, too.
    return scroll_width <= inner_width == PHONE["width"]


def test_visitor_reads_the_agenda_searches_the_archive_and_finds_a_talk_and_its_speaker(
    browser, live_server, meetup_32, offsite_requests, screenshot
):
    context = offsite_requests(browser.new_context(viewport=LAPTOP))
    page = context.new_page()

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("32nd Vienna Deep Learning Meetup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("32nd Vienna Deep Learning Meetup")
    agenda = page.get_by_role("list", name="Topics for Today")
    expect(agenda.get_by_role("listitem")).to_have_count(8)
    expect(agenda.get_by_role("listitem").nth(5)).to_contain_text("Report from NeurIPS 2019")
    expect(agenda.get_by_role("listitem").nth(5)).to_contain_text("René Donner, contextflow GmbH")
    expect(page.locator("#next-meetup")).to_have_text(re.compile(r"Next meetup: \d{1,2} \w+ at Magenta"))
    screenshot(page, "01-home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All meetups")
    screenshot(page, "02-archive")

    page.get_by_label("Search", exact=True).fill("NeurIPS")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/meetups/\?q=NeurIPS"))
    expect(page.get_by_role("status").filter(has_text="found")).to_have_text(re.compile("1 edition found"))
    rows = page.locator("table.archive-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Report from NeurIPS 2019 – René Donner")
    screenshot(page, "03-archive-search-neurips")

    rows.first.get_by_role("link", name="Report from NeurIPS 2019").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report from NeurIPS 2019")
    expect(page.get_by_text("René will discuss a small selection")).to_be_visible()
    screenshot(page, "04-talk-neurips")

    page.get_by_role("complementary").get_by_role("link", name="René Donner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("René Donner")
    expect(page.get_by_role("heading", name="Talks at the meetup (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Organizer of")).to_be_visible()
    screenshot(page, "05-speaker-rene-donner")

    assert offsite_requests.blocked == []
    context.close()


def test_phone_visitor_uses_the_collapsed_menu_and_nothing_overflows(
    browser, live_server, meetup_32, offsite_requests, screenshot
):
    context = offsite_requests(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True))
    page = context.new_page()

    page.goto(live_server.url + "/")
    menu_button = page.get_by_role("button", name="Menu")
    meetups_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetups")
    expect(menu_button).to_be_visible()
    expect(meetups_link).to_be_hidden()
    assert _fits_the_screen(page)
    screenshot(page, "06-phone-home")

    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(meetups_link).to_be_visible()
    screenshot(page, "07-phone-menu-open")

    meetups_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All meetups")
    assert _fits_the_screen(page)
    screenshot(page, "08-phone-archive")

    for path, name in [
        ("/meetups/32/", "09-phone-edition-32"),
        ("/talks/self-supervised-deep-learning/", "10-phone-talk"),
        ("/speakers/rene-donner/", "11-phone-speaker"),
        ("/talks/", "12-phone-talks"),
        ("/sponsors/", "13-phone-sponsors"),
        ("/jobs/lead-data-engineer/", "14-phone-job"),
        ("/raffles/ml-prague-2020/", "15-phone-raffle"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _fits_the_screen(page), f"{path} is wider than the phone"
        screenshot(page, name)

    assert offsite_requests.blocked == []
    context.close()


def test_video_loads_from_youtube_nocookie_only_after_a_click(browser, live_server, meetup_32, offsite_requests):
    context = offsite_requests(browser.new_context(viewport=LAPTOP))
    page = context.new_page()

    page.goto(live_server.url + "/talks/self-supervised-deep-learning/")
    expect(page.locator("iframe")).to_have_count(0)
    assert offsite_requests.blocked == []

    page.get_by_role("button", name="Play the video here").click()

    expect(page.locator("iframe")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/GSMh5fw2Mjo?autoplay=1&rel=0"
    )
    page.wait_for_timeout(200)
    assert offsite_requests.blocked
    assert all(url.startswith("https://www.youtube-nocookie.com/") for url in offsite_requests.blocked)
    context.close()


def test_keyboard_users_can_skip_to_the_content(browser, live_server, meetup_32):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(live_server.url + "/meetups/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    context.close()
