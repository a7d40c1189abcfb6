import pytest
from playwright.sync_api import expect

from portal.intake.services import intake_form_create, question_add
from tests.browser import sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_assigns_an_intake_form_the_client_completes_it_the_provider_reads_it(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    form = intake_form_create(actor=provider, organization=organization, title="Health history")
    question_add(form=form, label="Preferred name", kind="short_text", required=True)
    question_add(
        form=form,
        label="Main goal",
        kind="single_choice",
        required=True,
        choices=["Sleep", "Energy"],
    )
    question_add(form=form, label="Taking medication?", kind="yes_no", required=True)

    app = new_page()
    sign_in(app, provider.email, PASSWORD)
    app.goto(f"/clients/{client.pk}/")
    app.get_by_role("navigation", name="Client profile").get_by_role("link", name="Forms").click()
    app.get_by_role("combobox", name="Intake form").select_option(label="Health history")
    app.get_by_role("button", name="Assign").click()
    expect(app.get_by_text("“Health history” was assigned")).to_be_visible()

    portal = new_page(width=390, height=844)
    sign_in(portal, client.user.email, PASSWORD)
    open_menu(portal)
    portal.get_by_role("navigation", name="Client Portal sections").get_by_role(
        "link", name="Forms"
    ).click()
    portal.get_by_role("link", name="Health history").click()
    portal.get_by_label("Preferred name").fill("Sammy")
    expect(portal.get_by_text("Draft saved at")).to_be_visible()  # autosaved through htmx
    portal.get_by_role("button", name="Submit").click()
    expect(
        portal.get_by_text("Please answer this question to submit the form.").first
    ).to_be_visible()
    expect(portal.get_by_text("This field is required.")).to_have_count(0)
    expect(portal.get_by_label("Preferred name")).to_have_value("Sammy")
    portal.get_by_label("Energy").check()
    portal.get_by_label("No").check()
    portal.get_by_role("button", name="Submit").click()
    expect(portal.get_by_text("was sent to your provider")).to_be_visible()

    app.reload()
    app.get_by_role("link", name="Health history").click()
    expect(app.get_by_text("Submitted", exact=False).first).to_be_visible()
    answers = app.locator("dl.answers")
    expect(answers).to_contain_text("Sammy")
    expect(answers).to_contain_text("Energy")
    expect(answers).to_contain_text("No")
