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
        changes={"billing": "off"},
        shown_version=target.version_token(),
    )
    page = provider_http.get(reverse("portal_settings:client", args=[client_record.pk]))
    assert "Inherited from practice: Full → Set for this client: Off" in page.content.decode()


def test_rows_from_before_levels_read_as_levels(provider_http, client_record):
    """Rows written by the on/off code stored "on"/"off" (and "Inherited from ...: On"); the
    trail is append-only, so the History reads them in the new words."""
    for old, new in (("default:Inherited from practice: On", "off"), ("off", "on")):
        audit_entry(
            actor=None,
            organization=client_record.organization,
            action=AuditEntry.Action.SETTING_CHANGED,
            client=client_record,
            section="billing",
            old_value=old,
            new_value=new,
        ).save()
    body = provider_http.get(
        reverse("portal_settings:client", args=[client_record.pk])
    ).content.decode()
    assert (
        "View and pay bills</strong>: Inherited from practice: Full → Set for this client: Off"
        in body
    )
    assert (
        "View and pay bills</strong>: Set for this client: Off → Set for this client: Full" in body
    )
    assert ": On" not in body


def test_a_change_to_view_only_reads_in_levels(provider, provider_http, group, client_record):
    from portal_settings.services import portal_settings_update
    from portal_settings.targets import Target

    client_record.group = group
    client_record.save()
    target = Target.of(group).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"billing": "view"},
        shown_version=target.version_token(),
    )
    page = provider_http.get(reverse("portal_settings:group", args=[group.pk])).content.decode()
    assert "Inherited from practice: Full → Set for this group: View only" in page
