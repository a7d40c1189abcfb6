"""Bulk changes from the roster: select, review, confirm; one transaction, audited per client."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.models import AccessRefusal, Client, Invitation
from clients.services import BulkAction, clients_bulk_update
from tests.factories import ClientFactory, ClientGroupFactory, FamilyLinkFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")


def make_clients(organization, n, **kwargs):
    return [ClientFactory(organization=organization, **kwargs) for _ in range(n)]


def confirm(http, data):
    """Review, then confirm with the fingerprint the review page gave."""
    review = http.post(URL, data)
    assert review.status_code == 200, review.content.decode().replace("&#x27;", "'")
    return http.post(URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]})


def test_review_shows_the_count_and_changes_nothing(provider_http, organization):
    clients = make_clients(organization, 3)
    clients[0].portal_login_allowed = False
    clients[0].save()
    page = provider_http.post(
        URL, {"client": [c.pk for c in clients], "action": BulkAction.LOGIN_OFF}
    )
    html = page.content.decode().replace("&#x27;", "'")
    assert page.status_code == 200
    assert "Turn off portal login for 2 clients?" in html
    assert "You selected 3 clients" in html and "1 already has its portal login off" in html
    assert Client.objects.filter(portal_login_allowed=False).count() == 1
    assert not AuditEntry.objects.exists()


def test_login_off_for_the_selection_ends_sessions_and_audits_each(
    provider_http, provider, organization
):
    clients = make_clients(organization, 3)
    untouched = ClientFactory(organization=organization)
    portals = [signed_in(c.user) for c in [*clients, untouched]]
    assert all(p.get("/portal/").status_code == 200 for p in portals)
    invitation, _ = Invitation.issue(client=clients[0])

    response = confirm(
        provider_http, {"client": [c.pk for c in clients], "action": BulkAction.LOGIN_OFF}
    )
    assert response.status_code == 302
    done = provider_http.get(response.url).content.decode().replace("&#x27;", "'")
    assert "Portal login turned off for 3 clients" in done
    for portal in portals[:3]:
        assert portal.get("/portal/").status_code == 302
    assert portals[3].get("/portal/").status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.PORTAL_LOGIN_CHANGED)
    assert sorted((e.client_id, e.old_value, e.new_value, e.actor_id) for e in entries) == sorted(
        (c.pk, "on", "off", provider.pk) for c in clients
    )
    assert all(e.note == services.BULK_NOTE and e.level == "client" for e in entries)


def test_a_session_ended_by_bulk_login_off_stays_ended_after_login_on(provider, organization):
    client = ClientFactory(organization=organization)
    portal = signed_in(client.user)
    clients_bulk_update(
        actor=provider, organization=organization, client_ids=[client.pk], action="login_off"
    )
    clients_bulk_update(
        actor=provider, organization=organization, client_ids=[client.pk], action="login_on"
    )
    client.user.refresh_from_db()
    assert client.user.is_active
    assert portal.get("/portal/").status_code == 302  # the old session is not revived
    assert signed_in(client.user).get("/portal/").status_code == 200


def test_archive_selected_clients(provider_http, organization):
    clients = make_clients(organization, 2)
    portal = signed_in(clients[0].user)
    confirm(provider_http, {"client": [c.pk for c in clients], "action": BulkAction.ARCHIVE})
    assert Client.objects.archived().count() == 2
    assert portal.get("/portal/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CLIENT_ARCHIVED).count() == 2


def test_login_on_refuses_a_selection_with_archived_clients(provider, organization):
    # The roster never offers archived clients; a crafted selection changes nobody.
    active, archived = make_clients(organization, 2)
    for c in (active, archived):
        services.client_portal_login_set(actor=provider, client=c, allowed=False)
    services.client_archive(actor=provider, client=archived)
    with pytest.raises(services.BulkArchived):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[active.pk, archived.pk],
            action="login_on",
        )
    active.refresh_from_db()
    archived.refresh_from_db()
    assert not active.portal_login_allowed and not archived.portal_login_allowed
    archived.user.refresh_from_db()
    assert not archived.user.is_active


def test_select_all_matching_the_search_moves_every_page(provider_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    adults = ClientGroupFactory(organization=organization, name="Adults")
    teens_members = make_clients(organization, 30, group=teens)
    others = make_clients(organization, 3)
    roster = (
        provider_http.get(reverse("clients:list"), {"group": teens.pk})
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "Select all 30 clients matching this search (every page)" in roster

    data = {"scope": "all", "group": teens.pk, "q": "", "action": "move", "to_group": adults.pk}
    review = provider_http.post(URL, data)
    assert "Move 30 clients to Adults?" in review.content.decode().replace("&#x27;", "'")
    confirm(provider_http, data)
    assert set(adults.clients.values_list("pk", flat=True)) == {c.pk for c in teens_members}
    assert all(Client.objects.get(pk=c.pk).group_id is None for c in others)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.GROUP_CHANGED).first()
    assert (entry.old_value, entry.new_value) == ("Teens", "Adults")


def test_a_confirmation_for_another_set_of_clients_changes_nothing(provider_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    make_clients(organization, 2, group=teens)
    data = {"scope": "all", "group": teens.pk, "action": "login_off"}
    review = provider_http.post(URL, data)
    ClientFactory(organization=organization, group=teens)  # joins the search meanwhile
    response = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 409
    assert "Turn off portal login for 3 clients?" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert not Client.objects.filter(portal_login_allowed=False).exists()


def test_another_practices_client_in_the_selection_changes_nothing(
    provider_http, organization, other_organization
):
    mine = ClientFactory(organization=organization)
    theirs = ClientFactory(organization=other_organization)
    data = {"client": [mine.pk, theirs.pk], "action": "archive"}
    for extra in ({}, {"confirm": "1", "fingerprint": "x"}):
        response = provider_http.post(URL, {**data, **extra})
        assert response.status_code == 404
        assert "not among your practice's clients" in response.content.decode().replace(
            "&#x27;", "'"
        )
    assert not Client.objects.archived().exists()
    assert not AuditEntry.objects.exists()
    assert AccessRefusal.objects.filter(reason=AccessRefusal.Reason.OTHER_PRACTICE).exists()


def test_the_service_refuses_another_practices_client_or_group(
    provider, organization, other_organization
):
    from django.core.exceptions import ValidationError

    mine = ClientFactory(organization=organization)
    theirs = ClientFactory(organization=other_organization)
    their_group = ClientGroupFactory(organization=other_organization)
    with pytest.raises(ValidationError, match="not among your practice's clients"):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[mine.pk, theirs.pk],
            action="login_off",
        )
    with pytest.raises(ValidationError, match="another practice"):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[mine.pk],
            action="move",
            group=their_group,
        )
    assert Client.objects.filter(portal_login_allowed=True).count() == 2
    assert Client.objects.filter(group__isnull=False).count() == 0


def test_another_practices_group_as_move_target_is_refused(
    provider_http, organization, other_organization
):
    mine = ClientFactory(organization=organization)
    their_group = ClientGroupFactory(organization=other_organization)
    response = provider_http.post(
        URL, {"client": [mine.pk], "action": "move", "to_group": their_group.pk}
    )
    assert response.status_code == 400
    assert "Choose one of your practice's groups" in response.content.decode().replace(
        "&#x27;", "'"
    )
    mine.refresh_from_db()
    assert mine.group_id is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "archive"}, "Select at least one client"),
        ({"client": ["1x"], "action": "archive"}, "not a client"),
        ({"client": ["1"], "action": "explode"}, "Choose an action from the list"),
        ({"client": ["1"], "action": "move"}, "Choose the group to move the clients to"),
        ({"scope": "all", "group": "99999", "action": "archive"}, "no longer valid"),
        ({"scope": "all", "q": "a\x00b", "action": "archive"}, "no longer valid"),
    ],
)
def test_bad_input_is_refused_with_a_message(provider_http, organization, data, message):
    client = ClientFactory(organization=organization)
    data = {k: (v if k != "client" or v != ["1"] else [client.pk]) for k, v in data.items()}
    response = provider_http.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Client.objects.archived().exists()


def test_the_roster_works_without_javascript_as_a_form(provider_http, organization):
    make_clients(organization, 2)
    html = provider_http.get(reverse("clients:list")).content.decode().replace("&#x27;", "'")
    assert f'action="{URL}"' in html and 'name="client"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def _bulk_queries(django_assert_num_queries, provider, organization, clients, action, n, **kw):
    ids = [c.pk for c in clients]
    with django_assert_num_queries(n):
        result = clients_bulk_update(
            actor=provider, organization=organization, client_ids=ids, action=action, **kw
        )
    assert result.changed == len(clients)


# Counted with the SAVEPOINT and RELEASE of the atomic block. Small and ten times larger: the
# count must not move. (SQLite splits an INSERT at 999 parameters, about 60 audit rows; both
# sizes stay within one.)
SIZES = (3, 30)


# login off and archive: lock, clients, invitations, the family links read and updated and their
# invitations, logins (sessions ended and is_active in one UPDATE), audit; login on: lock,
# clients, logins, the family links the login off suspended read and given back, their
# people's logins, audit.
@pytest.mark.parametrize(
    "action, queries", [("login_off", 10), ("archive", 10), ("login_on", 9), ("move", 8)]
)
def test_the_number_of_queries_does_not_grow_with_the_selection(
    django_assert_num_queries, provider, organization, action, queries
):
    group = ClientGroupFactory(organization=organization) if action == "move" else None
    for n in SIZES:
        clients = make_clients(organization, n, portal_login_allowed=action != "login_on")
        if action in ("archive", "login_off"):  # each with a family member, suspended too
            for client in clients:
                FamilyLinkFactory(client=client)
        if action == "login_on":  # each with a family member whose access comes back
            for client in clients:
                FamilyLinkFactory(
                    client=client,
                    status="suspended",
                    suspended_because="login_off",
                    suspended_from="active",
                )
        _bulk_queries(
            django_assert_num_queries,
            provider,
            organization,
            clients,
            action,
            queries,
            **({"group": group} if group else {}),
        )


def test_a_failure_half_way_leaves_nothing_changed(provider, organization, monkeypatch):
    clients = make_clients(organization, 5)
    portal = signed_in(clients[0].user)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit insert failed")

    # The clients and their logins are already updated when the audit insert fails.
    monkeypatch.setattr(AuditEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[c.pk for c in clients],
            action="login_off",
        )
    assert Client.objects.filter(portal_login_allowed=True).count() == 5
    assert all(Client.objects.get(pk=c.pk).user.is_active for c in clients)
    assert portal.get("/portal/").status_code == 200
    assert not AuditEntry.objects.exists()


def test_archiving_in_bulk_suspends_family_access_as_one_archive_does(provider, organization):
    from clients.models import FamilyLink
    from tests.factories import FamilyLinkFactory

    client = ClientFactory(organization=organization)
    parent = FamilyLinkFactory(client=client)
    other_child = FamilyLinkFactory(
        client=ClientFactory(organization=organization), user=parent.user
    )
    lone = FamilyLinkFactory(client=client)
    lone_portal = signed_in(lone.user)
    assert lone_portal.get("/portal/").status_code in (200, 302)
    clients_bulk_update(
        actor=provider, organization=organization, client_ids=[client.pk], action="archive"
    )
    parent.refresh_from_db()
    lone.refresh_from_db()
    other_child.refresh_from_db()
    assert (parent.status, parent.suspended_because) == (
        FamilyLink.Status.SUSPENDED,
        FamilyLink.SuspendedBecause.ARCHIVED,
    )
    assert other_child.status == FamilyLink.Status.ACTIVE
    parent.user.refresh_from_db()
    lone.user.refresh_from_db()
    assert parent.user.is_active  # still a parent of another client
    assert not lone.user.is_active
    assert lone_portal.get("/portal/").status_code == 302
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)
    assert entries.count() == 2
    assert all(e.new_value.endswith("suspended: client archived") for e in entries)


def test_login_off_for_a_client_who_is_also_a_family_member_keeps_that_access(
    provider, organization
):
    from tests.factories import FamilyLinkFactory

    client = ClientFactory(organization=organization)
    FamilyLinkFactory(client=ClientFactory(organization=organization), user=client.user)
    portal = signed_in(client.user)
    clients_bulk_update(
        actor=provider, organization=organization, client_ids=[client.pk], action="login_off"
    )
    client.user.refresh_from_db()
    assert client.user.is_active  # their family access remains
    assert portal.get("/portal/").status_code == 302  # but this session ended


def test_an_unknown_group_in_a_move_says_so_once(provider_http, organization, other_organization):
    client = ClientFactory(organization=organization)
    theirs = ClientGroupFactory(organization=other_organization)
    page = provider_http.post(URL, {"client": [client.pk], "action": "move", "to_group": theirs.pk})
    words = page.content.decode().replace("&#x27;", "'")
    assert page.status_code == 400
    assert "Choose one of your practice's groups." in words
    assert "Choose the group to move the clients to." not in words
    client.refresh_from_db()
    assert client.group_id is None
