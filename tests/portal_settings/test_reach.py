"""A SAVE at group or practice level says how many active clients it affects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.services import client_archive
from portal_settings.models import PortalSettings
from portal_settings.selectors import settings_reach
from portal_settings.targets import Target
from tests.factories import ClientFactory, ClientGroupFactory
from tests.portal_settings.test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def teens(organization):
    group = ClientGroupFactory(organization=organization, name="Teens")
    members = ClientFactory.create_batch(4, organization=organization, group=group)
    PortalSettings.objects.create(client=members[0], values={"billing": "full"})
    return group, members


def test_a_group_save_says_how_many_active_clients_it_reaches(provider_http, provider, teens):
    group, members = teens
    client_archive(actor=provider, client=members[3])
    ClientFactory(organization=members[0].organization)  # not in the group
    path = reverse("portal_settings:group", args=[group.pk])
    page = provider_http.get(path)
    response = provider_http.post(
        path, form_data(page, billing="off", goals="off", reason="not_relevant"), follow=True
    )
    body = response.content.decode()
    assert (
        "View and pay bills: Full → Off: affects the 3 active clients in Teens, "
        "except 1 with their own setting" in body
    )
    assert "View and create goals: Full → Off: affects the 3 active clients in Teens." in (
        body.replace(";", ".")
    )


def test_a_practice_save_counts_clients_whose_group_or_own_setting_decides(
    admin_http, organization, teens
):
    group, _ = teens
    PortalSettings.objects.create(group=group, values={"billing": "off"})
    ClientFactory(organization=organization)
    path = reverse("portal_settings:organization")
    page = admin_http.get(path)
    body = admin_http.post(path, form_data(page, billing="off"), follow=True).content.decode()
    assert (
        "affects the 5 active clients of the practice, except 4 whose group or own setting "
        "decides" in body
    )


def test_the_reach_is_one_query_whatever_the_number_of_sections(organization, teens):
    group, _ = teens
    for target in (Target.of(group), Target.of(organization)):
        with CaptureQueriesContext(connection) as queries:
            reach = settings_reach(target=target, keys=["billing", "goals", "journal"])
        assert len(queries) == 1
        assert set(reach) == {"billing", "goals", "journal"}
