"""When the client cannot sign in, nobody opens their portal for them: turning a client's portal
login off suspends their family members' access (sessions end at the next request, with a
message naming the practice), and turning it on gives back what it suspended, as it was
(red-team finding: family members kept the portal of a client whose login was off)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.family import acting_links
from clients.models import Client, FamilyLink
from tests.factories import PASSWORD, ClientFactory, FamilyLinkFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(client_record):
    return FamilyLinkFactory(client=client_record)


@pytest.fixture
def parent_http(link):
    http = signed_in(link.user)
    assert http.get(reverse("accounts:family")).url == reverse("portal:home")
    assert http.get(reverse("portal:home")).status_code == 200
    return http


def login(provider, client, allowed):
    services.client_portal_login_set(actor=provider, client=client, allowed=allowed)


def sign_out_page(http) -> str:
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    return http.get(response.url).content.decode().replace("&#x27;", "'")


def test_login_off_ends_the_family_members_session_with_a_message(
    parent_http, link, provider, client_record, organization
):
    login(provider, client_record, False)
    page = sign_out_page(parent_http)
    assert (
        f"{organization.name} has suspended your family access to {client_record.name}'s "
        "Client Portal. You were signed out." in page
    )
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "login_off")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)
    assert entry.old_value.endswith(": active")
    assert entry.new_value.endswith(": suspended: client's portal login off")


def test_after_login_off_the_family_member_cannot_sign_in_and_is_told_why(
    client, link, provider, client_record, organization
):
    login(provider, client_record, False)
    link.user.refresh_from_db()
    assert not link.user.is_active
    response = client.post(
        reverse("accounts:login"), {"username": link.user.email, "password": PASSWORD}
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert f"has suspended your family access to {client_record.name}'s Client Portal" in page
    assert not list(acting_links(link.user))


def test_login_on_gives_back_what_login_off_suspended_as_it_was(
    parent_http, link, provider, client_record, organization
):
    paused = FamilyLinkFactory(client=client_record)
    services.family_link_change(actor=provider, link=paused, action="pause")
    login(provider, client_record, False)
    login(provider, client_record, True)
    link.refresh_from_db()
    paused.refresh_from_db()
    assert (link.status, link.suspended_because, link.suspended_from) == ("active", "", "")
    assert paused.status == "paused"
    # the session from before stays ended; a new sign-in opens the portal again
    assert parent_http.get(reverse("portal:home")).status_code == 302
    link.user.refresh_from_db()
    fresh = signed_in(link.user)
    assert fresh.get(reverse("accounts:family")).url == reverse("portal:home")
    assert fresh.get(reverse("portal:home")).status_code == 200


def test_a_parent_of_two_keeps_the_other_childs_portal(link, provider, client_record, organization):
    sibling = ClientFactory(organization=organization)
    other = FamilyLinkFactory(client=sibling, user=link.user)
    login(provider, client_record, False)
    link.user.refresh_from_db()
    assert link.user.is_active
    assert [each.pk for each in acting_links(link.user)] == [other.pk]


def test_resume_is_refused_while_the_login_is_off(provider_http, link, provider, client_record):
    login(provider, client_record, False)
    url = reverse("clients:family-change", args=[client_record.pk, link.pk])
    response = provider_http.post(url, {"action": "resume"})
    page = provider_http.get(response.url).content.decode().replace("&#x27;", "'")
    assert "portal login is off; turn it on before resuming family access" in page
    link.refresh_from_db()
    assert link.status == "suspended"
    family = provider_http.get(reverse("clients:family", args=[client_record.pk])).content.decode()
    assert 'value="resume"' not in family  # and the page offers no Resume
    assert "(client&#x27;s portal login off)" in family


def test_no_family_member_is_added_while_the_login_is_off(provider_http, provider, client_record):
    login(provider, client_record, False)
    response = provider_http.post(
        reverse("clients:family", args=[client_record.pk]),
        {
            "first_name": "Jordan",
            "last_name": "Quinn",
            "email": "jordan@example.test",
            "relationship": "parent",
        },
    )
    assert response.status_code == 400
    assert "portal login is off; turn it on before adding family" in response.content.decode()
    assert not FamilyLink.objects.exists()


def test_a_login_off_written_around_the_service_still_refuses_the_family_member(
    parent_http, client_record
):
    """Deny by default: the portal checks the client's login itself, whatever the link says."""
    Client.objects.filter(pk=client_record.pk).update(portal_login_allowed=False)
    assert parent_http.get(reverse("portal:home")).status_code == 302


def test_bulk_login_off_and_on_do_the_same(parent_http, link, provider, organization):
    ids = [link.client_id]
    services.clients_bulk_update(
        actor=provider, organization=organization, client_ids=ids, action="login_off"
    )
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "login_off")
    assert "has suspended your family access" in sign_out_page(parent_http)
    link.user.refresh_from_db()
    assert not link.user.is_active
    services.clients_bulk_update(
        actor=provider, organization=organization, client_ids=ids, action="login_on"
    )
    link.refresh_from_db()
    link.user.refresh_from_db()
    assert (link.status, link.suspended_because, link.suspended_from) == ("active", "", "")
    assert link.user.is_active
    assert signed_in(link.user).get(reverse("accounts:family")).url == reverse("portal:home")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)
    assert [e.new_value.split(": ", 1)[1] for e in entries.order_by("pk")] == [
        "suspended: client's portal login off",
        "active",
    ]


def test_archiving_a_client_whose_login_is_off_and_restoring_keeps_family_suspended(
    link, provider, client_record
):
    login(provider, client_record, False)
    services.client_archive(actor=provider, client=client_record)
    services.client_restore(actor=provider, client=client_record)
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "login_off")
    login(provider, client_record, True)
    link.refresh_from_db()
    assert link.status == "active"
