from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Client, ClientGroup, Membership, Organization, User
from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.billing.models import Invoice, Payment
from portal.care_plans.models import CarePlan
from portal.documents.models import Document
from portal.goals.models import Goal
from portal.intake.models import FormAssignment
from portal.journal.models import JournalEntry
from portal.packages.models import Package, PackagePurchase
from portal.programs.models import Enrollment, ModuleCompletion
from portal_settings.models import PortalSettings

SECTION_MODELS = (
    Document,
    FormAssignment,
    CarePlan,
    Enrollment,
    ModuleCompletion,
    Invoice,
    Payment,
    AppointmentType,
    Availability,
    Appointment,
    Package,
    PackagePurchase,
    Goal,
    JournalEntry,
)

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-pass-123"


def counts():
    people = (Organization, User, Membership, ClientGroup, Client, PortalSettings, AuditEntry)
    return [m.objects.count() for m in (*people, *SECTION_MODELS)]


def test_seed_demo_is_idempotent_and_complete(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    for email in ("admin@demo.test", "provider@demo.test", "client@demo.test", "staff@demo.test"):
        assert email in out
    organization = Organization.objects.get(name="Demo Wellness")
    assert Client.objects.filter(organization=organization).count() >= 12
    assert set(
        ClientGroup.objects.filter(organization=organization).values_list("name", flat=True)
    ) == {"Adults", "Teens"}
    assert Client.objects.get(user__email="client@demo.test").group.name == "Teens"
    assert Membership.objects.get(user__email="admin@demo.test").role == Membership.Role.ADMIN
    assert User.objects.get(email="staff@demo.test").is_superuser
    assert all(model.objects.exists() for model in SECTION_MODELS)


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("admin@demo.test", "/clients/"),
        ("provider@demo.test", "/clients/"),
        ("client@demo.test", "/portal/"),
        ("staff@demo.test", "/admin/"),
    ],
)
def test_each_demo_login_lands_where_it_should(client, email, lands_on):
    call_command("seed_demo")
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200


NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen"
NUMBER_WORDS += " fourteen fifteen sixteen seventeen eighteen nineteen twenty"


def test_readme_counts_the_clients_the_seed_creates(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    organization = Organization.objects.get(name="Demo Wellness")
    more = Client.objects.filter(organization=organization).count() - 1  # besides client@demo.test
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    word = NUMBER_WORDS.split()[more]
    assert f"{word.capitalize()} more clients are in" in readme
    assert f"Also {more} more clients" in out


def test_the_demo_parent_pays_caseys_bills_but_not_reads_her_journal():
    from datetime import date

    from django.utils import timezone

    from clients.models import FamilyLink
    from tests.helpers import signed_in

    call_command("seed_demo")
    casey = Client.objects.get(user__email="client@demo.test")
    assert casey.group.name == "Teens"
    assert casey.age_on(timezone.localdate()) == 15
    assert casey.date_of_birth < date.today()
    link = FamilyLink.objects.get(user__email="parent@demo.test")
    assert (link.client, link.relationship, link.status) == (casey, "parent", "active")
    parent = User.objects.get(email="parent@demo.test")
    assert parent.check_password(DEMO_PASSWORD)
    http = signed_in(parent)
    http.get(reverse("accounts:family"))
    assert (
        "Viewing Casey Client's portal as parent"
        in http.get(reverse("portal:home")).content.decode()
    )
    assert http.get(reverse("portal:billing")).status_code == 200
    assert http.get(reverse("portal:appointments-book")).status_code == 200
    assert http.get(reverse("portal:journal")).status_code == 403
    teen = signed_in(casey.user)
    assert teen.get(reverse("portal:billing")).status_code == 403
    assert teen.get(reverse("portal:packages")).status_code == 403


def test_the_demo_has_a_client_whose_bills_are_view_only(capsys):
    from tests.helpers import signed_in

    call_command("seed_demo")
    assert "ana.lopez@demo.test -> Client Portal, bills View only" in capsys.readouterr().out
    ana = Client.objects.get(user__email="ana.lopez@demo.test")
    assert PortalSettings.objects.get(client=ana).values == {"journal": "off", "billing": "view"}
    invoice = Invoice.objects.get(client=ana, status=Invoice.Status.OPEN)
    body = signed_in(ana.user).get(invoice.get_portal_url()).content.decode()
    assert invoice.label in body and 'name="number"' not in body
