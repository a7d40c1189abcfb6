"""Telling family members when what they may use changes: a notice on the portal home they see
while acting for the client, once, for real changes of their own chain (their link -> the
group's family column -> the practice's family column -> built-in); and, if the practice asks,
an email after commit."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import FamilyLink
from clients.services import clients_bulk_update
from portal_settings.models import FamilyPortalSeen, PortalSeen
from portal_settings.services import portal_settings_update
from portal_settings.targets import FAMILY, Target
from tests.factories import ClientFactory, ClientGroupFactory, FamilyLinkFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NOTICE = "Your practice turned"


def save(actor, obj, changes, audience="clients"):
    target = Target.of(obj, audience).reload()
    return portal_settings_update(
        actor=actor,
        target=target,
        changes=changes,
        shown_version=target.version_token(),
        reason="client_request",
    )


def home(http) -> str:
    response = http.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def teen(organization):
    group = ClientGroupFactory(organization=organization, name="Teens")
    return ClientFactory(organization=organization, group=group)


@pytest.fixture
def link(teen):
    return FamilyLinkFactory(client=teen)


@pytest.fixture
def parent(link):
    """The parent signed in, acting for the teen, having seen the portal home once."""
    http = signed_in(link.user)
    assert http.get(reverse("accounts:family")).url == reverse("portal:home")
    assert NOTICE not in home(http)  # the first visit only records what they have
    return http


def test_their_own_setting_turned_off_shows_them_a_notice_once(provider, link, parent):
    save(provider, link, {"billing": "off"})
    assert "Your practice turned off Billing on " in home(parent)
    assert NOTICE not in home(parent)  # once
    assert FamilyPortalSeen.objects.get(family_link=link).sections["billing"] == "off"


def test_the_groups_family_column_turning_a_section_on_says_so(provider, teen, parent):
    client_portal = signed_in(teen.user)
    home(client_portal)
    save(provider, teen.group, {"journal": "full"}, audience=FAMILY)  # off by the built-in
    assert "Your practice turned on Journal on " in home(parent)
    assert NOTICE not in home(client_portal)  # the client's own portal did not change


def test_the_practices_family_column_reaches_them(provider, organization, parent):
    save(provider, organization, {"goals": "off"}, audience=FAMILY)
    assert "Your practice turned off Goals on " in home(parent)


def test_a_change_to_the_clients_own_settings_is_not_theirs(provider, teen, parent):
    client_portal = signed_in(teen.user)
    home(client_portal)
    save(provider, teen, {"billing": "off"})
    assert NOTICE not in home(parent)  # their chain does not hold the client's settings
    assert "Your practice turned off Billing" in home(client_portal)


def test_off_and_on_again_before_their_next_visit_is_no_change(provider, link, parent):
    save(provider, link, {"billing": "off"})
    save(provider, link, {"billing": None})
    assert NOTICE not in home(parent)


def test_a_move_to_a_group_with_another_family_column(provider, organization, teen, parent):
    adults = ClientGroupFactory(organization=organization, name="Adults")
    save(provider, adults, {"packages": "off"}, audience=FAMILY)
    clients_bulk_update(
        actor=provider, organization=organization, client_ids=[teen.pk], action="move", group=adults
    )
    assert "Your practice turned off Packages on " in home(parent)


def test_each_family_member_and_the_client_have_their_own_marker(provider, teen, link, parent):
    other = FamilyLinkFactory(client=teen)
    other_http = signed_in(other.user)
    other_http.get(reverse("accounts:family"))
    home(other_http)
    save(provider, link, {"billing": "off"})
    assert NOTICE not in home(other_http)  # only the parent's own setting changed
    assert "turned off Billing" in home(parent)
    assert not PortalSeen.objects.exists()  # the client never visited: no marker for them


# Emails, when the practice asks for them


@pytest.fixture
def emailing(organization):
    organization.email_clients_on_portal_changes = True
    organization.save()
    return organization


def test_no_email_unless_the_practice_asks(
    provider, teen, link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, teen.group, {"billing": "off"}, audience=FAMILY)
    assert mail.outbox == []


def test_a_family_member_is_emailed_once_after_commit(
    provider, emailing, teen, link, django_capture_on_commit_callbacks
):
    paused = FamilyLinkFactory(client=teen, status=FamilyLink.Status.PAUSED)
    with django_capture_on_commit_callbacks() as callbacks:
        save(provider, teen.group, {"billing": "off"}, audience=FAMILY)
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[link.user.email]]  # not the paused one
    assert paused.user.email not in mail.outbox[0].to
    body = mail.outbox[0].body
    assert "Turned off: Billing" in body
    assert f"{teen.user.first_name}'s secure Client Portal" in body
    assert teen.user.email not in body


def test_the_client_is_not_emailed_about_their_family_members_settings(
    provider, emailing, teen, link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(provider, link, {"journal": "full"})
    assert [m.to for m in mail.outbox] == [[link.user.email]]
    assert "Turned on: Journal" in mail.outbox[0].body


def test_a_move_emails_the_family_members_whose_chain_changed(
    provider, emailing, organization, teen, link, django_capture_on_commit_callbacks
):
    adults = ClientGroupFactory(organization=organization, name="Adults")
    save(provider, adults, {"packages": "off"}, audience=FAMILY)
    with django_capture_on_commit_callbacks(execute=True):
        clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[teen.pk],
            action="move",
            group=adults,
        )
    assert [m.to for m in mail.outbox] == [[link.user.email]]
    assert "Turned off: Packages" in mail.outbox[0].body


def test_the_notices_cost_a_family_members_home_one_query_when_nothing_changed(link, parent):
    with CaptureQueriesContext(connection) as seen:
        home(parent)
    assert sum("portal_settings_familyportalseen" in q["sql"] for q in seen) == 1


def test_a_head_request_does_not_use_up_their_notice(provider, link, parent):
    """HEAD writes nothing (red-team finding); the GET after it still shows the notice once."""
    seen_at = FamilyPortalSeen.objects.get(family_link=link).seen_at
    save(provider, link, {"billing": "off"})
    assert parent.head(reverse("portal:home")).status_code == 200
    assert FamilyPortalSeen.objects.get(family_link=link).seen_at == seen_at
    assert "Your practice turned off Billing on " in home(parent)
    assert NOTICE not in home(parent)


def test_a_head_request_on_a_first_visit_records_nothing(link):
    http = signed_in(link.user)
    http.get(reverse("accounts:family"))
    assert http.head(reverse("portal:home")).status_code == 200
    assert not FamilyPortalSeen.objects.filter(family_link=link).exists()
