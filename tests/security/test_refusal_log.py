"""Every refused request is written down: who, what URL, why, when (UTC)."""

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import AccessRefusal
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory, PracticeAdminFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def only_refusal():
    refusals = list(AccessRefusal.objects.all())
    assert len(refusals) == 1, refusals
    return refusals[0]


def test_a_section_that_is_off(client_record):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    signed_in(client_record.user).post(reverse("portal:billing"))
    refusal = only_refusal()
    assert (refusal.user, refusal.reason, refusal.method, refusal.path, refusal.detail) == (
        client_record.user,
        "section_off",
        "POST",
        "/portal/billing/",
        "billing",
    )
    assert refusal.organization == client_record.organization
    assert refusal.created_at.utcoffset() == dt.timedelta(0)
    assert refusal.ip_address == "127.0.0.1"


def test_a_record_of_another_practice(provider_http, provider, other_organization):
    foreign = ClientFactory(organization=other_organization)
    assert provider_http.get(reverse("clients:detail", args=[foreign.pk])).status_code == 404
    refusal = only_refusal()
    assert refusal.reason == "other_practice" and refusal.user == provider
    assert refusal.target_organization == other_organization
    assert refusal.organization == provider.membership.organization


def test_a_record_of_another_client(client_record, organization):
    from portal.goals.services import goal_create

    other = ClientFactory(organization=organization)
    goal = goal_create(actor=other.user, client=other, title="Theirs")
    signed_in(client_record.user).post(reverse("portal:goals-complete", args=[goal.pk]))
    refusal = only_refusal()
    assert (refusal.reason, refusal.user) == ("other_practice", client_record.user)
    assert refusal.detail == f"goal {goal.pk}"


def test_a_missing_record_is_not_a_refusal(provider_http):
    assert provider_http.get(reverse("clients:detail", args=[999_999])).status_code == 404
    assert not AccessRefusal.objects.exists()


def test_the_wrong_role(client_http, client_record, provider_http):
    client_http.get(reverse("clients:list"))
    provider_http.get(reverse("portal_settings:report"))
    reasons = list(AccessRefusal.objects.order_by("pk").values_list("reason", "path"))
    assert reasons == [("wrong_role", "/clients/"), ("wrong_role", "/reports/portal-settings/")]


def test_practice_admins_read_their_practices_log_and_only_theirs(
    client_record, organization, other_organization, admin_http, provider_http
):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    signed_in(client_record.user).get(reverse("portal:billing"))
    foreign_admin = PracticeAdminFactory(organization=other_organization).user
    # A provider of another practice reaching for our client: in both practices' logs.
    signed_in(foreign_admin).get(reverse("clients:detail", args=[client_record.pk]))
    page = admin_http.get(reverse("clients:security-log")).content.decode()
    assert "/portal/billing/" in page and f"/clients/{client_record.pk}/" in page
    theirs = signed_in(foreign_admin).get(reverse("clients:security-log")).content.decode()
    assert f"/clients/{client_record.pk}/" in theirs and "/portal/billing/" not in theirs
    assert provider_http.get(reverse("clients:security-log")).status_code == 403


def test_the_log_is_append_only(client_http):
    client_http.get(reverse("clients:list"))
    refusal = only_refusal()
    with pytest.raises(TypeError):
        refusal.save()
    with pytest.raises(TypeError):
        refusal.delete()
    with pytest.raises(TypeError):
        AccessRefusal.objects.all().delete()
    with pytest.raises(TypeError):
        AccessRefusal.objects.update(reason="section_off")
