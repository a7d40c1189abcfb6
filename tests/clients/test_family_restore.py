"""Restoring an archived client gives back the family access that archiving suspended, and
only that: a link a provider had paused or removed before stays as the provider left it."""

import pytest
from django.urls import reverse

from clients import services
from clients.models import FamilyLink
from tests.factories import ClientFactory, FamilyLinkFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

Status = FamilyLink.Status


@pytest.fixture
def links(client_record, provider):
    active = FamilyLinkFactory(client=client_record)
    paused = FamilyLinkFactory(client=client_record)
    removed = FamilyLinkFactory(client=client_record)
    services.family_link_change(actor=provider, link=paused, action="pause")
    services.family_link_change(actor=provider, link=removed, action="remove")
    return {"active": active, "paused": paused, "removed": removed}


def statuses(links):
    return {name: FamilyLink.objects.get(pk=link.pk).status for name, link in links.items()}


def test_restore_resumes_what_the_archive_suspended_and_nothing_else(
    client_record, provider, links
):
    services.client_archive(actor=provider, client=client_record)
    assert statuses(links) == {
        "active": Status.SUSPENDED,
        "paused": Status.SUSPENDED,
        "removed": Status.REMOVED,
    }
    services.client_restore(actor=provider, client=client_record)
    assert statuses(links) == {
        "active": Status.ACTIVE,
        "paused": Status.PAUSED,
        "removed": Status.REMOVED,
    }
    restored = FamilyLink.objects.get(pk=links["active"].pk)
    assert (restored.suspended_because, restored.suspended_from) == ("", "")
    # The family member is back in the client's portal.
    http = signed_in(restored.user)
    http.get(reverse("accounts:family"))
    assert http.get(reverse("portal:home")).status_code == 200


def test_a_bulk_archive_is_restored_the_same_way(client_record, provider, organization, links):
    services.clients_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=[client_record.pk],
        action=services.BulkAction.ARCHIVE,
    )
    assert statuses(links)["active"] == Status.SUSPENDED
    services.client_restore(actor=provider, client=client_record)
    assert statuses(links) == {
        "active": Status.ACTIVE,
        "paused": Status.PAUSED,
        "removed": Status.REMOVED,
    }


def test_a_link_suspended_at_adulthood_before_the_archive_stays_suspended(organization, provider):
    adult = ClientFactory(organization=organization)
    link = FamilyLinkFactory(
        client=adult,
        status=Status.SUSPENDED,
        suspended_because=FamilyLink.SuspendedBecause.ADULT,
    )
    services.client_archive(actor=provider, client=adult)
    services.client_restore(actor=provider, client=adult)
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == (Status.SUSPENDED, "adult")


def test_the_restore_is_in_the_family_members_history(client_record, provider, links):
    from audit.models import AuditEntry

    services.client_archive(actor=provider, client=client_record)
    services.client_restore(actor=provider, client=client_record)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)[:2]
    assert {
        (entry.old_value.split(": ", 1)[1], entry.new_value.split(": ", 1)[1]) for entry in entries
    } == {("suspended: client archived", "active"), ("suspended: client archived", "paused")}
