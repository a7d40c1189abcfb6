"""A section set to View only: the client sees its data with its actions absent, and an action
crafted by hand is refused, logged, and changes nothing."""

import io
import uuid

import pytest
from django.urls import reverse

from clients.models import AccessRefusal
from portal.appointments.models import Appointment
from portal.billing.models import Invoice, Payment
from portal.documents.models import Document
from portal.goals.models import Goal
from portal.intake.models import FormAssignment
from portal.journal.models import JournalEntry
from portal.packages.models import PackagePurchase
from portal.programs.models import ModuleCompletion
from portal_settings.models import PortalSettings
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from tests.factories import MembershipFactory
from tests.helpers import signed_in
from tests.world import PDF, make_world

pytestmark = pytest.mark.django_db

CARD = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


@pytest.fixture
def world(organization):
    return make_world(organization)


def view_only(world, *keys):
    PortalSettings.objects.update_or_create(
        client=world["client"], defaults={"values": dict.fromkeys(keys, "view")}
    )
    return signed_in(world["client"].user)


def notice_in(body, tab):
    return f"has made {tab} view-only in your portal" in body


def last_refusal():
    return AccessRefusal.objects.first()


def test_view_only_billing_shows_invoices_without_pay_and_refuses_a_crafted_payment(world):
    http = view_only(world, "billing")
    invoice = world["invoice"]
    index = http.get(reverse("portal:billing")).content.decode()
    assert invoice.label in index
    assert notice_in(index, "Billing")
    # whom to contact: the practice, with its address
    assert world["client"].organization.contact_label in index
    page = http.get(invoice.get_portal_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert invoice.label in body
    assert 'name="number"' not in body and '<form method="post" novalidate>' not in body
    assert "Pay " not in body.split("<main", 1)[1]
    assert notice_in(body, "Billing")
    # The receipt of what was paid before is still theirs to see.
    assert (
        http.get(reverse("portal:billing-receipt", args=[world["payment"].pk])).status_code == 200
    )
    payments = Payment.objects.count()

    crafted = http.post(invoice.get_portal_url(), CARD)

    assert crafted.status_code == 403
    assert "Billing is view-only in your portal" in crafted.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert Payment.objects.count() == payments  # nothing charged, not even a declined try
    refusal = last_refusal()
    assert (refusal.reason, refusal.detail, refusal.method) == ("view_only", "billing", "POST")
    assert refusal.path == invoice.get_portal_url()


def test_the_home_card_of_a_view_only_section_offers_no_action(world):
    http = view_only(world, "billing", "appointments")
    Appointment.objects.all().delete()
    body = http.get(reverse("portal:home")).content.decode()
    assert f"See {world['invoice'].label}" in body
    assert f"Pay {world['invoice'].label}" not in body
    assert reverse("portal:appointments-book") not in body


def test_view_only_appointments_show_upcoming_but_cannot_book_or_cancel(world, organization):
    http = view_only(world, "appointments")
    appointment = world["appointment"]
    body = http.get(reverse("portal:appointments")).content.decode()
    assert appointment.appointment_type.name in body
    assert notice_in(body, "Appointments")
    assert reverse("portal:appointments-book") not in body
    assert reverse("portal:appointments-cancel", args=[appointment.pk]) not in body
    count = Appointment.objects.count()

    assert http.get(reverse("portal:appointments-book")).status_code == 403
    booking = http.post(
        reverse("portal:appointments-book") + f"?type={appointment.appointment_type_id}",
        {
            "type": appointment.appointment_type_id,
            "slot": f"{appointment.provider_id}|{appointment.starts_at.isoformat()}",
            "confirm": "yes",
        },
    )
    cancelling = http.post(reverse("portal:appointments-cancel", args=[appointment.pk]))

    assert (booking.status_code, cancelling.status_code) == (403, 403)
    assert Appointment.objects.count() == count
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert list(AccessRefusal.objects.values_list("reason", flat=True)) == ["view_only"] * 3


def test_view_only_documents_download_but_cannot_upload(world):
    http = view_only(world, "documents")
    document = world["document"]
    body = http.get(reverse("portal:documents")).content.decode()
    assert document.original_name in body
    assert 'enctype="multipart/form-data"' not in body
    assert notice_in(body, "Documents")
    download = http.get(reverse("portal:documents-download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    count = Document.objects.count()
    file = io.BytesIO(PDF)
    file.name = "mine.pdf"

    response = http.post(reverse("portal:documents"), {"file": file})

    assert response.status_code == 403
    assert Document.objects.count() == count


def test_view_only_goals_journal_forms_programs_and_packages_offer_no_action(world):
    http = view_only(world, "goals", "journal", "forms", "programs", "packages")
    goals = http.get(reverse("portal:goals")).content.decode()
    assert "Walk daily" in goals
    assert "Add goal" not in goals and "Mark complete" not in goals
    journal = http.get(reverse("portal:journal")).content.decode()
    assert "Good day" in journal and "Save entry" not in journal
    fill = http.get(reverse("portal:forms-fill", args=[world["assignment"].pk])).content.decode()
    assert "Allergies?" in fill
    assert "<fieldset disabled>" in fill
    assert "Submit</button>" not in fill and "Save and finish later" not in fill
    assert "hx-post" not in fill
    module = http.get(
        reverse("portal:programs-module", args=[world["enrollment"].pk, world["module"].pk])
    ).content.decode()
    assert "Go to bed." in module and "Mark complete" not in module
    packages = http.get(reverse("portal:packages")).content.decode()
    assert "Three sessions" in packages
    assert reverse("portal:packages-buy", args=[world["package"].pk]) not in packages

    crafted = [
        http.post(reverse("portal:goals"), {"title": "Run"}),
        http.post(reverse("portal:goals-complete", args=[world["goal"].pk]), {"complete": "1"}),
        http.post(reverse("portal:journal"), {"category": "mood", "text": "x"}),
        http.post(
            reverse("portal:forms-fill", args=[world["assignment"].pk]),
            {"action": "submit"},
            headers={"HX-Request": "true"},
        ),
        http.post(
            reverse("portal:programs-module", args=[world["enrollment"].pk, world["module"].pk])
        ),
        http.post(
            reverse("portal:packages-buy", args=[world["package"].pk]),
            {**CARD, "token": str(uuid.uuid4())},
        ),
    ]
    assert [r.status_code for r in crafted] == [403, 403, 403, 200, 403, 403]
    assert crafted[3]["HX-Redirect"] == reverse("portal:forms")  # htmx: back to the section
    assert Goal.objects.count() == 1 and Goal.objects.get().completed_at is None
    assert JournalEntry.objects.count() == 1
    assert FormAssignment.objects.get().status == FormAssignment.Status.ASSIGNED
    assert not ModuleCompletion.objects.exists()
    assert PackagePurchase.objects.count() == 1


def test_setting_it_back_to_full_brings_the_actions_back_on_the_next_request(world, organization):
    http = view_only(world, "billing")
    invoice_url = world["invoice"].get_portal_url()
    assert 'name="number"' not in http.get(invoice_url).content.decode()
    provider = MembershipFactory(organization=organization).user
    target = Target.of(world["client"]).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"billing": "full"},
        shown_version=target.version_token(),
    )
    body = http.get(invoice_url).content.decode()
    assert 'name="number"' in body
    assert "view-only" not in body


def test_a_view_only_section_page_costs_what_a_full_one_does(world, django_assert_num_queries):
    http = signed_in(world["client"].user)
    http.get(reverse("portal:goals"))  # warm the session
    with django_assert_num_queries(4):  # session, user, client with settings, the goals
        assert http.get(reverse("portal:goals")).status_code == 200
    view_only(world, "goals")
    with django_assert_num_queries(4):
        body = http.get(reverse("portal:goals")).content.decode()
    assert notice_in(body, "Goals")


def test_the_providers_section_tab_says_when_it_is_view_only(world, organization):
    PortalSettings.objects.create(client=world["client"], values={"billing": "view"})
    http = signed_in(world["provider"])
    billing = http.get(reverse("provider:client-billing", args=[world["client"].pk]))
    body = billing.content.decode()
    assert "is view-only in" in body and "View and pay bills" in body
    assert "Set for this client: View only" in body
    goals = http.get(reverse("provider:client-goals", args=[world["client"].pk])).content.decode()
    assert "view-only" not in goals and "is not part of" not in goals
