"""A provider previews a client's portal: exactly what the client sees, read-only, recorded."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal.goals.models import Goal
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def start(http, client):
    return http.post(reverse("portal_settings:preview", args=[client.pk]))


def test_preview_shows_the_clients_own_tabs_with_a_banner_and_is_recorded(
    provider_http, provider, client_record
):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    assert start(provider_http, client_record).url == reverse("portal:home")
    page = provider_http.get(reverse("portal:home")).content.decode()
    assert "Preview:" in page and client_record.user.get_full_name() in page
    assert reverse("portal:goals") in page
    assert reverse("portal:billing") not in page  # off for this client, so off in the preview
    assert provider_http.get(reverse("portal:billing")).status_code == 403
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PORTAL_PREVIEWED)
    assert (entry.client, entry.actor) == (client_record, provider)


def test_every_action_is_refused_on_the_server_during_a_preview(provider_http, client_record):
    start(provider_http, client_record)
    response = provider_http.post(reverse("portal:goals"), {"title": "Run", "target_date": ""})
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert not Goal.objects.exists()


def test_another_practices_client_cannot_be_previewed(provider_http, other_organization):
    stranger = ClientFactory(organization=other_organization)
    assert start(provider_http, stranger).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PORTAL_PREVIEWED).exists()
    # and a key planted in the session for another practice's client shows nothing of it
    session = provider_http.session
    session["portal_preview_client"] = stranger.pk
    session.save()
    assert provider_http.get(reverse("portal:home")).status_code == 302


def test_exit_ends_the_preview(provider_http, client_record):
    start(provider_http, client_record)
    response = provider_http.post(reverse("portal_settings:preview-end"))
    assert response.url == reverse("clients:detail", args=[client_record.pk])
    assert provider_http.get(reverse("portal:home")).status_code == 302  # back to their app


def test_a_client_cannot_start_a_preview(client_http, organization):
    other = ClientFactory(organization=organization)
    assert start(client_http, other).status_code == 403
    page = client_http.get(reverse("portal:home")).content.decode()
    assert "Preview:" not in page


def test_preview_needs_a_post(provider_http, client_record):
    assert (
        provider_http.get(reverse("portal_settings:preview", args=[client_record.pk])).status_code
        == 405
    )


def test_the_preview_has_no_sign_out_and_a_disabled_password_form(provider_http, client_record):
    """Fresh-eyes finding: Sign out in the previewed portal ended the provider's session."""
    start(provider_http, client_record)
    home = provider_http.get(reverse("portal:home")).content.decode()
    assert reverse("accounts:logout") not in home
    assert reverse("portal_settings:preview-end") in home
    profile = provider_http.get(reverse("portal:profile")).content.decode()
    assert "<fieldset disabled>" in profile


def test_a_refused_action_in_a_preview_does_not_say_contact_the_practice(
    provider_http, client_record
):
    start(provider_http, client_record)
    page = provider_http.post(reverse("portal:goals"), {"title": "Run"}).content.decode()
    assert "read-only" in page
    assert "contact" not in page.split("<main")[1]


def test_the_history_shows_a_preview_without_empty_values(provider_http, client_record):
    start(provider_http, client_record)
    provider_http.post(reverse("portal_settings:preview-end"))
    page = provider_http.get(reverse("portal_settings:client", args=[client_record.pk]))
    text = page.content.decode()
    assert "Portal previewed by a provider</strong></p>" in text
    assert "— → —" not in text


def test_an_archived_clients_menu_offers_neither_preview_nor_the_login_switch(
    provider_http, provider, client_record
):
    from clients.services import client_archive

    client_archive(actor=provider, client=client_record)
    page = provider_http.get(reverse("clients:detail", args=[client_record.pk])).content.decode()
    assert reverse("portal_settings:preview", args=[client_record.pk]) not in page
    assert reverse("clients:portal-login", args=[client_record.pk]) not in page
    assert reverse("clients:restore", args=[client_record.pk]) in page


def test_an_archived_client_cannot_be_previewed_by_a_crafted_post(
    provider_http, provider, client_record
):
    """Red-team finding: the menu hides Preview for an archived client, but a POST worked."""
    from clients.services import client_archive

    client_archive(actor=provider, client=client_record)
    response = start(provider_http, client_record)
    assert response.url == reverse("clients:detail", args=[client_record.pk])
    page = provider_http.get(response.url).content.decode()
    assert f"{client_record.name} is archived, so their portal cannot be previewed" in page
    assert "portal_preview_client" not in provider_http.session
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PORTAL_PREVIEWED).exists()
    assert provider_http.get(reverse("portal:home")).status_code == 302  # no preview opened


def test_a_preview_open_when_the_client_is_archived_ends(provider_http, provider, client_record):
    from clients.services import client_archive

    start(provider_http, client_record)
    assert provider_http.get(reverse("portal:home")).status_code == 200
    client_archive(actor=provider, client=client_record)
    response = provider_http.get(reverse("portal:home"))
    assert response.status_code == 302 and "Preview:" not in response.content.decode()


def test_the_previews_profile_and_home_show_the_clients_details_not_the_providers(
    provider_http, provider, client_record
):
    """Red-team finding: the preview's profile showed the provider's own name and email."""
    provider.first_name, provider.last_name = "Prudence", "Provider"
    provider.save(update_fields=["first_name", "last_name"])
    client_record.user.first_name, client_record.user.last_name = "Cora", "Client"
    client_record.user.save(update_fields=["first_name", "last_name"])
    start(provider_http, client_record)
    profile = provider_http.get(reverse("portal:profile")).content.decode()
    details = profile.split('class="details"')[1].split("</dl>")[0]
    assert "<dd>Cora Client</dd>" in details and f"<dd>{client_record.user.email}</dd>" in details
    assert "Prudence" not in profile and provider.email not in profile
    assert "<fieldset disabled>" in profile  # and still read-only
    home = provider_http.get(reverse("portal:home")).content.decode()
    assert "Welcome, Cora" in home and "Prudence" not in home
