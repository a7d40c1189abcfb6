"""Shared set-up for the real-browser tests (Playwright driving Debian's Chromium)."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    contexts = []

    def make(width=1280, height=900):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def log_in(page, user):
    """Sign `user` in without the sign-in form (a session made on the server, as a cookie).

    Faster than `sign_in` (no password hashing, no throttle bookkeeping); use `sign_in` where
    the sign-in page itself is under test.
    """
    from django.conf import settings

    from tests.helpers import signed_in

    session = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "domain": "localhost",
                "path": "/",
            }
        ]
    )


SERIOUS = ("serious", "critical")


def assert_no_serious_axe_violations(page):
    """axe-core over the page as it stands: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    violations = [
        violation
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert not violations, "axe-core on {}:\n{}".format(
        page.url,
        "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        ),
    )


def assert_accessible_at_both_widths(page, screenshot=None):
    """axe-core at 1280 px and at 390 px (a phone); the viewport is left at 1280 px.

    With `screenshot` (a name) and UI_SCREENSHOTS set to a directory, saves <name>-<width>.png
    there, to look at.
    """
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_serious_axe_violations(page)
        if screenshot and os.environ.get("UI_SCREENSHOTS"):
            path = os.path.join(os.environ["UI_SCREENSHOTS"], f"{screenshot}-{width}.png")
            page.screenshot(path=path, full_page=True)
