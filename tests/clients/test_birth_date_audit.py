"""A client's date of birth decides when their parents' family access is handed over, so a
change to it is in the audit trail: who, when, old -> new."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def edit(http, client, date_of_birth):
    data = {
        "first_name": client.user.first_name,
        "last_name": client.user.last_name,
        "email": client.email,
        "date_of_birth": date_of_birth,
    }
    return http.post(reverse("clients:edit", args=[client.pk]), data)


def birth_date_entries(client):
    return list(
        AuditEntry.objects.filter(
            action=AuditEntry.Action.BIRTH_DATE_CHANGED, client=client
        ).values_list("old_value", "new_value")
    )


def test_a_changed_date_of_birth_is_recorded(provider_http, provider, organization):
    client = ClientFactory(organization=organization, date_of_birth=dt.date(1990, 1, 1))
    assert edit(provider_http, client, "2009-06-15").status_code == 302
    assert birth_date_entries(client) == [("1990-01-01", "2009-06-15")]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BIRTH_DATE_CHANGED)
    assert (entry.actor, entry.level, entry.organization) == (provider, "client", organization)
    # Saved again unchanged: no new entry.
    assert edit(provider_http, client, "2009-06-15").status_code == 302
    assert len(birth_date_entries(client)) == 1


def test_a_date_of_birth_set_and_cleared_is_recorded(provider, organization):
    client = ClientFactory(organization=organization, date_of_birth=None)
    kwargs = {
        "actor": provider,
        "first_name": client.user.first_name,
        "last_name": client.user.last_name,
        "email": client.email,
        "group": None,
    }
    services.client_update(client=client, date_of_birth=dt.date(2001, 2, 3), **kwargs)
    services.client_update(client=client, date_of_birth=None, **kwargs)
    assert birth_date_entries(client) == [("2001-02-03", "not set"), ("not set", "2001-02-03")]
