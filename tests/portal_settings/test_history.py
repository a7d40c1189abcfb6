"""The History panel is paged, and every time reads in the practice's time zone."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_entry
from tests.factories import UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc


def _entries(client_record, count, *, start):
    for n in range(count):
        entry = audit_entry(
            actor=None,
            organization=client_record.organization,
            action=AuditEntry.Action.SETTING_CHANGED,
            client=client_record,
            section="billing",
            old_value="default",
            new_value="off",
            note=f"change {n}",
        )
        entry.created_at = start + datetime.timedelta(minutes=n)
        entry.save()


@pytest.fixture
def new_york(organization):
    organization.time_zone = "America/New_York"
    organization.save()
    return organization


def test_history_is_paged_twenty_at_a_time(provider_http, client_record):
    _entries(client_record, 23, start=datetime.datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
    path = reverse("portal_settings:client", args=[client_record.pk])
    first = provider_http.get(path)
    assert len(first.context["history"].object_list) == 20
    body = first.content.decode()
    assert "“change 22”" in body and "“change 2”" not in body
    assert 'rel="next"' in body
    second = provider_http.get(path, {"history": 2}).content.decode()
    assert "“change 2”" in second and "“change 22”" not in second


def test_history_and_the_admin_show_times_in_the_practice_time_zone(
    provider_http, client_record, new_york
):
    _entries(client_record, 1, start=datetime.datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
    page = provider_http.get(reverse("portal_settings:client", args=[client_record.pk]))
    assert "Jan 15, 2026, 10:00 AM EST" in page.content.decode()

    superuser = UserFactory(is_staff=True, is_superuser=True)
    listing = signed_in(superuser).get(reverse("admin:audit_auditentry_changelist"))
    body = listing.content.decode()
    assert "Jan 15, 2026, 10:00 AM EST" in body
    # The same words as the History and the settings pages.
    assert "Set for this client: Off" in body


def test_the_history_says_what_was_inherited_at_the_time(provider, provider_http, client_record):
    """Fresh-eyes finding: History read "Inherited → Set for this client: Off"."""
    from portal_settings.services import portal_settings_update
    from portal_settings.targets import Target

    target = Target.of(client_record).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"billing": False},
        shown_version=target.version_token(),
    )
    page = provider_http.get(reverse("portal_settings:client", args=[client_record.pk]))
    assert "Inherited from practice: On → Set for this client: Off" in page.content.decode()
