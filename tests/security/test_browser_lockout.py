import os

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import PASSWORD, ClientFactory, OrganizationFactory, PracticeAdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_clients_typos_pause_their_account_and_the_admin_at_the_same_address_unlocks_it(
    new_page,
):
    organization = OrganizationFactory(name="Harbor Wellness")
    admin = PracticeAdminFactory(organization=organization).user
    client = ClientFactory(organization=organization)

    phone = new_page(width=390, height=844)
    for _ in range(5):
        sign_in(phone, client.user.email, "wrong-password")
    expect(phone.get_by_role("heading", name="Sign-in is paused")).to_be_visible()
    expect(phone.get_by_text("paused for 15 minutes.")).to_be_visible()
    shot(phone, "sec1-locked-390")

    office = new_page()  # same address
    sign_in(office, admin.email, PASSWORD)
    office.goto("/reports/lockouts/")
    row = office.get_by_role("row").filter(has_text=client.user.email)
    expect(row).to_contain_text("Locked")
    shot(office, "sec1-lockouts-1280")
    row.get_by_role("button", name="Unlock").click()
    expect(office.get_by_text(f"{client.user.email} can sign in again.")).to_be_visible()

    sign_in(phone, client.user.email, PASSWORD)
    assert "/portal/" in phone.url
