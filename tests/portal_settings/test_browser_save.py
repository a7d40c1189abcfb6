"""SAVE in a real browser: confirmations and refusals are shown, focused and accessible."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _console_errors(page):
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and errors.append(f"{message.text} {message.location}")
        ),
    )
    return errors


def test_a_refused_save_shows_why_and_the_current_settings_with_focus_on_the_message(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    url = f"/clients/{client.pk}/settings/portal/"

    first, second = new_page(), new_page()
    first_errors, second_errors = _console_errors(first), _console_errors(second)
    log_in(first, provider)
    log_in(second, provider)
    first.goto(url)
    second.goto(url)
    assert_accessible_at_both_widths(second, screenshot="settings-client")

    # Browsers and their extensions (autofill, password managers) put inline styles on inputs;
    # htmx's settle step must not copy them back as a style attribute, which CSP refuses.
    first.evaluate("document.getElementById('settings-note').style.outline = '1px solid'")
    first.get_by_role("group", name="View and pay bills").get_by_role(
        "radio", name="Off", exact=True
    ).check()
    first.get_by_role("button", name="SAVE").click()
    confirmation = first.get_by_role("status").filter(has_text="Saved.")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_be_focused()

    second.get_by_role("group", name="View and create goals").get_by_role(
        "radio", name="View only"
    ).check()
    second.get_by_role("button", name="SAVE").click()
    refusal = second.get_by_role("alert")
    expect(refusal).to_contain_text("changed by someone else")
    expect(refusal).to_contain_text("nothing was saved")
    expect(refusal).to_be_focused()
    # The current state, not what was submitted: the other person's change, and not this one.
    expect(
        second.get_by_role("group", name="View and pay bills").get_by_role(
            "radio", name="Off", exact=True
        )
    ).to_be_checked()
    expect(
        second.get_by_role("group", name="View and create goals").get_by_role(
            "radio", name="Inherited (Full, from practice)"
        )
    ).to_be_checked()
    assert_accessible_at_both_widths(second, screenshot="settings-refused")

    # Saving again from the refreshed panel works.
    second.get_by_role("group", name="View and create goals").get_by_role(
        "radio", name="View only"
    ).check()
    second.get_by_role("button", name="SAVE").click()
    expect(second.get_by_role("status").filter(has_text="Saved.")).to_be_focused()
    assert not [e for e in first_errors + second_errors if "Content Security" in e]
