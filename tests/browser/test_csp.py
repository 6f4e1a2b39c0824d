"""The Content-Security-Policy blocks nothing the site itself does, on any page, in Chromium.

A strict policy that the site's own pages break would be switched off by the
first organizer who notices a dead button. Chromium reports each violation as a
`securitypolicyviolation` event and a console error; every public page, the
deck and every admin page is opened (the raffle form sent, the video started,
the live preview typed into, the admin logged into) and must report none.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.utils import timezone
from playwright.sync_api import expect

from contributions.services import proposal_token
from meetups.demo import DEMO_EDITION_CODE, load_demo
from members import mailings
from members.models import Mailing
from raffles.models import Raffle
from raffles.services import confirmation_token, draw
from rsvps import door
from rsvps.models import Rsvp, RsvpSettings
from sponsors.models import Organisation
from talks.models import Person, Talk
from tests.decks.helpers import png_upload
from tests.factories import ProposalFactory, RaffleEntryFactory, RaffleFactory, SuperUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's own scripts, and is not itself subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`);
});
"""


@pytest.fixture
def site(live_server, settings):
    """The demo data, with uploaded logos and photos, a drawn raffle, an entry and a proposal."""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
    settings.SPAM_MIN_FILL_SECONDS = 0
    edition = load_demo(archive=())
    for organisation in Organisation.objects.all()[:3]:
        organisation.logo = png_upload(f"{organisation.slug}.png", label=organisation.name)
        organisation.save()
    for person in Person.objects.filter(organized_editions=edition)[:2]:
        person.photo = png_upload(f"{person.slug}.png", size=(300, 300))
        person.save()
    drawn = RaffleFactory(
        slug="drawn-raffle",
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=2),
        requires_confirmation=False,
    )
    RaffleEntryFactory(raffle=drawn, answer="Chollet")
    draw(drawn)
    open_raffle = RaffleFactory(slug="open-raffle", status=Raffle.Status.PUBLISHED)
    entry = RaffleEntryFactory(raffle=open_raffle)
    proposal = ProposalFactory()
    Talk.objects.filter(slug="self-supervised-deep-learning").update(
        video_url="https://www.youtube.com/watch?v=GSMh5fw2Mjo"
    )
    organizer = SuperUserFactory(username="csp-organizer")
    # A draft announcement: its page shows the mail's own HTML in a frame, with a policy of its own.
    mailing = Mailing(kind=Mailing.Kind.ANNOUNCEMENT, edition=edition, subject="The next meetup")
    mailings.compose(mailing, live_server.url + "/")
    mailing.save()
    return {
        "edition": edition,
        "open_raffle": open_raffle,
        "confirm_path": f"/raffles/{open_raffle.slug}/confirm/{confirmation_token(entry)}/",
        "proposal_path": f"/contribute/{proposal_token(proposal)}/",
        "organizer": organizer,
    }


class ViolationWatch:
    """Collects CSP violations from the page's event and from Chromium's console."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def visit(self, url):
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        return response

    def violations(self):
        try:
            events = self.page.evaluate("window.__cspViolations || []")
        except Exception:  # noqa: BLE001 - a page in the middle of navigating has no window to ask
            events = []
        return [*events, *self.console]

    def check(self, label, seen):
        found = self.violations()
        if found:
            seen[label] = found
        self.console.clear()


def test_no_page_breaks_the_content_security_policy(browser, live_server, site, offsite_requests):
    context = offsite_requests(browser.new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    watch = ViolationWatch(page)
    seen = {}
    base = live_server.url
    edition = site["edition"]

    response = watch.visit(base + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # The watch itself works: an injected inline script is refused and reported.
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
                             document.body.append(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.injected") is None
    assert any("script-src" in violation for violation in watch.violations())
    watch.console.clear()
    watch.visit(base + "/")
    watch.check("/", seen)

    public_paths = [
        "/meetups/",
        "/meetups/?q=NeurIPS&year=2020",
        f"/meetups/{edition.code}/",
        "/meetups/32/",
        "/talks/",
        "/talks/?q=learning",
        "/speakers/",
        "/sponsors/",
        "/jobs/",
        f"/raffles/{site['open_raffle'].slug}/",
        "/raffles/drawn-raffle/",
        "/raffles/drawn-raffle/result/",
        site["confirm_path"],
        site["proposal_path"],
        "/privacy/",
        "/no-such-page/",
        f"/meetups/{DEMO_EDITION_CODE}/",
        f"/meetups/{DEMO_EDITION_CODE}/rsvp/",
        Rsvp.objects.filter(edition__code=DEMO_EDITION_CODE).first().get_absolute_url(),
        f"/guests/{door.new_guest_list_link(RsvpSettings.objects.get(edition__code=DEMO_EDITION_CODE))}/",
        f"/meetups/{edition.code}/deck/",
        "/meetups/32/deck/",
    ]
    # Every talk, speaker and job page of the demo, found the way a visitor finds them.
    for listing, pattern in [
        ("/talks/", r"^/talks/[\w-]+/$"),
        ("/speakers/", r"^/speakers/[\w-]+/$"),
        ("/jobs/", r"^/jobs/[\w-]+/$"),
    ]:
        watch.visit(base + listing)
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(link => link.getAttribute('href'))")
        public_paths += sorted({href for href in hrefs if re.match(pattern, href)})[:12]
    watch.check("listings", seen)
    for path in public_paths:
        watch.visit(base + path)
        watch.check(path, seen)

    # The things a visitor does: play a video, preview a proposal, enter a raffle.
    watch.visit(base + "/talks/self-supervised-deep-learning/")
    page.get_by_role("button", name="Play the video here").click()
    expect(page.locator("iframe")).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/"))
    page.wait_for_timeout(300)
    watch.check("video", seen)

    watch.visit(base + "/contribute/")
    with page.expect_response(lambda answer: answer.url.endswith("/contribute/preview/")):
        page.get_by_role("textbox", name="Abstract").fill("A **bold** idea <script>alert(1)</script>")
    expect(page.locator("#abstract-preview-body strong")).to_have_text("bold")
    watch.check("contribute live preview", seen)

    watch.visit(base + f"/raffles/{site['open_raffle'].slug}/")
    page.get_by_role("textbox", name="Email address").fill("csp@example.org")
    page.get_by_role("textbox", name="Your answer").fill("Chollet")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Enter the raffle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for entering!")
    watch.check("raffle entry", seen)

    # The admin, logged into through its form, then every list, add and change page.
    watch.visit(base + "/admin/login/")
    page.get_by_label("Username").fill("csp-organizer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()
    watch.check("/admin/login/", seen)
    watch.visit(base + f"/meetups/{DEMO_EDITION_CODE}/door/")
    watch.check("door", seen)
    admin_pages = 0
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
        paths = [prefix, prefix + "add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(f"{prefix}{first.pk}/change/")
        for path in paths:
            watch.visit(base + path)
            watch.check(path, seen)
            admin_pages += 1
    assert admin_pages > 50

    assert seen == {}, "\n".join(f"{path}: {found}" for path, found in seen.items())
    context.close()
