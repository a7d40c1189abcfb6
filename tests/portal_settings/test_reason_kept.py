"""After a refusal the reason fields keep what was chosen; where a reason is needed, the legend
says why; the client-email toggle is on the clients' tab only."""

import html

import pytest
from django.urls import reverse

from portal_settings.models import PortalSettings
from portal_settings.targets import Target
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

BULK = reverse("clients:bulk")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_bulk_review_keeps_the_reason_and_says_why_it_is_needed(provider_http, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {
        "client": [c.pk for c in clients],
        "action": "level",
        "section": "goals",
        "level": "off",
    }
    review = provider_http.post(BULK, data)
    assert "Reason, needed because “View and create goals” would be hidden" in text(review)
    assert "needed only when" not in text(review)
    confirm = {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    refused = provider_http.post(BULK, {**confirm, "reason": "other", "reason_other": " "})
    assert refused.status_code == 400
    assert 'value="other" checked' in text(refused)
    refused = provider_http.post(
        BULK, {**confirm, "reason": "bogus", "reason_other": "court order"}
    )
    assert 'value="court order"' in text(refused)
    assert not PortalSettings.objects.exists()


def test_the_single_preset_form_keeps_the_reason_after_a_refusal(
    provider_http, practice_admin, client_record
):
    from portal_settings.services import preset_save

    preset = preset_save(
        actor=practice_admin,
        organization=client_record.organization,
        name="Quiet",
        values={"journal": "off"},
    )
    target = Target.of(client_record).reload()
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {
            "preset": preset.pk,
            f"levels-{preset.pk}": preset.levels_token(),
            "version": target.version_token(),
            "reason": "other",
            "reason_other": "",
        },
        follow=True,
    )
    page = text(response)
    assert "hides the client's own records" in page
    assert 'value="other" checked' in page
    assert not PortalSettings.objects.filter(client=client_record).exists()
    # Kept for the one page that follows the refusal only.
    again = text(provider_http.get(reverse("portal_settings:client", args=[client_record.pk])))
    assert 'value="other" checked' not in again


def test_the_client_email_toggle_is_on_the_clients_tab_only(admin_http):
    clients_tab = text(admin_http.get(reverse("portal_settings:organization")))
    family_tab = text(admin_http.get(reverse("portal_settings:organization-family")))
    assert "Telling clients about changes" in clients_tab
    assert "Telling clients about changes" not in family_tab


def legends(response) -> list[str]:
    return [part.split("</legend>")[0] for part in text(response).split("<legend>")[1:]]


@pytest.mark.parametrize("htmx", [False, True])
def test_the_settings_page_refused_for_want_of_a_reason_says_which_sections_need_it(
    provider_http, client_record, htmx
):
    from tests.portal_settings.test_views import form_data

    url = reverse("portal_settings:client", args=[client_record.pk])
    headers = {"HX-Request": "true", "HX-Target": "settings-panel"} if htmx else {}
    data = form_data(provider_http.get(url), documents="off", journal="off", billing="off")
    refused = provider_http.post(url, data, headers=headers)
    assert refused.status_code == 400
    reasons = [legend for legend in legends(refused) if legend.startswith("Reason")]
    assert (
        "Reason, needed because “View and create journal entries”, “View and upload documents” "
        "would be hidden" in reasons
    )
    assert not PortalSettings.objects.filter(client=client_record).exists()
    # A page not refused keeps the general words.
    assert all(
        "needed only when" in legend
        for legend in legends(provider_http.get(url))
        if legend.startswith("Reason")
    )


def test_the_preset_form_refused_for_want_of_a_reason_says_which_sections_need_it(
    provider_http, practice_admin, client_record
):
    from portal_settings.services import preset_save

    preset = preset_save(
        actor=practice_admin,
        organization=client_record.organization,
        name="Quiet",
        values={"journal": "off", "billing": "off"},
    )
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {
            "preset": preset.pk,
            f"levels-{preset.pk}": preset.levels_token(),
            "version": Target.of(client_record).reload().version_token(),
        },
        follow=True,
    )
    page = text(response)
    assert (
        "Reason, needed because “View and create journal entries” would be hidden</legend>" in page
    )
    assert not PortalSettings.objects.filter(client=client_record).exists()
