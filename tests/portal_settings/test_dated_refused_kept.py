"""Dates refused on SAVE (passed, the wrong way round, a level without dates) are shown again
as the provider typed them, with the error, their row open; and the rest of what they chose
is kept too, so correcting the dates and clicking SAVE saves it all."""

import html
import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from tests.portal_settings.test_views import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "settings-panel"}


def dated_row(response, key):
    (row,) = [row for row in response.context["rows"] if row["section"].key == key]
    return row["dated"]


def chosen(response, key):
    (row,) = [row for row in response.context["rows"] if row["section"].key == key]
    (value,) = [choice["value"] for choice in row["choices"] if choice["selected"]]
    return value


def details_of(page: str, key: str) -> str:
    """The opening tag of the row's Dates disclosure."""
    return re.search(rf'<details class="dated[^"]*"[^>]*data-section="{key}"[^>]*>', page)[0]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_until_that_has_passed_is_shown_again_as_typed(provider_http, client_record, headers):
    url = reverse("portal_settings:client", args=[client_record.pk])
    data = form_data(provider_http.get(url), goals="view", note="per the care team")
    data |= {
        "dated-billing-level": "off",
        "dated-billing-from": "2019-01-01T09:00",
        "dated-billing-until": "2019-01-02T17:30",
    }
    refused = provider_http.post(url, data, headers=headers)
    page = html.unescape(refused.content.decode())

    assert refused.status_code == 400
    assert "Until has already passed" in page and "Nothing was saved." in page
    billing = dated_row(refused, "billing")
    assert billing["from_value"] == "2019-01-01T09:00"
    assert billing["until_value"] == "2019-01-02T17:30"
    assert [level["value"] for level in billing["levels"] if level["selected"]] == ["off"]
    assert 'value="2019-01-02T17:30"' in page
    assert " open" in details_of(page, "billing")  # the row's Dates are open, not folded away
    # The refused fields say so, and point at the error.
    until = re.search(r'<input type="datetime-local" id="dated-billing-until"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in until and 'aria-describedby="settings-error"' in until
    assert 'id="settings-error"' in page
    # Another row's dates are not marked.
    assert (
        "aria-invalid"
        not in re.search(r'<input type="datetime-local" id="dated-goals-until"[^>]*>', page)[0]
    )
    # The rest of the form as the provider left it.
    assert chosen(refused, "goals") == "view"
    assert 'value="per the care team"' in page
    assert not PortalSettings.objects.filter(client=client_record).exists()
    assert not AuditEntry.objects.exists()


def test_dates_without_a_level_are_shown_again_with_no_dates_still_chosen(
    provider_http, client_record
):
    url = reverse("portal_settings:client", args=[client_record.pk])
    data = form_data(provider_http.get(url))
    data |= {"dated-journal-level": "", "dated-journal-until": "2031-05-01T08:00"}
    refused = provider_http.post(url, data)
    assert refused.status_code == 400
    journal = dated_row(refused, "journal")
    assert journal["until_value"] == "2031-05-01T08:00"
    assert [level["value"] for level in journal["levels"] if level["selected"]] == [""]
    assert " open" in details_of(html.unescape(refused.content.decode()), "journal")


def test_correcting_the_refused_dates_saves_them_with_the_kept_choices(
    provider_http, client_record
):
    url = reverse("portal_settings:client", args=[client_record.pk])
    data = form_data(provider_http.get(url), goals="view")
    data |= {
        "dated-billing-level": "off",
        "dated-billing-from": "2031-03-02T09:00",
        "dated-billing-until": "2031-03-01T09:00",
    }
    refused = provider_http.post(url, data)
    assert "Until must be after From" in html.unescape(refused.content.decode())

    again = form_data(refused)
    billing = dated_row(refused, "billing")
    again |= {
        "dated-billing-level": "off",
        "dated-billing-from": billing["from_value"],
        "dated-billing-until": "2031-03-03T09:00",
    }
    assert provider_http.post(url, again).status_code == 302
    saved = PortalSettings.objects.get(client=client_record)
    assert saved.values == {"goals": "view"}
    assert saved.schedule["billing"]["level"] == "off"
