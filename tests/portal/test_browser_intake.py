"""Filling in an intake form: required questions are marked, and autosave says when it fails."""

import pytest
from playwright.sync_api import expect

from portal.intake.services import form_assign, intake_form_create, question_add
from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_required_questions_are_marked_and_a_refused_autosave_says_so(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    form = intake_form_create(actor=provider, organization=organization, title="Health history")
    question_add(form=form, label="Preferred name", kind="short_text", required=True)
    question_add(form=form, label="Anything else", kind="long_text", required=False)
    question_add(form=form, label="Taking medication?", kind="yes_no", required=True)
    assignment = form_assign(actor=provider, client=client, form=form)

    page = new_page()
    log_in(page, client.user)
    page.goto(f"/portal/forms/{assignment.pk}/")
    name = page.get_by_role("textbox", name="Preferred name")
    expect(name).to_have_attribute("required", "")
    expect(page.locator("label", has=page.get_by_text("Preferred name"))).to_contain_text(
        "(required)"
    )
    expect(page.get_by_role("textbox", name="Anything else")).not_to_have_attribute("required", "")
    expect(page.get_by_text("Anything else (required)")).to_have_count(0)
    expect(page.get_by_role("radio", name="Yes")).to_have_attribute("required", "")
    expect(page.get_by_text("Taking medication? (required)")).to_be_visible()
    assert_accessible_at_both_widths(page, screenshot="intake-fill")

    # An answer the server refuses (longer than allowed, past the input's own limit): the
    # autosave's 400 is shown where its confirmation would be.
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("x" * 501)
    expect(page.get_by_role("status")).to_contain_text("Not saved yet")
    name.fill("Sammy")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
