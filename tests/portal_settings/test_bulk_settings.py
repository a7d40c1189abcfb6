"""The roster's settings actions: apply a preset, set one section's level, for many clients."""

import html

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from clients.services import client_portal_login_set
from portal_settings.models import PortalSettings
from portal_settings.services import (
    StaleSettingsError,
    bulk_clients_with_settings,
    bulk_settings_fingerprint,
    portal_settings_bulk_update,
    preset_save,
)
from tests.factories import ClientFactory, ClientGroupFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")
MINOR = {"billing": "off", "packages": "off", "appointments": "view"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def own(client) -> dict:
    row = PortalSettings.objects.filter(client=client).first()
    return row.values if row else {}


def confirm(http, data):
    review = http.post(URL, data)
    assert review.status_code == 200, text(review)
    return http.post(URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]})


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(actor=practice_admin, organization=organization, name="Minor", values=MINOR)


def test_apply_a_preset_to_every_client_of_a_group(provider_http, provider, organization, minor):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    members = [ClientFactory(organization=organization, group=teens) for _ in range(3)]
    other = ClientFactory(organization=organization)
    PortalSettings.objects.create(client=members[0], values=MINOR)  # already has it
    portal = signed_in(members[1].user)
    assert portal.get(reverse("portal:billing")).status_code == 200

    data = {"scope": "all", "group": teens.pk, "action": "preset", "preset": minor.pk}
    review = provider_http.post(URL, data)
    page = text(review)
    assert "Apply the preset Minor for 2 clients?" in page
    assert "View and pay bills: Full → Off for 2 clients" in page
    response = confirm(provider_http, data)
    assert response.status_code == 302
    assert "Apply the preset Minor: 2 clients changed. 1 of the selected" in text(
        provider_http.get(response.url)
    )
    assert all(own(m) == MINOR for m in members) and own(other) == {}
    assert portal.get(reverse("portal:billing")).status_code == 403  # the next request
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED)
    assert entries.count() == 6  # 3 sections x 2 clients that changed
    assert {(e.note, e.level, e.actor_id) for e in entries} == {
        ("preset: Minor", "client", provider.pk)
    }


def test_set_one_sections_level_for_the_ticked_clients(provider_http, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {
        "client": [c.pk for c in clients],
        "action": "level",
        "section": "billing",
        "level": "view",
    }
    assert "Set View and pay bills to View only for 2 clients?" in text(
        provider_http.post(URL, data)
    )
    confirm(provider_http, data)
    assert [own(c) for c in clients] == [{"billing": "view"}] * 2


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"action": "level", "section": "care_plans", "level": "view"}, "can be Full, Off"),
        ({"action": "level", "section": "nope", "level": "off"}, "Choose the section"),
        ({"action": "preset", "preset": "999999"}, "Choose one of your practice's presets"),
        ({"action": "preset", "preset": ""}, "Choose one of your practice's presets"),
    ],
)
def test_bad_choices_are_refused_and_change_nothing(provider_http, organization, extra, message):
    client = ClientFactory(organization=organization)
    response = provider_http.post(URL, {"client": [client.pk], **extra})
    assert response.status_code == 400
    assert message in text(response)
    assert not PortalSettings.objects.exists()


def test_another_practices_preset_or_client_changes_nothing(
    provider_http, organization, other_organization, other_provider
):
    mine = ClientFactory(organization=organization)
    theirs = ClientFactory(organization=other_organization)
    their_preset = preset_save(
        actor=other_provider, organization=other_organization, name="Theirs", values=MINOR
    )
    response = provider_http.post(
        URL, {"client": [mine.pk], "action": "preset", "preset": their_preset.pk}
    )
    assert response.status_code == 400
    response = provider_http.post(
        URL,
        {"client": [mine.pk, theirs.pk], "action": "level", "section": "billing", "level": "off"},
    )
    assert response.status_code == 404
    assert not PortalSettings.objects.exists()


def test_a_change_to_a_selected_clients_settings_after_the_review_changes_nothing(
    provider_http, organization
):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {
        "client": [c.pk for c in clients],
        "action": "level",
        "section": "goals",
        "level": "off",
    }
    review = provider_http.post(URL, data)
    PortalSettings.objects.create(client=clients[1], values={"journal": "off"}, version=1)
    response = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 409
    assert own(clients[0]) == {} and own(clients[1]) == {"journal": "off"}


@pytest.mark.parametrize(
    "extra",
    [
        {"action": "preset"},
        {"action": "level", "section": "billing", "level": "off"},
    ],
)
def test_a_login_turned_off_after_the_review_changes_nothing(
    provider_http, provider, organization, minor, extra
):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    if extra["action"] == "preset":
        extra = {**extra, "preset": minor.pk}
    data = {"client": [c.pk for c in clients], **extra}
    review = provider_http.post(URL, data)
    assert review.status_code == 200
    client_portal_login_set(actor=provider, client=clients[1], allowed=False)
    response = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 409
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED).exists()


def test_the_service_refuses_a_stale_fingerprint(provider, organization):
    client = ClientFactory(organization=organization)
    with pytest.raises(StaleSettingsError):
        portal_settings_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[client.pk],
            changes={"billing": "off"},
            shown_fingerprint="not what was shown",
        )
    assert not PortalSettings.objects.exists()


# Small and ten times larger: the count must not move. (SQLite splits an INSERT at 999
# parameters, about 60 audit rows; both sizes stay within one.)
SIZES = (3, 30)


def test_the_number_of_queries_does_not_grow_with_the_selection(
    django_assert_num_queries, provider, organization
):
    for n in SIZES:
        clients = [ClientFactory(organization=organization) for _ in range(n)]
        # half with a row of their own already (updated), half without (created)
        PortalSettings.objects.bulk_create(
            PortalSettings(client=c, values={"goals": "view"}, version=1) for c in clients[::2]
        )
        ids = [c.pk for c in clients]
        shown = bulk_settings_fingerprint(
            bulk_clients_with_settings(organization=organization, client_ids=ids)
        )
        # the outer savepoint; lock and read their own rows, the clients, the groups, the
        # practice; one UPDATE (all end alike), the create in a savepoint, the audit
        with django_assert_num_queries(12):
            result = portal_settings_bulk_update(
                actor=provider,
                organization=organization,
                client_ids=ids,
                changes={"documents": "off"},
                shown_fingerprint=shown,
                reason="client_request",
            )
        assert result.changed == n


def test_a_failure_half_way_leaves_nothing_changed(provider, organization, monkeypatch):
    clients = [ClientFactory(organization=organization) for _ in range(4)]
    PortalSettings.objects.create(client=clients[0], values={"goals": "view"}, version=1)
    ids = [c.pk for c in clients]
    shown = bulk_settings_fingerprint(
        bulk_clients_with_settings(organization=organization, client_ids=ids)
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the audit insert failed")

    monkeypatch.setattr(AuditEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        portal_settings_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=ids,
            changes={"billing": "off"},
            shown_fingerprint=shown,
        )
    assert list(PortalSettings.objects.values_list("values", "version")) == [({"goals": "view"}, 1)]


def test_emails_once_per_changed_client_after_commit(
    provider, organization, django_capture_on_commit_callbacks
):
    organization.email_clients_on_portal_changes = True
    organization.save()
    changed, unchanged = (
        ClientFactory(organization=organization),
        ClientFactory(organization=organization),
    )
    PortalSettings.objects.create(client=unchanged, values={"billing": "off"}, version=1)
    ids = [changed.pk, unchanged.pk]
    shown = bulk_settings_fingerprint(
        bulk_clients_with_settings(organization=organization, client_ids=ids)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        portal_settings_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=ids,
            changes={"billing": "off"},
            shown_fingerprint=shown,
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[changed.user.email]]


def _selection(organization, clients):
    ids = [c.pk for c in clients]
    return ids, bulk_settings_fingerprint(
        bulk_clients_with_settings(organization=organization, client_ids=ids)
    )


def test_a_clients_own_row_is_updated_in_place(provider, organization):
    client = ClientFactory(organization=organization)
    row = PortalSettings.objects.create(client=client, values={"goals": "view"}, version=4)
    ids, shown = _selection(organization, [client])
    portal_settings_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=ids,
        changes={"billing": "view"},
        shown_fingerprint=shown,
    )
    after = PortalSettings.objects.get(client=client)
    # the same row (nothing else of it replaced), the next version
    assert (after.pk, after.values, after.version) == (
        row.pk,
        {"goals": "view", "billing": "view"},
        5,
    )
    assert after.updated_at > row.updated_at


def test_each_client_is_planned_against_their_own_group(provider, organization):
    quiet = ClientGroupFactory(organization=organization, name="Quiet")
    PortalSettings.objects.create(group=quiet, values={"billing": "off"}, version=1)
    loud = ClientGroupFactory(organization=organization, name="Loud")
    # the same own values, in two groups: only the group tells them apart
    in_quiet = ClientFactory(organization=organization, group=quiet)
    in_loud = ClientFactory(organization=organization, group=loud)
    for client in (in_quiet, in_loud):
        PortalSettings.objects.create(client=client, values={"billing": "view"}, version=1)
    ids, shown = _selection(organization, [in_quiet, in_loud])
    portal_settings_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=ids,
        changes={"billing": "off"},
        shown_fingerprint=shown,
    )
    assert own(in_quiet) == {}  # Off is what Quiet gives: the override goes
    assert own(in_loud) == {"billing": "off"}
    trail = dict(AuditEntry.objects.filter(section="billing").values_list("client_id", "new_value"))
    assert trail == {in_quiet.pk: "default:Inherited from Quiet: Off", in_loud.pk: "off"}


def test_many_different_outcomes_are_written_too(provider, organization, monkeypatch):
    from portal_settings import services

    monkeypatch.setattr(services, "BULK_UPDATE_GROUPS", 1)  # the rest through bulk_update
    clients = [ClientFactory(organization=organization) for _ in range(3)]
    before = [{"goals": "view"}, {"journal": "off"}, {"programs": "view"}]
    for client, values in zip(clients, before, strict=True):
        PortalSettings.objects.create(client=client, values=values, version=2)
    ids, shown = _selection(organization, clients)
    portal_settings_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=ids,
        changes={"billing": "view"},
        shown_fingerprint=shown,
    )
    rows = PortalSettings.objects.filter(client__in=clients).order_by("client_id")
    assert [(r.values, r.version) for r in rows] == [
        ({**values, "billing": "view"}, 3) for values in before
    ]


def _http_queries(http, data) -> tuple[int, int]:
    """The queries of the review POST and of the confirming POST."""
    with CaptureQueriesContext(connection) as review_queries:
        review = http.post(URL, data)
    assert review.status_code == 200, text(review)
    confirmed = {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    with CaptureQueriesContext(connection) as confirm_queries:
        assert http.post(URL, confirmed).status_code == 302
    return len(review_queries), len(confirm_queries)


# Every roster action through the provider's page, "select all matching" a group, for 3 and 20
# clients (20 x the preset's 3 audit rows stay within one SQLite INSERT): (review, confirm)
# queries. Each POST reads the session, the user, the membership, the groups and the search;
# a settings action reads its selection in four queries and writes one UPDATE, one INSERT in a
# savepoint and the audit.
@pytest.mark.parametrize(
    "action, extra, queries",
    [
        # Login off and on also read their clients' family links (none here), as archive does.
        ("login_off", {}, (8, 14)),
        ("login_on", {}, (8, 13)),
        ("archive", {}, (8, 14)),
        # A move also reads what it would hide (three queries: portal_settings.move_reasons);
        # a settings action also counts the archived clients of its selection.
        ("move", {"to_group": "target"}, (11, 15)),
        ("preset", {"preset": "minor"}, (13, 20)),
        ("level", {"section": "billing", "level": "view"}, (12, 19)),
    ],
)
def test_every_bulk_action_costs_the_same_queries_for_3_or_30_clients(
    provider_http, organization, minor, action, extra, queries
):
    target = ClientGroupFactory(organization=organization, name="Target")
    extra = {**extra}
    if extra.get("to_group") == "target":
        extra["to_group"] = target.pk
    if extra.get("preset") == "minor":
        extra["preset"] = minor.pk
    for n in (3, 20):
        group = ClientGroupFactory(organization=organization)
        clients = [
            ClientFactory(
                organization=organization, group=group, portal_login_allowed=action != "login_on"
            )
            for _ in range(n)
        ]
        for client in clients[::2]:  # half with settings of their own
            PortalSettings.objects.create(client=client, values={"goals": "view"}, version=1)
        data = {"scope": "all", "group": group.pk, "action": action, **extra}
        assert _http_queries(provider_http, data) == queries, n
