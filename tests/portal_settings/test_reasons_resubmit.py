"""A SAVE refused for want of a reason keeps the provider's choices on the page, so choosing a
reason and clicking SAVE again saves them (not "Nothing changed")."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.targets import Target
from tests.portal_settings.test_views import form_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def selected(response) -> dict:
    return {
        row["section"].key: value
        for row in response.context["rows"]
        for value in [c["value"] for c in row["choices"] if c["selected"]]
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_the_refused_page_keeps_the_choices_and_saves_them_with_a_reason(
    provider_http, client_record, htmx
):
    url = reverse("portal_settings:client", args=[client_record.pk])
    headers = {"HX-Request": "true", "HX-Target": "settings-panel"} if htmx else {}
    page = provider_http.get(url)
    data = form_data(page, documents="off", billing="view", note="asked by phone")
    refused = provider_http.post(url, data, headers=headers)
    assert refused.status_code == 400
    assert "choose a reason from the list" in text(refused)
    assert selected(refused)["documents"] == "off"
    assert selected(refused)["billing"] == "view"
    assert 'value="asked by phone"' in text(refused)
    assert Target.of(client_record).reload().own_values() == {}

    again = provider_http.post(
        url, form_data(refused, reason="client_request", note="asked by phone"), headers=headers
    )
    assert again.status_code in (200, 302)
    assert Target.of(client_record).reload().own_values() == {
        "documents": "off",
        "billing": "view",
    }
    assert AuditEntry.objects.get(section="documents").reason == "The client's request"
