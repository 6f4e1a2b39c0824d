"""Browser tests drive Debian's Chromium through Playwright (no browser download).

Without /usr/bin/chromium they are skipped on a developer's machine, but fail on
CI (CI=true), where .ci/run installs the browser: a green CI must mean they ran.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's guard against
# database access from async code would otherwise refuse the factories' queries.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (Debian package: chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; on CI the browser tests must run, not be skipped.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot():
    """screenshot(page, "01-home") saves a full-page PNG under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def offsite_requests(live_server):
    """Collects every request a page makes to another host (and blocks it): there must be none."""
    blocked = []
    origin = live_server.url.rstrip("/")

    def watch(context):
        def handle(route):
            url = route.request.url
            if url.startswith((origin + "/", "data:", "blob:")) or url == origin:
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        context.route("**/*", handle)
        return context

    watch.blocked = blocked
    return watch


@pytest.fixture
def open_page(browser):
    """open_page() is a new page in a context of its own (a phone of its own), closed after the test.

    A page left open keeps running its scripts (the deck reloads its QR code every 20 seconds)
    against the live server while later tests use the database.
    """
    contexts = []

    def open_one(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()
