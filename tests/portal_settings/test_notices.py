"""Telling clients when their portal changes: a notice on their home, once, only for real
changes of their effective access; and, if the practice asks, one email per client per change,
after commit."""

import zoneinfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from clients.services import clients_bulk_update
from portal_settings.models import PortalSeen, PortalSettings
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from tests.factories import ClientFactory, ClientGroupFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def save(actor, obj, changes, note=""):
    target = Target.of(obj).reload()
    return portal_settings_update(
        actor=actor,
        target=target,
        changes=changes,
        shown_version=target.version_token(),
        note=note,
        reason="client_request",  # needed where a change hides records (test_reasons.py)
    )


def home(http) -> str:
    response = http.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def practice_now(organization=None):
    """Now in the practice's time zone, where the portal writes its dates (not the server's
    UTC: near midnight the two are different days)."""
    zone = zoneinfo.ZoneInfo(organization.time_zone) if organization else None
    return timezone.localtime(timezone=zone)


def today(organization=None) -> str:
    """Today as the portal writes dates elsewhere ("Nov 27", the date filter's "M j")."""
    return dateformat.format(practice_now(organization), "M j")


@pytest.fixture
def member(organization, group):
    return ClientFactory(organization=organization, group=group)


def test_a_group_change_shows_a_notice_once(provider, member, group):
    portal = signed_in(member.user)
    assert "Your practice turned" not in home(portal)  # the first visit only records
    save(provider, group, {"packages": "off"})
    assert f"Your practice turned off Packages on {today(group.organization)}." in home(portal)
    assert "Your practice turned" not in home(portal)  # once


def test_turning_back_on_says_so(provider, member, organization):
    portal = signed_in(member.user)
    save(provider, organization, {"billing": "off"})
    home(portal)  # the first visit: Billing is already off, nothing to tell
    save(provider, organization, {"billing": None})
    assert "Your practice turned on Billing" in home(portal)


def test_off_and_on_again_before_the_next_visit_is_no_change(provider, member, group):
    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"packages": "off"})
    save(provider, group, {"packages": "full"})
    assert "Your practice turned" not in home(portal)


def test_a_change_the_clients_own_value_overrides_is_no_change(provider, member, group):
    save(provider, member, {"packages": "off"})
    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"packages": "off"})
    assert "Your practice turned" not in home(portal)


def test_only_the_sections_that_changed_are_named(provider, member, organization):
    portal = signed_in(member.user)
    home(portal)
    save(provider, member, {"journal": "off", "goals": "full"})  # goals was already on
    body = home(portal)
    assert "Your practice turned off Journal" in body
    assert "Goals" not in body.split("portal-notices")[1].split("</section>")[0]


def test_moving_clients_to_a_group_from_the_roster_shows_the_groups_effect(
    provider, member, organization
):
    strict = ClientGroupFactory(organization=organization, name="Strict")
    PortalSettings.objects.create(group=strict, values={"billing": "off"})
    portal = signed_in(member.user)
    home(portal)
    clients_bulk_update(
        actor=provider,
        organization=organization,
        client_ids=[member.pk],
        action="move",
        group=strict,
    )
    assert f"Your practice turned off Billing on {today(strict.organization)}." in home(portal)


def test_a_provider_preview_does_not_use_up_the_notice(provider, provider_http, member, group):
    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"packages": "off"})
    provider_http.post(reverse("portal_settings:preview", args=[member.pk]))
    assert "Your practice turned off Packages" in home(provider_http)
    assert "Your practice turned off Packages" in home(portal)


def test_a_group_change_writes_no_row_per_client(provider, organization, group):
    members = [ClientFactory(organization=organization, group=group) for _ in range(20)]
    for member in members[:5]:
        home(signed_in(member.user))
    seen = list(PortalSeen.objects.order_by("pk").values_list("pk", "sections", "seen_at"))
    rows = PortalSettings.objects.count()
    save(provider, group, {"packages": "off"})
    assert PortalSettings.objects.count() == rows + 1
    assert list(PortalSeen.objects.order_by("pk").values_list("pk", "sections", "seen_at")) == seen


# Emails


@pytest.fixture
def emailing(organization):
    organization.email_clients_on_portal_changes = True
    organization.save()
    return organization


def test_no_email_unless_the_practice_asks(
    provider, member, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, group, {"packages": "off"})
    assert mail.outbox == []


def test_one_email_per_client_per_change_after_commit(
    provider, emailing, group, django_capture_on_commit_callbacks
):
    members = [ClientFactory(organization=emailing, group=group) for _ in range(3)]
    save(provider, members[0], {"packages": "off"})  # already off for them: no change
    with django_capture_on_commit_callbacks() as callbacks:
        save(provider, group, {"packages": "off"}, note="Court order 12")
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members[1:])
    body = mail.outbox[0].body
    assert "Turned off: Packages" in body
    assert "Court order" not in body  # the note stays with the practice
    assert "Billing" not in body and "Turned on" not in body
    assert "\n" not in mail.outbox[0].subject


def test_a_client_is_told_only_what_changed_for_them(
    provider, emailing, group, django_capture_on_commit_callbacks
):
    member = ClientFactory(organization=emailing, group=group)
    save(provider, member, {"packages": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, group, {"packages": "off", "billing": "off"})
    (message,) = mail.outbox
    assert "Turned off: Billing\n" in message.body


def test_no_email_for_a_save_without_a_real_change(
    provider, emailing, member, group, django_capture_on_commit_callbacks
):
    save(provider, group, {"packages": "off"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, member, {"packages": "off"})  # the same as it inherits: no change
        save(provider, group, {"packages": "off"})
    assert mail.outbox == []


def test_no_email_when_the_change_is_rolled_back(provider, emailing, member, group):
    with pytest.raises(RuntimeError), transaction.atomic():
        save(provider, group, {"packages": "off"})
        raise RuntimeError
    assert mail.outbox == []


def test_clients_without_portal_access_get_no_email(
    provider, emailing, group, django_capture_on_commit_callbacks
):
    off = ClientFactory(organization=emailing, group=group, portal_login_allowed=False)
    on = ClientFactory(organization=emailing, group=group)
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, group, {"documents": "off"})
    assert [m.to[0] for m in mail.outbox] == [on.user.email]
    assert off.user.email not in str([m.to for m in mail.outbox])


def test_moving_clients_emails_those_whose_portal_changed(
    provider, emailing, django_capture_on_commit_callbacks
):
    strict = ClientGroupFactory(organization=emailing, name="Strict")
    PortalSettings.objects.create(group=strict, values={"billing": "off"})
    moved = ClientFactory(organization=emailing)
    overridden = ClientFactory(organization=emailing)
    PortalSettings.objects.create(client=overridden, values={"billing": "full"})
    with django_capture_on_commit_callbacks(execute=True):
        clients_bulk_update(
            actor=provider,
            organization=emailing,
            client_ids=[moved.pk, overridden.pk],
            action="move",
            group=strict,
        )
    assert [m.to[0] for m in mail.outbox] == [moved.user.email]
    assert "Turned off: Billing" in mail.outbox[0].body


SIZES = (100, 200) if connection.vendor == "postgresql" else (20, 40)


def test_a_practice_wide_change_emails_everyone_in_a_fixed_number_of_queries(
    provider, emailing, django_capture_on_commit_callbacks
):
    from django.test.utils import CaptureQueriesContext

    PortalSettings.objects.create(organization=emailing, values={})  # both SAVEs update it
    counts = []
    for n, value in zip(SIZES, ("off", None), strict=True):  # off, then on again
        ClientFactory.create_batch(n - emailing.clients.count(), organization=emailing)
        mail.outbox.clear()
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            save(provider, emailing, {"forms": value})
        counts.append(len(captured))
        assert len(mail.outbox) == n
    assert counts[0] == counts[1]


def test_a_practice_admin_turns_the_emails_on_and_off(admin_http, practice_admin, organization):
    from audit.models import AuditEntry

    url = reverse("portal_settings:organization-client-emails")
    page = admin_http.get(reverse("portal_settings:organization")).content.decode()
    assert "are <strong>not emailed</strong>" in page
    assert admin_http.post(url, {"emails": "on"}).status_code == 302
    organization.refresh_from_db()
    assert organization.email_clients_on_portal_changes
    assert admin_http.post(url, {"emails": "maybe"}).status_code == 400
    admin_http.post(url, {"emails": "off"})
    organization.refresh_from_db()
    assert not organization.email_clients_on_portal_changes
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CLIENT_EMAILS_CHANGED)
    assert [(e.old_value, e.new_value, e.actor) for e in entries.order_by("pk")] == [
        ("off", "on", practice_admin),
        ("on", "off", practice_admin),
    ]


def test_a_provider_cannot_turn_the_emails_on(provider_http, organization):
    response = provider_http.post(
        reverse("portal_settings:organization-client-emails"), {"emails": "on"}
    )
    assert response.status_code == 403
    organization.refresh_from_db()
    assert not organization.email_clients_on_portal_changes


def test_a_change_of_level_is_told_in_levels(provider, member, group):
    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"billing": "view"})
    assert f"Your practice made Billing view only on {today(group.organization)}." in home(portal)
    save(provider, group, {"billing": None})
    assert "Your practice gave you full use of Billing" in home(portal)
    save(provider, group, {"packages": "off"})
    home(portal)
    save(provider, group, {"packages": "view"})
    assert "Your practice turned on Packages, view only" in home(portal)


def test_the_email_says_view_only_too(
    provider, emailing, group, django_capture_on_commit_callbacks
):
    ClientFactory(organization=emailing, group=group)
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, group, {"billing": "view", "packages": "off"})
    (message,) = mail.outbox
    assert "Turned off: Packages\nNow view only: Billing\n" in message.body


def test_a_family_column_change_does_not_date_a_client_s_notice(provider, member, group):
    from datetime import timedelta

    from audit.models import AuditEntry, Level

    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"packages": "off"})
    later = practice_now(group.organization) + timedelta(days=3)
    AuditEntry.objects.create(
        organization=group.organization,
        actor=provider,
        actor_label="x",
        created_at=later,
        action=AuditEntry.Action.SETTING_CHANGED,
        level=Level.GROUP,
        group=group,
        section="packages",
        audience="family",
        old_value="Full",
        new_value="Off",
    )
    page = home(portal)
    assert f"Your practice turned off Packages on {today(group.organization)}." in page
    assert f"on {dateformat.format(later, 'M j')}" not in page


def test_a_notice_dates_its_change_as_the_rest_of_the_portal_home_does(provider, member, group):
    """ "Nov 27", like the documents' and appointments' dates beside it, not "27 Nov"."""
    portal = signed_in(member.user)
    home(portal)
    save(provider, group, {"packages": "off"})
    now = practice_now(group.organization)
    page = home(portal)
    assert f"Your practice turned off Packages on {now:%b} {now.day}." in page
    assert f"{now.day} {now:%b}" not in page


def test_a_head_request_does_not_use_up_the_notice(provider, member, group):
    """HEAD is a safe method: it answers as GET does but writes nothing (red-team finding)."""
    portal = signed_in(member.user)
    assert portal.head(reverse("portal:home")).status_code == 200
    assert not PortalSeen.objects.filter(client=member).exists()  # no first-visit marker
    home(portal)
    seen_at = PortalSeen.objects.get(client=member).seen_at
    save(provider, group, {"packages": "off"})
    assert portal.head(reverse("portal:home")).status_code == 200
    assert PortalSeen.objects.get(client=member).seen_at == seen_at
    assert "Your practice turned off Packages" in home(portal)  # GET still tells, once
    assert "Your practice turned off Packages" not in home(portal)
