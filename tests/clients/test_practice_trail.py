"""Role changes and changes to the practice's own settings are in the audit trail, and in the
History of the practice defaults, whether made in the app or in the Django admin.

The outside review: making someone a practice admin (or a provider again), and changing the
practice's name, time zone, contact email or booking rules, left no trace.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.models import Membership, Organization
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action

PRACTICE_FORM = {
    "name": "Harbor Wellness",
    "contact_email": "",
    "time_zone": "America/New_York",
    "currency": "USD",
    "cancellation_cutoff_hours": 24,
    "booking_window_days": 28,
    "max_upcoming_bookings": 3,
    "adult_age": 18,
}


def _trail(*actions):
    entries = AuditEntry.objects.filter(action__in=actions).order_by("pk")
    return [(e.action, e.level, e.old_value, e.new_value) for e in entries]


def _history(http) -> str:
    return http.get(reverse("portal_settings:organization")).content.decode()


@pytest.fixture
def staff_practice_admin(organization):
    user = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=user, role=Membership.Role.ADMIN)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="clients"))
    return user


def _who(user) -> str:
    return f"{user.get_full_name()} <{user.email}>"


def test_a_role_change_in_the_admin_is_in_the_practice_history(
    staff_practice_admin, provider, admin_http
):
    http = signed_in(staff_practice_admin)
    url = reverse("admin:clients_membership_change", args=[provider.membership.pk])
    assert http.post(url, {"role": "admin"}).status_code == 302
    assert http.post(url, {"role": "admin"}).status_code == 302  # no change: nothing recorded
    assert http.post(url, {"role": "provider"}).status_code == 302
    assert _trail(Action.ROLE_CHANGED) == [
        (
            Action.ROLE_CHANGED,
            "organization",
            f"{_who(provider)}: Provider",
            f"{_who(provider)}: Practice admin",
        ),
        (
            Action.ROLE_CHANGED,
            "organization",
            f"{_who(provider)}: Practice admin",
            f"{_who(provider)}: Provider",
        ),
    ]
    assert AuditEntry.objects.filter(actor=staff_practice_admin).count() == 2
    assert "<strong>Role changed</strong>" in _history(admin_http)


def test_a_provider_added_in_the_admin_is_in_the_practice_history(organization):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    url = reverse("admin:clients_membership_add")
    data = {"user": person.pk, "organization": organization.pk, "role": "admin"}
    assert signed_in(superuser).post(url, data).status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.organization, membership.role) == (organization, "admin")
    assert _trail(Action.ROLE_CHANGED) == [
        (Action.ROLE_CHANGED, "organization", "", f"{_who(person)}: Practice admin")
    ]


def test_a_membership_keeps_its_person_and_practice_even_for_a_superuser(
    provider, other_organization
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:clients_membership_change", args=[provider.membership.pk])
    data = {"user": UserFactory().pk, "organization": other_organization.pk, "role": "provider"}
    signed_in(superuser).post(url, data)
    provider.membership.refresh_from_db()
    assert provider.membership.user_id == provider.pk
    assert provider.membership.organization_id != other_organization.pk


def test_practice_settings_changed_in_the_app_are_in_the_practice_history(
    admin_http, organization, practice_admin
):
    data = {
        **PRACTICE_FORM,
        "name": "Harbor Wellness & Yoga",
        "contact_email": "desk@harbor.test",
        "time_zone": "Europe/Paris",
        "cancellation_cutoff_hours": 12,
        "booking_window_days": 60,
        "max_upcoming_bookings": 5,
    }
    assert admin_http.post(reverse("provider:practice"), data).status_code == 302
    assert _trail(*Action.values) == [
        (Action.PRACTICE_RENAMED, "organization", "Harbor Wellness", "Harbor Wellness & Yoga"),
        (
            Action.CONTACT_EMAIL_CHANGED,
            "organization",
            organization.contact_email,
            "desk@harbor.test",
        ),
        (Action.TIME_ZONE_CHANGED, "organization", "America/New_York", "Europe/Paris"),
        (Action.CANCELLATION_CUTOFF_CHANGED, "organization", "24 hours", "12 hours"),
        (Action.BOOKING_WINDOW_CHANGED, "organization", "28 days", "60 days"),
        (Action.UPCOMING_BOOKINGS_CHANGED, "organization", "3", "5"),
    ]
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {practice_admin.pk}
    history = _history(admin_http)
    assert "<strong>Practice time zone changed</strong>: America/New_York → Europe/Paris" in history
    # Saving the page again as it is records nothing more.
    assert admin_http.post(reverse("provider:practice"), data).status_code == 302
    assert AuditEntry.objects.count() == 6


def test_practice_settings_changed_in_the_admin_are_in_the_practice_history(
    staff_practice_admin, organization
):
    http = signed_in(staff_practice_admin)
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    main = http.get(url).context["adminform"].form
    data = {name: main[name].value() for name in main.fields if main[name].value() is not None}
    data.pop("email_clients_on_portal_changes", None)
    data.update(
        {
            "name": "Harbor Yoga",
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "booking_window_days": "60",
            "portal_settings-TOTAL_FORMS": "0",
            "portal_settings-INITIAL_FORMS": "0",
            "portal_settings-MIN_NUM_FORMS": "0",
            "portal_settings-MAX_NUM_FORMS": "1",
        }
    )
    assert http.post(url, data).status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.time_zone, organization.currency) == (
        "Harbor Yoga",
        "Europe/Paris",
        "EUR",
    )
    assert organization.booking_window_days == 60
    assert _trail(*Action.values) == [
        (Action.PRACTICE_RENAMED, "organization", "Harbor Wellness", "Harbor Yoga"),
        (Action.TIME_ZONE_CHANGED, "organization", "America/New_York", "Europe/Paris"),
        (Action.CURRENCY_CHANGED, "organization", "USD", "EUR"),
        (Action.BOOKING_WINDOW_CHANGED, "organization", "28 days", "60 days"),
    ]


def test_a_refused_practice_change_changes_and_records_nothing(organization, practice_admin):
    with pytest.raises(ValidationError):
        services.practice_settings_update(
            actor=practice_admin,
            organization=organization,
            changes={"name": "Renamed", "time_zone": "Mars/Olympus"},
        )
    assert Organization.objects.get(pk=organization.pk).name == "Harbor Wellness"
    assert not AuditEntry.objects.exists()
