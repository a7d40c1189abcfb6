"""Refusals say what is wrong in the product's words: the allowed range, the limit, the field
that does not exist; never a framework's message, and never another practice's data."""

import html

import pytest
from django.urls import reverse

from clients.models import Organization
from portal_settings.models import Preset
from portal_settings.services import ReasonRequired
from tests.clients.test_adult_age import PRACTICE_FORM
from tests.portal_settings.test_reasons import own, save

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_practice_may_share_its_name_with_another_practice(
    admin_http, organization, other_organization
):
    data = {**PRACTICE_FORM, "name": other_organization.name}
    response = admin_http.post(reverse("provider:practice"), data)
    assert response.status_code == 302, text(response)
    assert Organization.objects.get(pk=organization.pk).name == other_organization.name
    assert Organization.objects.get(pk=other_organization.pk).name == other_organization.name


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("adult_age", "-1", "Between 16 and 21 years."),
        ("adult_age", "99", "Between 16 and 21 years."),
        ("cancellation_cutoff_hours", "-1", "Between 0 and 168 hours."),
        ("booking_window_days", "-1", "Between 1 and 365 days."),
        ("max_upcoming_bookings", "-1", "Between 1 and 20 appointments."),
    ],
)
def test_a_practice_number_out_of_range_says_the_range(
    admin_http, organization, field, value, words
):
    data = {**PRACTICE_FORM, "name": organization.name, field: value}
    response = admin_http.post(reverse("provider:practice"), data)
    assert response.status_code == 400
    assert words in text(response)
    assert "greater than or equal" not in text(response)


@pytest.mark.parametrize(
    "other, words",
    [
        ("x" * 201, "at most 200 characters"),
        ("court\x00order", "a character that cannot be saved"),
    ],
)
def test_a_bad_other_reason_says_what_is_wrong(provider, client_record, other, words):
    with pytest.raises(ReasonRequired, match=words):
        save(provider, client_record, {"documents": "off"}, reason="other", reason_other=other)
    assert own(client_record) == {}


def test_a_bad_other_reason_for_a_move_says_what_is_wrong(provider_http, provider, client_record):
    from clients.models import ClientGroup
    from portal_settings.services import portal_settings_update
    from portal_settings.targets import Target

    teens = ClientGroup.objects.create(organization=client_record.organization, name="Teens")
    target = Target.of(teens).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"documents": "off"},
        shown_version=target.version_token(),
        reason="risk_of_harm",
    )
    user = client_record.user
    response = provider_http.post(
        reverse("clients:edit", args=[client_record.pk]),
        {
            "first_name": user.first_name,
            "last_name": user.last_name or "X",
            "email": user.email,
            "group": teens.pk,
            "reason": "other",
            "reason_other": "y" * 201,
        },
    )
    assert response.status_code == 400
    assert "at most 200 characters" in text(response)


def test_the_preset_form_gives_one_error_for_an_impossible_level(admin_http):
    response = admin_http.post(
        reverse("portal_settings:preset-create"), {"name": "Bad", "section-care_plans": "view"}
    )
    assert response.status_code == 400
    assert "“View care plans” can be Full, Off" in text(response)
    assert "Choose a level for at least one section" not in text(response)
    assert not Preset.objects.exists()


def test_the_preset_form_refuses_an_unknown_section(admin_http):
    response = admin_http.post(
        reverse("portal_settings:preset-create"),
        {"name": "Odd", "section-billing": "off", "section-bogus": "off"},
    )
    assert response.status_code == 400
    assert "'bogus' is not a Client Portal section" in text(response)
    assert not Preset.objects.exists()
