"""Values copied into the audit trail from what people typed fit its columns.

The outside review: a provider whose name is long (first and last name may have 150 characters
each) got a 500 on PostgreSQL for every change they made, because the entry's actor label
("<name> <<email>>") overflowed its 300 characters; unlocking an account whose address is longer
than 200 characters did the same to the entry's new value. SQLite does not enforce lengths, so
each test also checks the stored length against the column's.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients import services
from clients.models import FamilyLink
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from tests.factories import ClientFactory, FamilyLinkFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _column(name: str) -> int:
    return AuditEntry._meta.get_field(name).max_length


def _long_email(length: int = 254) -> str:
    """A valid address of `length` characters (labels of the domain at most 63)."""
    local = "l" * 64
    domain_length = length - len(local) - 1
    labels, left = [], domain_length - len(".test")
    while left > 0:
        label = min(63, left)
        if left - label == 1:  # a last label of 0 characters: leave room for its dot
            label -= 2
        labels.append("d" * label)
        left -= label + 1
    email = f"{local}@{'.'.join(labels)}.test"
    assert len(email) == length, len(email)
    return email


@pytest.fixture
def long_named_provider(organization):
    user = UserFactory(first_name="F" * 150, last_name="L" * 150, email=_long_email())
    MembershipFactory(organization=organization, user=user)
    return user


def test_a_long_named_providers_change_is_recorded_with_their_label_cut_to_fit(
    long_named_provider, client_record
):
    target = Target.of(client_record).reload()
    portal_settings_update(
        actor=long_named_provider,
        target=target,
        changes={"billing": "off"},
        shown_version=target.version_token(),
    )
    entry = AuditEntry.objects.get()
    assert len(entry.actor_label) == _column("actor_label")
    # Who it was stays readable: the start of their name and their whole address.
    assert entry.actor_label.startswith("F" * 20)
    assert entry.actor_label.endswith(f"<{long_named_provider.email}>")


def test_a_long_named_providers_bulk_change_is_recorded_too(long_named_provider, client_record):
    services.clients_bulk_update(
        actor=long_named_provider,
        organization=client_record.organization,
        client_ids=[client_record.pk],
        action=services.BulkAction.LOGIN_OFF,
    )
    entry = AuditEntry.objects.get()
    assert len(entry.actor_label) == _column("actor_label")


def test_unlocking_an_account_with_a_long_address_is_recorded_cut_to_fit(admin_http, organization):
    client_record = ClientFactory(organization=organization, user=UserFactory(email=_long_email()))
    response = admin_http.post(reverse("clients:unlock"), {"email": client_record.user.email})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_UNLOCKED)
    assert len(entry.new_value) == _column("new_value")
    assert entry.new_value.startswith("l" * 64 + "@")


def test_reviewing_a_long_named_family_members_handover_is_recorded_cut_to_fit(
    provider, client_record
):
    link = FamilyLinkFactory(
        client=client_record,
        user=UserFactory(first_name="F" * 150, last_name="L" * 150),
        status=FamilyLink.Status.SUSPENDED,
        suspended_because=FamilyLink.SuspendedBecause.ADULT,
        status_changed_at=timezone.now(),
    )
    services.family_link_review(actor=provider, link=link)
    entry = AuditEntry.objects.get()
    assert len(entry.old_value) == _column("old_value")
    assert len(entry.new_value) == _column("new_value")


def test_a_long_group_description_is_recorded_cut_to_fit(practice_admin, group):
    services.group_update(actor=practice_admin, group=group, name="Teens", description="D" * 300)
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.GROUP_DESCRIBED
    assert len(entry.new_value) == _column("new_value")
    group.refresh_from_db()
    assert group.description == "D" * 300  # the group keeps all of it
