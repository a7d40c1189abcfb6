"""A reason when a client's own records are hidden from them, kept in the audit entry."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.services import ReasonRequired, portal_settings_update, preset_save
from portal_settings.targets import Target
from tests.factories import ClientFactory
from tests.portal_settings.test_views import form_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def save(actor, obj, changes, **reason):
    target = Target.of(obj).reload()
    return portal_settings_update(
        actor=actor, target=target, changes=changes, shown_version=target.version_token(), **reason
    )


def own(obj) -> dict:
    return Target.of(obj).reload().own_values()


def url(client):
    return reverse("portal_settings:client", args=[client.pk])


def test_hiding_records_without_a_reason_is_refused_and_saves_nothing(provider_http, client_record):
    page = provider_http.get(url(client_record))
    assert "Reason, needed only when" in text(page)
    # The record sections named as the rows name them, not by their tab names.
    assert "(“View and create goals”, “View and create journal entries”, “View and upload" in text(
        page
    )
    response = provider_http.post(url(client_record), form_data(page, journal="off"))
    assert response.status_code == 400
    assert "Turning off “View and create journal entries” hides the client's own records" in text(
        response
    )
    assert "Nothing was saved" in text(response)
    assert own(client_record) == {}
    assert not AuditEntry.objects.exists()


def test_the_reason_is_kept_in_the_audit_entry_and_shown_in_the_history(
    provider_http, client_record
):
    page = provider_http.get(url(client_record))
    data = form_data(page, journal="off", billing="off", reason="risk_of_harm")
    assert provider_http.post(url(client_record), data).status_code == 302
    reasons = dict(AuditEntry.objects.values_list("section", "reason"))
    # only the change that hid records carries it
    assert reasons == {"journal": "Risk of harm (clinician's judgment)", "billing": ""}
    history = text(provider_http.get(url(client_record)))
    assert "Reason for hiding the client's records: Risk of harm (clinician's judgment)" in history


@pytest.mark.parametrize(
    "reason, other, kept",
    [
        ("client_request", "", "The client's request"),
        ("not_relevant", "", "Not relevant to this client"),
        ("other", "  Court   order ", "Other: Court order"),
    ],
)
def test_each_reason_of_the_list(provider, client_record, reason, other, kept):
    save(provider, client_record, {"documents": "off"}, reason=reason, reason_other=other)
    assert AuditEntry.objects.get().reason == kept


@pytest.mark.parametrize(
    "reason, other, words",
    [
        ("", "", "choose a reason from the list"),
        ("because", "", "choose a reason from the list"),
        ("other", "", "for Other say why"),
        ("other", "   ", "for Other say why"),
        ("other", "x" * 201, "for Other say why"),
    ],
)
def test_a_missing_or_bad_reason_saves_nothing(provider, client_record, reason, other, words):
    with pytest.raises(ReasonRequired, match=words):
        save(provider, client_record, {"documents": "off"}, reason=reason, reason_other=other)
    assert own(client_record) == {}
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"documents": "view"},  # View only still shows every record
        {"billing": "off", "packages": "off", "appointments": "off"},  # no records of theirs
    ],
)
def test_no_reason_where_nothing_of_theirs_is_hidden(provider, client_record, changes):
    save(provider, client_record, changes)
    assert own(client_record) == changes


def test_no_reason_when_the_section_was_already_off_for_them(provider, client_record, group):
    client_record.group = group
    client_record.save()
    save(provider, client_record, {"goals": "off"}, reason="client_request")
    save(provider, group, {"goals": "off"}, reason="not_relevant")
    # Off for this client whatever: inheriting it from the group withholds nothing new
    save(provider, client_record, {"goals": None})
    assert own(client_record) == {}
    assert AuditEntry.objects.filter(client=client_record).count() == 2


def test_a_group_or_practice_change_that_hides_records_needs_one_too(
    provider, practice_admin, group, organization
):
    with pytest.raises(ReasonRequired):
        save(provider, group, {"programs": "off"})
    with pytest.raises(ReasonRequired):
        save(practice_admin, organization, {"forms": "off"})
    assert own(group) == {} and own(organization) == {}


def test_a_preset_that_hides_records_asks_for_the_reason(
    provider_http, practice_admin, organization, client_record
):
    preset = preset_save(
        actor=practice_admin,
        organization=organization,
        name="Billing only",
        values={"billing": "full", "documents": "off"},
    )
    apply_url = reverse("portal_settings:client-preset", args=[client_record.pk])
    shown = Target.of(client_record).reload().version_token()
    response = provider_http.post(
        apply_url,
        {"preset": preset.pk, f"levels-{preset.pk}": preset.levels_token(), "version": shown},
        follow=True,
    )
    assert "Turning off “View and upload documents” hides the client's own records" in text(
        response
    )
    assert own(client_record) == {}
    provider_http.post(
        apply_url,
        {
            "preset": preset.pk,
            f"levels-{preset.pk}": preset.levels_token(),
            "version": shown,
            "reason": "client_request",
        },
    )
    assert own(client_record) == {"documents": "off"}
    entry = AuditEntry.objects.get(section="documents")
    assert (entry.note, entry.reason) == ("preset: Billing only", "The client's request")


def test_bulk_hiding_records_asks_for_the_reason_on_the_review(provider_http, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {
        "client": [c.pk for c in clients],
        "action": "level",
        "section": "goals",
        "level": "off",
    }
    review = provider_http.post(reverse("clients:bulk"), data)
    assert "Reason, needed because “View and create goals” would be hidden from 2 clients" in text(
        review
    )
    confirm = {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    refused = provider_http.post(reverse("clients:bulk"), confirm)
    assert refused.status_code == 400
    assert "Turning off “View and create goals” hides the client's own records" in text(refused)
    assert not PortalSettings.objects.exists()
    done = provider_http.post(reverse("clients:bulk"), {**confirm, "reason": "not_relevant"})
    assert done.status_code == 302
    assert (
        list(AuditEntry.objects.values_list("reason", flat=True))
        == ["Not relevant to this client"] * 2
    )


def test_bulk_view_only_needs_no_reason(provider_http, organization):
    client = ClientFactory(organization=organization)
    data = {"client": [client.pk], "action": "level", "section": "goals", "level": "view"}
    review = provider_http.post(reverse("clients:bulk"), data)
    assert "Reason, needed only when" not in text(review)


def test_the_reason_never_reaches_the_clients_email(
    provider, organization, client_record, django_capture_on_commit_callbacks
):
    organization.email_clients_on_portal_changes = True
    organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        save(
            provider,
            client_record,
            {"journal": "off"},
            reason="other",
            reason_other="concerns about a partner",
        )
    (message,) = mail.outbox
    assert "Turned off: Journal" in message.body
    assert "partner" not in message.body and "Risk" not in message.body


def test_the_admin_inline_asks_for_the_reason_too(client, organization, group):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    change = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "Needed only when a change turns off a section" in text(page)


def test_no_reason_for_what_family_members_see(admin_http, organization, group):
    url = reverse("portal_settings:group-family", args=[group.pk])
    version = admin_http.get(url).context["version"]
    response = admin_http.post(url, {"version": version, "section-goals": "off"})
    assert response.status_code == 302
    assert PortalSettings.objects.get(group=group).family_values == {"goals": "off"}
