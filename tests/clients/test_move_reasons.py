"""Moving clients into a group where a records section is Off hides their records: the move
asks for a reason (portal_settings contributes the check; clients cannot import it), and the
reason is kept in the move's audit entry."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.models import Client
from clients.services import BulkAction
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def quiet(organization):
    """A group whose Journal is Off (records) and Billing Off (no records)."""
    group = ClientGroupFactory(organization=organization, name="Quiet")
    PortalSettings.objects.create(group=group, values={"journal": "off", "billing": "off"})
    return group


def moves():
    return AuditEntry.objects.filter(action=AuditEntry.Action.GROUP_CHANGED)


def test_a_bulk_move_that_hides_records_asks_for_a_reason(provider_http, organization, quiet):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": BulkAction.MOVE, "to_group": quiet.pk}
    review = provider_http.post(URL, data)
    assert review.status_code == 200
    assert (
        "Reason, needed because “View and create journal entries” would be hidden from 2 clients"
        in text(review)
    )
    confirm = {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    refused = provider_http.post(confirm and URL, {**confirm, "reason": "other"})
    assert refused.status_code == 400
    assert "choose a reason from the list" in text(refused)
    assert 'value="other" checked' in text(refused)
    assert not Client.objects.filter(group=quiet).exists() and not moves().exists()

    done = provider_http.post(URL, {**confirm, "reason": "client_request"})
    assert done.status_code == 302
    assert Client.objects.filter(group=quiet).count() == 2
    assert set(moves().values_list("reason", flat=True)) == {"The client's request"}


def test_a_move_that_hides_nothing_needs_no_reason(provider_http, provider, organization, quiet):
    PortalSettings.objects.create(group=None, organization=organization, values={"journal": "off"})
    client = ClientFactory(organization=organization)
    data = {"client": [client.pk], "action": BulkAction.MOVE, "to_group": quiet.pk}
    review = provider_http.post(URL, data)
    assert "Reason, needed" not in text(review)
    done = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert done.status_code == 302
    assert moves().get().reason == ""


def test_a_client_s_own_setting_keeps_the_records_visible(provider, organization, quiet):
    client = ClientFactory(organization=organization)
    PortalSettings.objects.create(client=client, values={"journal": "full"})
    services.client_group_set(actor=provider, client=client, group=quiet)
    assert moves().get().reason == ""


def test_the_services_refuse_a_move_that_hides_records_without_a_reason(
    provider, organization, quiet
):
    client = ClientFactory(organization=organization)
    with pytest.raises(services.MoveReasonRequired):
        services.client_group_set(actor=provider, client=client, group=quiet)
    with pytest.raises(services.MoveReasonRequired):
        services.clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[client.pk],
            action=BulkAction.MOVE,
            group=quiet,
        )
    assert not moves().exists()
    services.client_group_set(
        actor=provider, client=client, group=quiet, reason="other", reason_other="court order"
    )
    assert moves().get().reason == "Other: court order"


def test_the_edit_form_asks_for_a_reason_and_keeps_the_choice(provider_http, organization, quiet):
    client = ClientFactory(organization=organization)
    url = reverse("clients:edit", args=[client.pk])
    data = {
        "first_name": client.user.first_name,
        "last_name": client.user.last_name,
        "email": client.user.email,
        "group": quiet.pk,
        "reason_other": "court order",
    }
    refused = provider_http.post(url, data)
    assert refused.status_code == 400
    assert "Reason, needed because “View and create journal entries” would be hidden" in text(
        refused
    )
    assert 'value="court order"' in text(refused)
    client.refresh_from_db()
    assert client.group_id is None and not moves().exists()
    assert provider_http.post(url, {**data, "reason": "other"}).status_code == 302
    assert moves().get().reason == "Other: court order"


def test_the_admin_refuses_a_move_that_hides_records(organization, quiet):
    from tests.factories import UserFactory
    from tests.helpers import signed_in

    http = signed_in(UserFactory(is_staff=True, is_superuser=True))
    client = ClientFactory(organization=organization)
    url = reverse("admin:clients_client_change", args=[client.pk])
    page = http.post(url, {"group": quiet.pk})
    assert page.status_code == 200
    assert "Move them from the client's Edit page" in text(page)
    assert "This move turns off “View and create journal entries” for this" in text(page)
    client.refresh_from_db()
    assert client.group_id is None and not moves().exists()
    other = ClientGroupFactory(organization=organization)
    assert http.post(url, {"group": other.pk}).status_code == 302
    assert moves().count() == 1


def edit_data(client, **extra) -> dict:
    user = client.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        **extra,
    }


def reason_hints(response) -> list[str]:
    import re

    page = text(response)
    hints = re.search(r'<ul class="move-hints"[^>]*>(.*?)</ul>', page, re.S)
    return (
        [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", hints[1])]
        if hints
        else []
    )


def test_the_edit_page_asks_for_the_reason_up_front_saying_which_moves_need_it(
    provider_http, organization, quiet
):
    """Before any submit, and with no JavaScript: the page says which groups' moves would hide
    this client's records, and offers the reason, so the first Save with one moves them."""
    ClientGroupFactory(organization=organization, name="Open")
    client = ClientFactory(organization=organization)
    url = reverse("clients:edit", args=[client.pk])
    page = provider_http.get(url)
    assert page.status_code == 200
    assert reason_hints(page) == ["To Quiet: turns off “View and create journal entries”"]
    assert 'name="reason" value="client_request"' in text(page)
    assert "needed only if you move" in text(page)
    # Right under the Group it depends on, not after the rest of the form.
    body = text(page)
    assert body.index('id="id_group"') < body.index("move-hints") < body.index("id_date_of_birth")
    response = provider_http.post(url, edit_data(client, group=quiet.pk, reason="client_request"))
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.group_id == quiet.pk
    assert moves().get().reason == "The client's request"


def test_the_edit_page_names_no_group_when_leaving_the_group_hides_records(
    provider_http, organization
):
    PortalSettings.objects.create(organization=organization, values={"documents": "off"})
    open_group = ClientGroupFactory(organization=organization, name="Open")
    PortalSettings.objects.create(group=open_group, values={"documents": "full"})
    client = ClientFactory(organization=organization, group=open_group)
    page = provider_http.get(reverse("clients:edit", args=[client.pk]))
    assert reason_hints(page) == ["To No group: turns off “View and upload documents”"]


def test_the_edit_page_has_no_reason_fields_when_no_move_hides_records(provider_http, organization):
    ClientGroupFactory(organization=organization, name="Open")
    client = ClientFactory(organization=organization)
    page = provider_http.get(reverse("clients:edit", args=[client.pk]))
    assert 'name="reason"' not in text(page)
    assert reason_hints(page) == []


def test_the_edit_page_costs_the_same_with_more_groups(provider_http, organization, quiet):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ClientFactory(organization=organization)
    url = reverse("clients:edit", args=[client.pk])
    with CaptureQueriesContext(connection) as few:
        provider_http.get(url)
    for n in range(5):
        group = ClientGroupFactory(organization=organization, name=f"Quiet {n}")
        PortalSettings.objects.create(group=group, values={"goals": "off"})
    with CaptureQueriesContext(connection) as many:
        page = provider_http.get(url)
    assert len(reason_hints(page)) == 6
    assert len(many) == len(few)
