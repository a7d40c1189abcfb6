"""Staff manage a group's and the practice's Client Portal Settings in the Django admin."""

import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.sections import SECTIONS
from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientGroupFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(block, label):
    """The clients' column's select for a section (the family members' column's labels start
    with "Family members: "); the admin adds a colon to each label."""
    return block.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _settings_block(page):
    """The inline's one form (not the hidden template Django keeps for "Add another")."""
    return page.locator("#portal_settings-0")


def test_staff_see_and_save_the_nine_sections_of_a_group_and_the_practice(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    group = ClientGroupFactory(organization=organization, name="Teens")
    PortalSettings.objects.create(organization=organization, values={"goals": "off"})
    superuser = UserFactory(is_staff=True, is_superuser=True)
    page = new_page()
    log_in(page, superuser)

    page.goto(f"/admin/clients/clientgroup/{group.pk}/change/")
    block = _settings_block(page)
    for section in SECTIONS:
        expect(_field(block, section.label)).to_be_visible()
    billing = _field(block, "View and pay bills")
    expect(billing.locator("option:checked")).to_have_text("Inherited (Full, from practice)")
    expect(_field(block, "View and create goals").locator("option:checked")).to_have_text(
        "Inherited (Off, from practice)"
    )
    # The family members' column, under its own heading (journal and documents are Off for
    # family members unless the practice says otherwise).
    expect(block.get_by_role("heading", name="For their family members")).to_be_visible()
    family_journal = block.get_by_label("Family members: View and create journal entries")
    expect(family_journal.locator("option:checked")).to_have_text("Inherited (Off, from practice)")
    assert_accessible_at_both_widths(page, screenshot="admin-group")
    assert billing.locator("option").all_inner_texts() == [
        "Inherited (Full, from practice)",
        "Full",
        "View only",
        "Off",
    ]
    billing.select_option("view")
    block.get_by_label("Note").fill("Parents asked")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("View and pay bills: Full → View only: affects the")).to_be_visible()
    expect(_settings_block(page).get_by_text("Now: Set for this group: View only")).to_be_visible()
    entry = AuditEntry.objects.get()
    assert (entry.group, entry.section, entry.old_value, entry.new_value, entry.note) == (
        group,
        "billing",
        "default:Inherited from practice: Full",
        "view",
        "Parents asked",
    )
    assert PortalSettings.objects.get(group=group).values == {"billing": "view"}

    page.goto("/admin/clients/clientgroup/add/")
    block = _settings_block(page)
    for section in SECTIONS:
        expect(_field(block, section.label)).to_be_visible()
    page.locator("#id_name").fill("Adults")
    page.locator("#id_organization").select_option(label="Harbor Wellness")
    _field(block, "View and upload documents").select_option("off")
    block.locator("select[name$='-reason']").select_option("not_relevant")  # hides records
    page.get_by_role("button", name="Save", exact=True).click()
    adults = organization.client_groups.get(name="Adults")
    assert PortalSettings.objects.get(group=adults).values == {"documents": "off"}
    assert AuditEntry.objects.filter(group=adults, section="documents").count() == 1

    page.goto(f"/admin/clients/organization/{organization.pk}/change/")
    block = _settings_block(page)
    for section in SECTIONS:
        expect(_field(block, section.label)).to_be_visible()
    expect(_field(block, "View and create goals").locator("option:checked")).to_have_text("Off")
    expect(block.get_by_text("Now: Inherited from built-in default: Full").first).to_be_visible()
    assert_accessible_at_both_widths(page, screenshot="admin-practice")
