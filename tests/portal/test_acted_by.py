"""Records made in the portal remember who acted: the client, or a family member for them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.appointments.models import Appointment
from portal.documents.models import Document
from portal.goals.models import Goal
from portal.intake.models import FormAssignment
from portal.journal.models import JournalEntry
from portal.packages.models import PackagePurchase
from portal.programs.models import ModuleCompletion
from tests.factories import weekly_hours
from tests.helpers import practice_today, signed_in
from tests.portal.test_appointments import book, tomorrow_at
from tests.world import PDF, make_world

pytestmark = pytest.mark.django_db

CARD = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


@pytest.fixture
def world(organization):
    return make_world(organization)


@pytest.fixture
def parent(world):
    link = world["family_link"]
    http = signed_in(link.user)
    http.get(reverse("accounts:family"))  # one client: straight into their portal
    return http, link.user


def test_a_parents_goal_form_program_package_and_booking_remember_the_parent(
    world, parent, organization
):
    http, who = parent
    goal = world["goal"]
    http.post(reverse("portal:goals-complete", args=[goal.pk]), {"complete": "1"})
    goal.refresh_from_db()
    assert goal.completed_at is not None and goal.acted_by == who

    assignment, question = world["assignment"], world["question"]
    url = reverse("portal:forms-fill", args=[assignment.pk])
    http.post(url, {f"q{question.pk}": "Peanuts", "action": "submit"})
    assignment.refresh_from_db()
    assert assignment.is_submitted and assignment.acted_by == who

    enrollment, module = world["enrollment"], world["module"]
    http.post(reverse("portal:programs-module", args=[enrollment.pk, module.pk]))
    assert ModuleCompletion.objects.get(enrollment=enrollment, module=module).acted_by == who

    package = world["package"]
    buy_url = reverse("portal:packages-buy", args=[package.pk])
    token = re.search(r'name="token" value="([^"]+)"', http.get(buy_url).content.decode())
    http.post(buy_url, {**CARD, "token": token.group(1)})
    purchase = PackagePurchase.objects.exclude(pk=world["purchase"].pk).get()
    assert purchase.acted_by == who
    assert purchase.invoice.payments.get().acted_by == who

    weekly_hours(organization=organization, provider=world["provider"])
    starts = tomorrow_at(10, organization)
    book(http, world["appointment_type"], world["provider"], starts)
    assert Appointment.objects.get(starts_at=starts).booked_by == who


def test_a_clients_own_journal_entry_and_upload_remember_the_client(world):
    client = world["client"]
    http = signed_in(client.user)
    http.post(
        reverse("portal:journal"),
        {
            "entry_date": practice_today(client.organization).isoformat(),
            "category": "mood",
            "text": "Calm",
        },
    )
    assert JournalEntry.objects.get(text="Calm").acted_by == client.user
    http.post(
        reverse("portal:documents"),
        {"file": SimpleUploadedFile("note.pdf", PDF), "description": "Mine"},
    )
    assert Document.objects.get(description="Mine").uploaded_by == client.user


def test_a_goal_the_parent_reopens_remembers_the_parent(world, parent):
    http, who = parent
    goal = world["goal"]
    Goal.objects.filter(pk=goal.pk).update(completed_at=timezone.now())
    http.post(reverse("portal:goals-complete", args=[goal.pk]), {"complete": "0"})
    goal.refresh_from_db()
    assert goal.completed_at is None and goal.acted_by == who
    assert FormAssignment.objects.filter(acted_by=who).count() == 0
