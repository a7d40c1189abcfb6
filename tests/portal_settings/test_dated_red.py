"""Access with dates, as a demanding user and an attacker tried it: each test a defect found
(or a rule that held under a crafted request)."""

import html
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from portal_settings.dated_events import dated_values_record
from portal_settings.models import PortalSettings
from portal_settings.services import ReasonRequired, portal_settings_update_check
from portal_settings.targets import Target
from tests.factories import ClientFactory
from tests.helpers import signed_in
from tests.portal_settings.test_dated_values import (
    Clock,
    day,
    day_and_time,
    history_notes,
    local_input,
    off,
    page_post,
    save_dated,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_a_dated_off_refused_for_want_of_a_reason_keeps_its_dates_on_the_page(
    provider_http, client_record
):
    """The refusal shows the provider's dated value again, so choosing a reason and SAVE
    saves it (not 'Nothing changed' with the dates silently dropped)."""
    url = reverse("portal_settings:client", args=[client_record.pk])
    until = local_input(timezone.now() + timedelta(days=30))
    response = page_post(
        provider_http,
        url,
        {"dated-documents-level": "off", "dated-documents-until": until},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Turning off “View and upload documents” hides the client's own records" in page
    assert "Reason, needed because “View and upload documents” would be hidden" in page
    row = next(r for r in response.context["rows"] if r["section"].key == "documents")
    assert row["dated"]["until_value"] == until
    assert [c["value"] for c in row["dated"]["levels"] if c["selected"]] == ["off"]
    assert not PortalSettings.objects.filter(client=client_record).exists()
    assert not AuditEntry.objects.filter(client=client_record).exists()


def test_dates_typed_with_no_dates_chosen_are_refused_not_dropped(provider_http, client_record):
    """A provider sets Billing to Off and types an Until under Dates, leaving "No dates": the
    Off would be saved for good and the date silently dropped."""
    url = reverse("portal_settings:client", args=[client_record.pk])
    until = local_input(timezone.now() + timedelta(days=30))
    response = page_post(
        provider_http,
        url,
        {"section-billing": "off", "dated-billing-level": "", "dated-billing-until": until},
    )
    assert response.status_code == 400
    assert "choose a level" in response.content.decode()
    assert "Nothing was saved." in response.content.decode()
    assert not PortalSettings.objects.filter(client=client_record).exists()


def test_no_dates_clears_a_dated_value_shown_with_its_dates(provider_http, client_record):
    """Clearing still works: the browser sends the stored dates back with "No dates"."""
    url = reverse("portal_settings:client", args=[client_record.pk])
    until = local_input(timezone.now() + timedelta(days=30))
    page_post(provider_http, url, {"dated-billing-level": "off", "dated-billing-until": until})
    assert PortalSettings.objects.get(client=client_record).schedule
    response = page_post(
        provider_http, url, {"dated-billing-level": "", "dated-billing-until": until}
    )
    assert response.status_code == 302
    assert PortalSettings.objects.get(client=client_record).schedule == {}


def test_the_confirmation_says_a_level_waits_for_the_clients_own_dates(
    provider_http, client_record
):
    """With Billing Off until a date in force, choosing View only does not give View only now:
    the confirmation must not say "Off → View only" as if it did."""
    url = reverse("portal_settings:client", args=[client_record.pk])
    until = timezone.now() + timedelta(days=30)
    page_post(
        provider_http,
        url,
        {"dated-billing-level": "off", "dated-billing-until": local_input(until)},
    )
    response = page_post(
        provider_http,
        url,
        {
            "section-billing": "view",
            "dated-billing-level": "off",
            "dated-billing-until": local_input(until),
        },
    )
    assert response.status_code == 302
    confirmation = next(m.message for m in response.wsgi_request._messages)
    assert "View and pay bills: Off → View only." not in confirmation
    assert f"Full → View only after the dates (now Off until {day(until)}" in confirmation
    assert PortalSettings.objects.get(client=client_record).values == {"billing": "view"}


def test_the_bulk_review_says_a_level_waits_for_a_clients_own_dates(
    provider, provider_http, organization
):
    """The roster's review said "Off → View only … It takes effect at their next request" for a
    client whose own dated Off keeps billing off for a month."""
    dated, plain = (
        ClientFactory(organization=organization),
        ClientFactory(organization=organization),
    )
    until = timezone.now() + timedelta(days=30)
    save_dated(provider, dated, {"billing": off(end=until)})
    data = {
        "client": [dated.pk, plain.pk],
        "action": "level",
        "section": "billing",
        "level": "view",
    }
    page = html.unescape(provider_http.post(reverse("clients:bulk"), data).content.decode())
    assert "Full → View only for 1 client" in page
    assert "Off → View only for 1 client" not in page
    assert "Full → View only once their own dates end for 1 client" in page


def test_a_plain_off_of_records_that_outlasts_a_dated_off_needs_its_own_reason(
    provider, client_record
):
    """Documents Off until a date (with a reason), then Documents Off for good: the documents
    stay hidden after the dates, so the plain Off asks for a reason too."""
    until = timezone.now() + timedelta(days=10)
    save_dated(provider, client_record, {"documents": off(end=until)}, reason="client_request")
    with pytest.raises(ReasonRequired):
        save_dated(provider, client_record, {}, changes={"documents": "off"})
    assert PortalSettings.objects.get(client=client_record).values == {}
    save_dated(provider, client_record, {}, changes={"documents": "off"}, reason="not_relevant")
    entry = AuditEntry.objects.filter(client=client_record, new_value="off").get()
    assert entry.reason == "Not relevant to this client"


def test_the_admins_check_asks_for_the_reason_the_save_will(provider, client_record):
    """The admin's settings block checks before it saves anything: it must refuse what the
    SAVE refuses (else the admin's whole form is thrown away at save time)."""
    until = timezone.now() + timedelta(days=10)
    save_dated(provider, client_record, {"documents": off(end=until)}, reason="client_request")
    target = Target.of(client_record).reload()
    with pytest.raises(ReasonRequired):
        portal_settings_update_check(
            target=target, changes={"documents": "off"}, shown_version=target.version_token()
        )


def test_the_history_of_a_dated_value_reads_the_same_after_the_scheduled_run(
    provider, client_record, clock
):
    """The run's own 'started' and 'ended' entries are not changes of the value: the History
    must not then say the value was 'Replaced before it started'."""
    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    clock.set_to(until + timedelta(hours=1))
    url = reverse("portal_settings:client", args=[client_record.pk])
    before_run = history_notes(signed_in(provider), url)
    assert before_run == [
        f"Started {day_and_time(start)} · Ended {day_and_time(until)} · no longer counts"
    ]
    call_command("portal_dated_values", stdout=StringIO())
    assert history_notes(signed_in(provider), url) == before_run


def test_a_dated_value_at_a_repeated_local_hour_does_not_block_every_save(
    provider, provider_http, organization, client_record
):
    """A stored end at 1:30 AM on the night the clocks go back (set before the practice changed
    its time zone) is shown as 1:30 AM and posted back unchanged: the SAVE of another row must
    not be refused as 'happens twice'."""
    organization.time_zone = "Europe/London"
    organization.save()
    until = datetime(2027, 10, 31, 1, 30, tzinfo=dt_timezone.utc)  # 1:30 GMT, the second one
    save_dated(provider, client_record, {"billing": off(end=until)})
    url = reverse("portal_settings:client", args=[client_record.pk])
    row = next(r for r in provider_http.get(url).context["rows"] if r["section"].key == "billing")
    assert row["dated"]["until_value"] == "2027-10-31T01:30"
    response = page_post(
        provider_http,
        url,
        {
            "section-goals": "view",
            "dated-billing-level": "off",
            "dated-billing-from": "",
            "dated-billing-until": row["dated"]["until_value"],
        },
    )
    assert response.status_code == 302
    row = PortalSettings.objects.get(client=client_record)
    assert row.values == {"goals": "view"}
    assert row.schedule == {"billing": off(end=until).as_json()}


def test_a_late_run_past_both_moments_emails_no_stale_turned_off(
    provider, organization, client_record, clock, mailoutbox, django_capture_on_commit_callbacks
):
    """A run that missed a dated Off's start and its end records both, but must not email the
    client 'Turned off: Billing' and 'Turned on: Billing' at once: their portal is as before,
    as their portal home says (no notice)."""
    organization.email_clients_on_portal_changes = True
    organization.save()
    start = timezone.now() + timedelta(days=1)
    save_dated(provider, client_record, {"billing": off(start=start, end=start + timedelta(1))})
    clock.set_to(start + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert dated_values_record() == 2
    assert mailoutbox == []


def test_a_late_run_emails_what_still_holds(
    provider, organization, client_record, clock, mailoutbox, django_capture_on_commit_callbacks
):
    organization.email_clients_on_portal_changes = True
    organization.save()
    start = timezone.now() + timedelta(days=1)
    save_dated(provider, client_record, {"billing": off(start=start, end=start + timedelta(9))})
    clock.set_to(start + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert dated_values_record() == 1
    assert [m.to for m in mailoutbox] == [[client_record.user.email]]
    assert "Turned off: Billing" in mailoutbox[0].body


def test_two_sections_starting_together_email_each_client_once(
    provider, organization, group, clock, mailoutbox, django_capture_on_commit_callbacks
):
    organization.email_clients_on_portal_changes = True
    organization.save()
    member = ClientFactory(organization=organization, group=group)
    start = timezone.now() + timedelta(days=1)
    save_dated(provider, group, {"billing": off(start=start), "packages": off(start=start)})
    clock.set_to(start)
    with django_capture_on_commit_callbacks(execute=True):
        assert dated_values_record() == 2
    assert [m.to for m in mailoutbox] == [[member.user.email]]
    assert "Turned off: Billing, Packages" in mailoutbox[0].body


def test_extending_a_dated_off_of_records_needs_a_reason(provider, client_record):
    """Documents Off until next week (with a reason), then changed to Off until next year: the
    longer hiding was saved with no reason asked."""
    now = timezone.now()
    save_dated(
        provider, client_record, {"documents": off(end=now + timedelta(7))}, reason="not_relevant"
    )
    with pytest.raises(ReasonRequired):
        save_dated(provider, client_record, {"documents": off(end=now + timedelta(365))})
    assert PortalSettings.objects.get(client=client_record).schedule == {
        "documents": off(end=now + timedelta(7)).as_json()
    }


@pytest.mark.parametrize("kind", ["client", "group"])
def test_dates_for_another_practices_client_or_group_are_a_404_and_save_nothing(
    provider_http, other_organization, kind
):
    from tests.factories import ClientGroupFactory

    obj = (
        ClientFactory(organization=other_organization)
        if kind == "client"
        else ClientGroupFactory(organization=other_organization)
    )
    url = reverse(f"portal_settings:{kind}", args=[obj.pk])
    response = provider_http.post(
        url,
        {"version": "x", "dated-billing-level": "off", "dated-billing-until": "2030-01-01T00:00"},
    )
    assert response.status_code == 404
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="setting_changed").exists()
