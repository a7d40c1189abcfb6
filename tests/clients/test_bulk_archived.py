"""A crafted roster bulk POST naming archived clients changes nothing for them: the roster
never offers them, and the services refuse them too."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Client
from clients.services import BulkAction, clients_bulk_update
from portal_settings.models import PortalSettings
from portal_settings.services import (
    bulk_clients_with_settings,
    bulk_settings_fingerprint,
    portal_settings_bulk_update,
    preset_save,
)
from tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")
REFUSED = "restore them first"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def pair(organization):
    archived = ClientFactory(organization=organization, portal_login_allowed=False)
    archived.archived_at = timezone.now()
    archived.save()
    return ClientFactory(organization=organization), archived


def _posts(organization, practice_admin):
    group = ClientGroupFactory(organization=organization)
    preset = preset_save(
        actor=practice_admin, organization=organization, name="Minor", values={"billing": "off"}
    )
    return [
        {"action": BulkAction.MOVE, "to_group": str(group.pk)},
        {"action": BulkAction.LOGIN_ON},
        {"action": BulkAction.LOGIN_OFF},
        {"action": "preset", "preset": str(preset.pk)},
        {"action": "level", "section": "billing", "level": "off"},
    ]


def test_every_action_refuses_ticked_archived_clients(
    admin_http, practice_admin, organization, pair
):
    active, archived = pair
    for data in _posts(organization, practice_admin):
        data = {**data, "client": [active.pk, archived.pk]}
        for extra in ({}, {"confirm": "1", "fingerprint": "x"}):
            page = admin_http.post(URL, {**data, **extra})
            assert page.status_code == 400, (data, extra)
            assert "1 of the selected clients is archived" in text(page)
            assert REFUSED in text(page)
    archived.refresh_from_db()
    assert archived.group_id is None and not archived.portal_login_allowed
    assert not PortalSettings.objects.filter(client__in=[active, archived]).exists()
    assert not AuditEntry.objects.filter(client__in=[active, archived]).exists()


def test_archiving_an_archived_client_again_is_still_just_unchanged(provider, organization, pair):
    active, archived = pair
    result = clients_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=[active.pk, archived.pk],
        action=BulkAction.ARCHIVE,
    )
    assert (result.selected, result.changed) == (2, 1)


def test_the_services_refuse_archived_clients(provider, organization, pair):
    active, archived = pair
    group = ClientGroupFactory(organization=organization)
    with pytest.raises(Exception, match=REFUSED):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[active.pk, archived.pk],
            action=BulkAction.MOVE,
            group=group,
        )
    ids = [active.pk, archived.pk]
    shown = bulk_settings_fingerprint(
        bulk_clients_with_settings(organization=organization, client_ids=ids)
    )
    with pytest.raises(Exception, match=REFUSED):
        portal_settings_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=ids,
            changes={"billing": "off"},
            shown_fingerprint=shown,
        )
    assert not Client.objects.filter(group=group).exists()
    assert not PortalSettings.objects.filter(client__in=ids).exists()
