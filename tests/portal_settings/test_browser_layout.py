"""Looks in a real browser: the settings page's sections read as one page's sections."""

import pytest

from tests.browser import log_in
from tests.factories import ClientFactory, OrganizationFactory, PracticeAdminFactory
from tests.portal_settings.test_presets import MINOR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_history_and_apply_a_preset_headings_look_alike_and_stand_apart(new_page):
    from portal_settings.services import preset_save

    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    preset_save(actor=admin, organization=organization, name="Minor", values=MINOR)
    client = ClientFactory(organization=organization)
    page = new_page()
    log_in(page, admin)
    page.goto(f"/clients/{client.pk}/settings/portal/")
    sizes = [
        page.locator(f"#{heading}").evaluate("h => getComputedStyle(h).fontSize")
        for heading in ("history-title", "apply-preset-title")
    ]
    # Two h2 of the same page: not one at 20 px and the next at 28 px.
    assert sizes[0] == sizes[1]
    gap = page.evaluate(
        "() => document.querySelector('.apply-preset').getBoundingClientRect().top"
        " - document.querySelector('#settings-history').getBoundingClientRect().bottom"
    )
    assert gap >= 24  # the block below the History is not glued to its last line


def test_the_focused_reason_fieldset_s_outline_does_not_touch_its_words(new_page):
    from portal_settings.models import PortalSettings
    from tests.factories import ClientGroupFactory

    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    quiet = ClientGroupFactory(organization=organization, name="Quiet")
    PortalSettings.objects.create(group=quiet, values={"journal": "off"})
    client = ClientFactory(organization=organization)
    page = new_page(width=390, height=844)
    log_in(page, admin)
    page.goto(f"/clients/{client.pk}/edit/")
    page.get_by_label("Group").select_option(label="Quiet")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    fieldset = page.locator("fieldset.hiding-reason")
    # The refusal puts focus on the fieldset; its ring is drawn clear of the legend and fields,
    # not on the words' left edge.
    assert fieldset.evaluate("f => f === document.activeElement")
    assert fieldset.evaluate("f => parseFloat(getComputedStyle(f).outlineOffset)") >= 4


def test_the_breadcrumb_wraps_on_a_phone_instead_of_running_off_the_screen(new_page):
    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    client = ClientFactory(
        organization=organization,
        user__first_name="Maximiliana",
        user__last_name="Featherstonehaugh-Wolfeschlegel",
    )
    page = new_page(width=390, height=844)
    log_in(page, admin)
    page.goto(f"/clients/{client.pk}/settings/portal/")
    breadcrumb = page.get_by_role("navigation", name="breadcrumb")
    items = breadcrumb.locator("li").all()
    assert [item.inner_text().strip() for item in items] == [
        "Clients",
        "Maximiliana Featherstonehaugh-Wolfeschlegel",
        "Client Portal Settings",
    ]
    for item in items:
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, item.inner_text()
    # The separators too: none is drawn past the screen's edge.
    ends = breadcrumb.locator("li").evaluate_all(
        "items => items.map(li => li.getBoundingClientRect().right"
        " + (getComputedStyle(li, '::after').position === 'absolute'"
        " ? parseFloat(getComputedStyle(li, '::after').width) : 0))"
    )
    assert max(ends) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each crumb reads on one line where it fits: "Client Portal Settings" is not cut in two.
    current = items[-1].bounding_box()
    assert current["height"] < 40


@pytest.mark.parametrize("width", [1280, 390])
def test_the_practice_defaults_sections_are_headed_alike_under_the_page_s_heading(new_page, width):
    from portal_settings.services import preset_save

    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    preset_save(actor=admin, organization=organization, name="Minor", values=MINOR)
    page = new_page(width=width, height=900)
    log_in(page, admin)
    page.goto("/settings/portal/")

    def size(selector):
        return page.locator(selector).evaluate("h => parseFloat(getComputedStyle(h).fontSize)")

    h2s = {size(f"#{heading}") for heading in ("history-title", "apply-preset-title")}
    assert size("#client-emails-title") in h2s and len(h2s) == 1  # the page's h2 alike
    assert size("h1") > size("#client-emails-title")
    gap = page.evaluate(
        "() => document.querySelector('.client-emails').getBoundingClientRect().top"
        " - document.querySelector('.apply-preset').getBoundingClientRect().bottom"
    )
    assert gap >= 24  # stands apart from the preset's block above it


def test_a_refusal_stands_clear_of_the_settings_below_it(new_page):
    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    page = new_page()
    log_in(page, admin)
    page.goto(f"/clients/{client.pk}/settings/portal/")
    page.locator("#dated-billing-level").evaluate("s => s.closest('details').open = true")
    page.locator("#dated-billing-level").select_option("off")
    page.locator("#dated-billing-until").fill("2019-01-01T09:00")
    page.get_by_role("button", name="SAVE").click()
    banner = page.get_by_role("alert")
    banner.wait_for()
    gap = page.evaluate(
        "() => document.querySelector('.setting-rows').getBoundingClientRect().top"
        " - document.querySelector('#settings-error').getBoundingClientRect().bottom"
    )
    assert gap >= 12  # not glued to the first row's border
    # Its words sit in the middle of the band, not high in it.
    inner = banner.locator("p").bounding_box()
    outer = banner.bounding_box()
    above, below = (
        inner["y"] - outer["y"],
        outer["y"] + outer["height"] - inner["y"] - inner["height"],
    )
    assert abs(above - below) <= 2


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_s_buttons_are_sized_alike(new_page, width):
    from portal_settings.services import preset_save

    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    preset_save(actor=admin, organization=organization, name="Minor", values=MINOR)
    page = new_page(width=width, height=900)
    log_in(page, admin)
    page.goto("/settings/portal/")
    save = page.get_by_role("button", name="SAVE").bounding_box()
    for name in ("Apply preset", "Email clients about changes"):
        button = page.get_by_role("button", name=name).bounding_box()
        # Sized to their words as SAVE is, not a band across the page.
        assert button["width"] < width / 2 if width > 600 else button["width"] < 340, name
        assert abs(button["x"] - save["x"]) <= 1, name  # and lined up with it
