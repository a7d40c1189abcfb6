"""Access with dates, end to end: the service (audit, reasons, stale forms, refusals), the
settings pages, the portal enforcing a dated value at the next request with no job, the
client's notices when one starts or ends, the report CSV and the bulk path keeping them."""

import zoneinfo
from datetime import timedelta
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from portal_settings.levels import Access
from portal_settings.models import PortalSettings
from portal_settings.schedule import Dated
from portal_settings.services import (
    ReasonRequired,
    SettingsValueError,
    StaleSettingsError,
    bulk_clients_with_settings,
    bulk_settings_fingerprint,
    portal_settings_bulk_update,
    portal_settings_update,
)
from portal_settings.targets import FAMILY, Target
from tests.factories import ClientFactory, FamilyLinkFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


class Clock:
    """A stopped clock for timezone.now() (every caller of django.utils.timezone.now() sees
    it), moved only by the test: boundaries to the second, whatever the test's own speed."""

    def __init__(self, monkeypatch):
        self.moment = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.moment)
        # The audit trail's default was bound to the real function when the model was defined.
        monkeypatch.setattr(
            AuditEntry._meta.get_field("created_at"), "_get_default", lambda: self.moment
        )

    def move(self, **delta):
        self.moment += timedelta(**delta)

    def set_to(self, moment):
        self.moment = moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def save_dated(actor, obj, dated, *, changes=None, reason="", version=None):
    target = Target.of(obj).reload()
    return portal_settings_update(
        actor=actor,
        target=target,
        changes=changes or {},
        shown_version=version or target.version_token(),
        reason=reason,
        dated=dated,
    )


def off(start=None, end=None) -> Dated:
    return Dated(Access.OFF, start, end)


def local_input(moment) -> str:
    return timezone.localtime(moment, NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def day(moment) -> str:
    local = timezone.localtime(moment, NEW_YORK)
    return f"{local:%b} {local.day}"


# The service


def test_a_dated_off_is_saved_with_one_audit_entry_and_a_new_version(provider, client_record):
    until = timezone.now() + timedelta(days=10)
    before = Target.of(client_record).reload().version_token()
    changes = save_dated(provider, client_record, {"billing": off(end=until)})
    assert [(c.section.key, c.dated, c.access) for c in changes] == [("billing", True, Access.OFF)]
    row = PortalSettings.objects.get(client=client_record)
    assert row.schedule == {"billing": off(end=until).as_json()}
    assert row.values == {}  # the plain value is untouched
    assert Target.of(client_record).reload().version_token() != before
    entry = AuditEntry.objects.get(client=client_record, section="billing")
    assert entry.old_value == "dated:none"
    assert entry.new_value == f"dated:off||{off(end=until).as_json()['until']}"


def test_saving_the_same_dated_value_again_changes_nothing(provider, client_record):
    dated = {"billing": off(end=timezone.now() + timedelta(days=3))}
    save_dated(provider, client_record, dated)
    assert save_dated(provider, client_record, dated) == []
    assert AuditEntry.objects.filter(client=client_record).count() == 1


def test_clearing_a_dated_value_removes_it_and_is_audited(provider, client_record):
    save_dated(provider, client_record, {"billing": off(end=timezone.now() + timedelta(days=3))})
    changes = save_dated(provider, client_record, {"billing": None})
    assert changes[0].access is Access.FULL  # what the client has again
    assert PortalSettings.objects.get(client=client_record).schedule == {}
    assert AuditEntry.objects.filter(client=client_record, new_value="dated:none").count() == 1


def test_a_stale_form_saves_no_dated_value(provider, client_record):
    version = Target.of(client_record).reload().version_token()
    save_dated(provider, client_record, {}, changes={"goals": "off"}, reason="client_request")
    with pytest.raises(StaleSettingsError):
        save_dated(
            provider,
            client_record,
            {"billing": off(end=timezone.now() + timedelta(days=1))},
            version=version,
        )
    assert PortalSettings.objects.get(client=client_record).schedule == {}


def test_a_dated_off_of_records_needs_a_reason_even_when_it_starts_later(provider, client_record):
    later = timezone.now() + timedelta(days=5)
    with pytest.raises(ReasonRequired):
        save_dated(provider, client_record, {"documents": off(start=later)})
    assert not PortalSettings.objects.filter(client=client_record).exists()
    save_dated(provider, client_record, {"documents": off(start=later)}, reason="risk_of_harm")
    entry = AuditEntry.objects.get(client=client_record, section="documents")
    assert entry.reason == "Risk of harm (clinician's judgment)"


def test_a_crafted_dated_value_that_has_ended_is_refused(provider, client_record):
    with pytest.raises(SettingsValueError, match="already passed"):
        save_dated(provider, client_record, {"billing": off(end=timezone.now() - timedelta(1))})
    assert not PortalSettings.objects.filter(client=client_record).exists()


def test_dates_are_refused_on_the_practice_and_family_columns(
    provider, organization, group, client_record
):
    dated = {"billing": off(end=timezone.now() + timedelta(days=1))}
    with pytest.raises(SettingsValueError, match="client's, a family member's or a group's"):
        save_dated(provider, organization, dated)
    for column in (Target.of(organization, FAMILY), Target.of(group, FAMILY)):
        target = column.reload()
        assert not target.takes_dated_values
        with pytest.raises(SettingsValueError, match="client's, a family member's or a group's"):
            portal_settings_update(
                actor=provider,
                target=target,
                changes={},
                shown_version=target.version_token(),
                dated=dated,
            )


def test_a_bulk_change_keeps_each_clients_dated_values(provider, organization, client_record):
    dated = off(end=timezone.now() + timedelta(days=3))
    save_dated(provider, client_record, {"packages": dated})
    clients = bulk_clients_with_settings(organization=organization, client_ids=[client_record.pk])
    portal_settings_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=[client_record.pk],
        changes={"billing": "view"},
        shown_fingerprint=bulk_settings_fingerprint(clients),
    )
    row = PortalSettings.objects.get(client=client_record)
    assert row.values == {"billing": "view"}
    assert row.schedule == {"packages": dated.as_json()}


# The portal, with a moved clock and no job


def test_a_dated_off_ends_at_the_next_request_after_until(provider, client_record, clock):
    until = timezone.now() + timedelta(seconds=60)
    save_dated(provider, client_record, {"billing": off(end=until)})
    portal = signed_in(client_record.user)
    url = reverse("portal:billing")
    clock.set_to(until - timedelta(seconds=1))
    assert portal.get(url).status_code == 403  # just before: still off
    clock.set_to(until)
    assert portal.get(url).status_code == 200  # at until: ended
    clock.set_to(until + timedelta(seconds=1))
    assert portal.get(url).status_code == 200


def test_a_dated_off_starts_at_the_next_request_at_from(provider, client_record, clock):
    start = timezone.now() + timedelta(seconds=60)
    save_dated(provider, client_record, {"billing": off(start=start)})
    portal = signed_in(client_record.user)
    url = reverse("portal:billing")
    clock.set_to(start - timedelta(seconds=1))
    assert portal.get(url).status_code == 200  # just before
    clock.set_to(start)
    response = portal.get(url)
    assert response.status_code == 403  # at from
    assert "not part of your portal" in response.content.decode()
    # The tab bar reads the same resolution: the Billing tab is gone too.
    assert 'href="/portal/billing/"' not in portal.get(reverse("portal:home")).content.decode()
    clock.set_to(start + timedelta(seconds=1))
    assert portal.get(url).status_code == 403  # just after


def test_a_groups_dated_off_reaches_its_clients_until_it_ends(provider, group, clock):
    member = ClientFactory(organization=group.organization, group=group)
    save_dated(provider, group, {"packages": off(end=timezone.now() + timedelta(seconds=30))})
    portal = signed_in(member.user)
    assert portal.get(reverse("portal:packages")).status_code == 403
    clock.move(seconds=30)
    assert portal.get(reverse("portal:packages")).status_code == 200


# Notices: once when a dated value starts, once when it ends


def test_the_client_is_told_once_when_a_dated_value_starts_and_once_when_it_ends(
    provider, client_record, clock
):
    # Days apart, so the notice's date is the start's or the end's, not the day it was saved.
    start = timezone.now() + timedelta(days=2)
    until = start + timedelta(days=3)
    home = reverse("portal:home")
    signed_in(client_record.user).get(home)  # the first visit records what they have
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    assert "Your practice" not in signed_in(client_record.user).get(home).content.decode()

    clock.move(days=2)
    portal = signed_in(client_record.user)  # a new sign-in: the old session has timed out
    page = portal.get(home).content.decode()
    assert f"Your practice turned off Billing on {day(start)}." in page
    assert "Your practice" not in portal.get(home).content.decode()  # once

    clock.move(days=3)
    portal = signed_in(client_record.user)
    page = portal.get(home).content.decode()
    assert f"Your practice turned on Billing on {day(until)}." in page
    assert "Your practice" not in portal.get(home).content.decode()


# The settings pages


def page_post(http, url, data):
    version = http.get(url).context["version"]
    return http.post(url, {"version": version, **data})


def test_the_settings_page_sets_billing_off_until_a_date_and_shows_it(provider_http, client_record):
    url = reverse("portal_settings:client", args=[client_record.pk])
    until = timezone.now() + timedelta(days=20)
    response = page_post(
        provider_http,
        url,
        {
            "dated-billing-level": "off",
            "dated-billing-from": "",
            "dated-billing-until": local_input(until),
        },
    )
    assert response.status_code == 302
    page = provider_http.get(url).content.decode()
    assert f"Set for this client: Off until {day(until)}" in page
    # The row's Dates summary: one colon, the state in brackets ("Dates: Off until Dec 17,
    # 10:00 AM (in force now)"), not "…, 10:00 AM: in force now".
    assert " (in force now)</summary>" in page
    assert ": in force now" not in page
    schedule = PortalSettings.objects.get(client=client_record).schedule
    assert schedule["billing"]["level"] == "off"
    # The History says it too.
    assert "No dates → Set for this client: Off until" in page


def test_a_rows_dates_controls_name_the_row_by_its_label(provider_http, client_record):
    """Under the row "View and pay bills", its Dates controls say "View and pay bills" too
    (to a screen reader; on screen they sit under that label), not the tab name "Billing"."""
    import html
    import re

    url = reverse("portal_settings:client", args=[client_record.pk])
    until = timezone.now() + timedelta(days=20)
    page_post(
        provider_http,
        url,
        {"dated-billing-level": "off", "dated-billing-until": local_input(until)},
    )
    page = html.unescape(provider_http.get(url).content.decode())
    names = {
        field: re.sub(r"<[^>]+>", "", label).strip()
        for field, label in re.findall(r'<label for="(dated-billing-\w+)">(.*?)</label>', page)
    }
    assert names == {
        "dated-billing-level": "View and pay bills, Level",
        "dated-billing-from": "View and pay bills, From (optional)",
        "dated-billing-until": "View and pay bills, Until (optional)",
    }
    assert 'Dates<span class="visually-hidden"> for View and pay bills</span>' in page
    assert "Billing with dates" not in page
    refused = page_post(
        provider_http, url, {"dated-billing-level": "off", "dated-billing-until": "31/12/2030"}
    )
    assert "For “View and pay bills”, Until must be a date and time" in html.unescape(
        refused.content.decode()
    )


def test_the_settings_page_announces_a_value_still_to_come(provider_http, client_record):
    url = reverse("portal_settings:client", args=[client_record.pk])
    start = timezone.now() + timedelta(days=3)
    page_post(
        provider_http, url, {"dated-billing-level": "off", "dated-billing-from": local_input(start)}
    )
    page = provider_http.get(url).content.decode()
    assert f'Inherited from practice: Full · <span class="upcoming">Off from {day(start)}' in page
    assert " (not started yet)</summary>" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"dated-billing-level": "off"}, "give a From or an Until"),
        (
            {
                "dated-billing-level": "off",
                "dated-billing-from": "2030-03-02T09:00",
                "dated-billing-until": "2030-03-01T09:00",
            },
            "Until must be after From",
        ),
        (
            {"dated-billing-level": "off", "dated-billing-from": "2027-03-14T02:30"},
            "does not exist in America/New_York",
        ),
        (
            {"dated-billing-level": "off", "dated-billing-until": "2027-11-07T01:30"},
            "happens twice in America/New_York",
        ),
        (
            {"dated-billing-level": "sometimes", "dated-billing-until": "2030-01-01T00:00"},
            "need a level",
        ),
        (
            {"dated-billing-level": "off", "dated-billing-until": "31/12/2030"},
            "must be a date and time",
        ),
        (
            {"dated-billing-level": "off", "dated-billing-until": "2019-01-01T00:00"},
            "already passed",
        ),
        ({"dated-nothing-level": "off"}, "no field"),
    ],
)
def test_bad_dates_are_refused_in_the_forms_words_and_nothing_is_saved(
    provider_http, client_record, data, words
):
    url = reverse("portal_settings:client", args=[client_record.pk])
    response = page_post(provider_http, url, data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert "Nothing was saved." in response.content.decode()
    assert not PortalSettings.objects.filter(client=client_record).exists()
    assert not AuditEntry.objects.filter(client=client_record).exists()


def test_the_practice_page_has_no_date_fields_and_refuses_them(admin_http, organization):
    url = reverse("portal_settings:organization")
    assert "dated-billing-level" not in admin_http.get(url).content.decode()
    response = page_post(
        admin_http, url, {"dated-billing-level": "off", "dated-billing-until": "2030-01-01T00:00"}
    )
    assert response.status_code == 400


def test_the_group_page_sets_a_dated_value(provider_http, group):
    url = reverse("portal_settings:group", args=[group.pk])
    until = timezone.now() + timedelta(days=40)
    response = page_post(
        provider_http,
        url,
        {"dated-packages-level": "off", "dated-packages-until": local_input(until)},
    )
    assert response.status_code == 302
    assert f"Set for this group: Off until {day(until)}" in provider_http.get(url).content.decode()


def test_an_ended_dated_value_stays_listed_but_no_longer_counts(
    provider, provider_http, client_record, clock
):
    until = timezone.now() + timedelta(seconds=30)
    save_dated(provider, client_record, {"billing": off(end=until)})
    clock.move(seconds=31)
    url = reverse("portal_settings:client", args=[client_record.pk])
    page = provider_http.get(url).content.decode()
    assert "ended, no longer counts" in page
    assert "Inherited from practice: Full" in page
    # Sent back unchanged with the rest of the form, an ended value is not refused, and is
    # no change.
    row = next(r for r in provider_http.get(url).context["rows"] if r["section"].key == "billing")
    response = page_post(
        provider_http,
        url,
        {
            "dated-billing-level": "off",
            "dated-billing-from": row["dated"]["from_value"],
            "dated-billing-until": row["dated"]["until_value"],
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(client=client_record).count() == 1


def test_the_report_csv_shows_dated_values(provider, admin_http, client_record):
    until = timezone.now() + timedelta(days=8)
    save_dated(provider, client_record, {"billing": off(end=until)})
    response = admin_http.get(reverse("portal_settings:report-csv"))
    body = b"".join(response.streaming_content).decode()
    assert f"Set for this client: Off until {day(until)}" in body


# The History: when a dated value started and ended, with no job


def history_notes(http, url) -> list[str]:
    page = http.get(url).content.decode()
    return [
        part.split("</p>")[0] for part in page.split('<p class="history-note history-dated">')[1:]
    ]


def test_the_history_says_when_a_dated_value_started_and_ended(
    provider, provider_http, client_record, clock
):
    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    url = reverse("portal_settings:client", args=[client_record.pk])
    assert history_notes(provider_http, url) == [
        f"Starts {day_and_time(start)} · Ends {day_and_time(until)}"
    ]
    clock.set_to(start)
    provider_http = signed_in(provider)
    assert history_notes(provider_http, url) == [
        f"Started {day_and_time(start)} · Ends {day_and_time(until)}"
    ]
    clock.set_to(until)
    provider_http = signed_in(provider)
    assert history_notes(provider_http, url) == [
        f"Started {day_and_time(start)} · Ended {day_and_time(until)} · no longer counts"
    ]


def test_the_history_ends_a_dated_value_when_it_is_replaced(
    provider, provider_http, client_record, clock
):
    save_dated(provider, client_record, {"billing": off(end=timezone.now() + timedelta(days=5))})
    set_at = timezone.now()
    clock.move(days=1)
    save_dated(provider, client_record, {"billing": None})
    url = reverse("portal_settings:client", args=[client_record.pk])
    notes = history_notes(signed_in(provider), url)
    assert notes == [
        f"Started {day_and_time(set_at)} · Ended {day_and_time(set_at + timedelta(days=1))}, "
        "when changed"
    ]


def day_and_time(moment) -> str:
    with timezone.override(NEW_YORK):
        from portal_settings.schedule import day_words

        return day_words(moment)


# The scheduled run: History entries at the moments, and the emails, once


def test_the_run_records_each_start_and_end_once_at_its_moment(
    provider, provider_http, client_record, clock
):
    from django.core.management import call_command

    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    call_command("portal_dated_values", stdout=StringIO())
    assert not AuditEntry.objects.filter(action__startswith="dated_").exists()  # nothing yet

    clock.set_to(until + timedelta(hours=5))  # a run missed both moments
    call_command("portal_dated_values", stdout=StringIO())
    call_command("portal_dated_values", stdout=StringIO())  # and a repeated run adds nothing
    entries = list(AuditEntry.objects.filter(action__startswith="dated_").order_by("created_at"))
    assert [(e.action, e.created_at, e.section) for e in entries] == [
        ("dated_started", start.replace(microsecond=0), "billing"),
        ("dated_ended", until.replace(microsecond=0), "billing"),
    ]
    assert all(e.client_id == client_record.pk and e.actor is None for e in entries)
    page = (
        signed_in(provider)
        .get(reverse("portal_settings:client", args=[client_record.pk]))
        .content.decode()
    )
    assert "Set for this client: Off from" in page and " started</p>" in page
    assert " ended</p>" in page


def test_a_start_before_the_value_was_set_is_not_recorded_again(provider, client_record, clock):
    from portal_settings.dated_events import dated_values_record

    until = timezone.now() + timedelta(days=1)
    save_dated(provider, client_record, {"billing": off(end=until)})  # in force at once
    clock.move(hours=1)
    assert dated_values_record() == 0  # its start is the change itself
    clock.set_to(until)
    assert dated_values_record() == 1
    assert AuditEntry.objects.get(action="dated_ended").created_at == until.replace(microsecond=0)


def test_the_run_emails_the_groups_clients_once_when_a_dated_off_starts(
    provider, organization, group, clock, mailoutbox, django_capture_on_commit_callbacks
):
    from portal_settings.dated_events import dated_values_record

    organization.email_clients_on_portal_changes = True
    organization.save()
    member = ClientFactory(organization=organization, group=group)
    own_setting = ClientFactory(organization=organization, group=group)
    save_dated(provider, own_setting, {}, changes={"packages": "view"})  # theirs decides
    start = timezone.now() + timedelta(days=1)
    save_dated(provider, group, {"packages": off(start=start)})
    assert mailoutbox == []  # not started: nobody's portal changed yet

    clock.set_to(start)
    with django_capture_on_commit_callbacks(execute=True):
        dated_values_record()
        dated_values_record()
    assert [message.to for message in mailoutbox] == [[member.user.email]]
    assert "Packages" in mailoutbox[0].body


def test_choosing_what_a_dated_value_gives_now_is_kept_for_after_it_ends(provider, group, clock):
    """With the group's Billing Off until a date, a client set to Off keeps their own Off:
    it is not "the inherited value" once the group's dated value ends."""
    member = ClientFactory(organization=group.organization, group=group)
    until = timezone.now() + timedelta(days=1)
    save_dated(provider, group, {"billing": off(end=until)})
    changes = save_dated(provider, member, {}, changes={"billing": "off"})
    assert [c.new for c in changes] == [Access.OFF]
    assert PortalSettings.objects.get(client=member).values == {"billing": "off"}
    clock.set_to(until)
    assert signed_in(member.user).get(reverse("portal:billing")).status_code == 403


def test_a_dated_off_in_force_at_once_emails_the_client_at_save(
    provider, organization, client_record, mailoutbox, django_capture_on_commit_callbacks
):
    organization.email_clients_on_portal_changes = True
    organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        save_dated(provider, client_record, {"billing": off(start=timezone.now() + timedelta(1))})
    assert mailoutbox == []  # still to come: nothing changed yet
    with django_capture_on_commit_callbacks(execute=True):
        save_dated(provider, client_record, {"billing": off(end=timezone.now() + timedelta(1))})
    assert [message.to for message in mailoutbox] == [[client_record.user.email]]
    assert "Billing" in mailoutbox[0].body


# A family member's own settings take dated values too


def test_a_family_members_dated_off_holds_until_it_ends(provider, client_record, clock):
    link = FamilyLinkFactory(client=client_record)
    until = timezone.now() + timedelta(seconds=60)
    target = Target.of(link).reload()
    assert target.takes_dated_values
    portal_settings_update(
        actor=provider,
        target=target,
        changes={},
        shown_version=target.version_token(),
        dated={"billing": off(end=until)},
    )
    assert PortalSettings.objects.get(family_link=link).schedule["billing"]["level"] == "off"
    parent = signed_in(link.user)
    parent.get(reverse("accounts:family"))  # the chooser keeps their one client
    clock.set_to(until - timedelta(seconds=1))
    assert parent.get(reverse("portal:billing")).status_code == 403
    clock.set_to(until)
    assert parent.get(reverse("portal:billing")).status_code == 200
    # The client's own portal never followed the family member's dates.
    assert signed_in(client_record.user).get(reverse("portal:billing")).status_code == 200
    # The scheduled run records its end on the family member's History, once.
    from portal_settings.dated_events import dated_values_record

    assert dated_values_record() == 1
    assert dated_values_record() == 0
    entry = AuditEntry.objects.get(action="dated_ended")
    assert (entry.family_link_id, entry.client_id, entry.level) == (
        link.pk,
        client_record.pk,
        "family",
    )


def test_the_family_members_settings_page_sets_and_shows_dates(provider_http, client_record):
    link = FamilyLinkFactory(client=client_record)
    url = reverse("portal_settings:family", args=[client_record.pk, link.pk])
    until = timezone.now() + timedelta(days=6)
    response = page_post(
        provider_http, url, {"dated-goals-level": "off", "dated-goals-until": local_input(until)}
    )
    assert response.status_code == 302
    page = provider_http.get(url).content.decode()
    assert f"Set for this family member: Off until {day(until)}" in page


def test_a_bulk_level_under_a_groups_dated_value_is_planned_against_it(
    provider, organization, group, clock
):
    """The bulk path plans with the dated values too: under the group's Billing View only
    until a date, a bulk "Billing Full" gives each client their own Full now (as a SAVE does),
    instead of taking Full for "what they inherit" and changing nothing."""
    members = [ClientFactory(organization=organization, group=group) for _ in range(2)]
    until = timezone.now() + timedelta(days=1)
    save_dated(provider, group, {"billing": Dated(Access.VIEW, None, until)})
    ids = [member.pk for member in members]
    selection = bulk_clients_with_settings(organization=organization, client_ids=ids)
    result = portal_settings_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=ids,
        changes={"billing": "full"},
        shown_fingerprint=bulk_settings_fingerprint(selection),
    )
    assert result.changed == 2
    for member in members:
        assert PortalSettings.objects.get(client=member).values == {"billing": "full"}
    assert signed_in(members[0].user).get(reverse("portal:billing")).context["portal_can_act"]


def test_a_bulk_change_that_gives_what_a_dated_value_gives_emails_nobody(
    provider, organization, mailoutbox, django_capture_on_commit_callbacks
):
    """A client whose own dated Off on Billing is in force: a bulk "Billing Off" changes
    nothing they see now, so no email says Billing was turned off (the bulk path must see the
    client's dated values when it compares before and after)."""
    organization.email_clients_on_portal_changes = True
    organization.save()
    member = ClientFactory(organization=organization)
    save_dated(provider, member, {"billing": off(end=timezone.now() + timedelta(days=1))})
    mailoutbox.clear()
    selection = bulk_clients_with_settings(organization=organization, client_ids=[member.pk])
    with django_capture_on_commit_callbacks(execute=True):
        portal_settings_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[member.pk],
            changes={"billing": "off"},
            shown_fingerprint=bulk_settings_fingerprint(selection),
        )
    assert PortalSettings.objects.get(client=member).values == {"billing": "off"}
    assert mailoutbox == []


# A dated value cleared or replaced after its moments but before the next scheduled run


def dated_entries() -> list:
    return list(
        AuditEntry.objects.filter(action__startswith="dated_")
        .order_by("created_at", "action")
        .values_list("action", "created_at", "section", "new_value")
    )


@pytest.mark.parametrize("then", [None, "replaced"])
def test_clearing_or_replacing_an_ended_dated_value_records_its_missed_moments(
    provider, client_record, clock, then
):
    from portal_settings.dated_events import dated_values_record

    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    trail = AuditEntry.objects.get(action="setting_changed").new_value
    clock.set_to(until + timedelta(hours=5))  # no run since it was set
    new = off(end=timezone.now() + timedelta(days=3)) if then else None
    save_dated(provider, client_record, {"billing": new})
    assert dated_entries() == [
        ("dated_started", start.replace(microsecond=0), "billing", trail),
        ("dated_ended", until.replace(microsecond=0), "billing", trail),
    ]
    assert dated_values_record() == 0  # the run records nothing twice
    assert len(dated_entries()) == 2


def test_clearing_a_started_dated_value_records_its_start_only(provider, client_record, clock):
    start = timezone.now() + timedelta(days=1)
    save_dated(provider, client_record, {"billing": off(start=start, end=start + timedelta(9))})
    clock.set_to(start + timedelta(hours=1))
    save_dated(provider, client_record, {"billing": None})
    assert [entry[0] for entry in dated_entries()] == ["dated_started"]  # its end is the change


def test_clearing_after_the_run_recorded_its_moments_adds_none(provider, client_record, clock):
    from portal_settings.dated_events import dated_values_record

    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, client_record, {"billing": off(start=start, end=until)})
    clock.set_to(until + timedelta(hours=1))
    assert dated_values_record() == 2
    save_dated(provider, client_record, {"billing": None})
    assert len(dated_entries()) == 2


@pytest.mark.parametrize("case", ["active", "paused", "no emails"])
def test_the_run_emails_a_family_member_once_when_their_own_dated_off_starts_and_ends(
    provider,
    organization,
    client_record,
    clock,
    mailoutbox,
    django_capture_on_commit_callbacks,
    case,
):
    from clients.models import FamilyLink
    from portal_settings.dated_events import dated_values_record

    organization.email_clients_on_portal_changes = case != "no emails"
    organization.save()
    link = FamilyLinkFactory(client=client_record)
    start = timezone.now() + timedelta(days=1)
    until = start + timedelta(days=2)
    save_dated(provider, link, {"billing": off(start=start, end=until)})
    if case == "paused":
        FamilyLink.objects.filter(pk=link.pk).update(status=FamilyLink.Status.PAUSED)
    assert mailoutbox == []

    clock.set_to(start)
    with django_capture_on_commit_callbacks(execute=True):
        dated_values_record()
        dated_values_record()
    clock.set_to(until)
    with django_capture_on_commit_callbacks(execute=True):
        dated_values_record()
    if case != "active":
        assert mailoutbox == []
        return
    assert [message.to for message in mailoutbox] == [[link.user.email]] * 2
    assert "Turned off: Billing" in mailoutbox[0].body
    assert "Turned on: Billing" in mailoutbox[1].body
    assert client_record.user.email not in {to for m in mailoutbox for to in m.to}
