"""Family members: added by a provider, their own login, a client's portal on the client's
behalf, withdrawn at their next request, handed over when the client becomes an adult."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients import services
from clients.family import ACTING_LINK_SESSION_KEY
from clients.models import AccessRefusal, FamilyLink, User
from portal.billing.models import Payment
from portal.billing.services import Line, invoice_create
from tests.factories import (
    PASSWORD,
    ClientFactory,
    FamilyLinkFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-Heron-2026"
CARD = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


def add_family(http, client, **overrides):
    data = {
        "first_name": "Jordan",
        "last_name": "Quinn",
        "email": "jordan@example.test",
        "relationship": "parent",
        **overrides,
    }
    return http.post(reverse("clients:family", args=[client.pk]), data)


def change(http, link, action):
    url = reverse("clients:family-change", args=[link.client_id, link.pk])
    return http.post(url, {"action": action})


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def open_invoice(client, provider, amount="80.00"):
    return invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Session", 1, Decimal(amount))],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )


@pytest.fixture
def link(client_record):
    return FamilyLinkFactory(client=client_record)


@pytest.fixture
def parent_http(link):
    """The parent signed in and acting for the client (what the chooser leaves)."""
    http = signed_in(link.user)
    assert http.get(reverse("accounts:family")).url == reverse("portal:home")
    return http


# --- adding a family member ---------------------------------------------------------------


def test_a_provider_adds_a_parent_who_sets_a_password_and_lands_in_the_clients_portal(
    client, provider_http, client_record, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_family(provider_http, client_record)
    assert response.status_code == 302
    link = FamilyLink.objects.get(client=client_record)
    assert (link.user.email, link.relationship, link.status) == (
        "jordan@example.test",
        "parent",
        "active",
    )
    assert link.organization_id == client_record.organization_id
    assert not link.user.has_usable_password()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FAMILY_MEMBER_ADDED)
    assert entry.client == client_record and entry.new_value == "Jordan Quinn (parent)"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jordan@example.test"]
    path = invitation_path(mailoutbox[0])
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("portal:home")
    link.user.refresh_from_db()
    client_record.user.refresh_from_db()
    assert link.user.check_password(NEW_PASSWORD)
    assert not client_record.user.check_password(NEW_PASSWORD)  # the client's own is untouched
    page = client.get(reverse("portal:home")).content.decode()
    assert f"Viewing {client_record.name}'s portal as parent" in page
    # the link works once
    assert client.get(path).status_code == 410


def test_one_email_is_one_account_a_client_of_the_practice_becomes_a_parent(
    provider_http, organization, client_record
):
    sibling_client = ClientFactory(organization=organization)
    response = add_family(provider_http, client_record, email=sibling_client.user.email.upper())
    assert response.status_code == 302
    link = FamilyLink.objects.get(client=client_record)
    assert link.user == sibling_client.user
    assert User.objects.filter(email=sibling_client.user.email).count() == 1


def test_a_parent_of_two_siblings_keeps_one_account(provider_http, organization, link):
    sibling = ClientFactory(organization=organization)
    assert add_family(provider_http, sibling, email=link.user.email).status_code == 302
    assert set(FamilyLink.objects.values_list("user_id", flat=True)) == {link.user_id}


@pytest.mark.parametrize("who", ["other_practice_client", "provider", "staff", "other_parent"])
def test_an_address_known_elsewhere_is_refused_with_one_message(
    provider_http, client_record, other_organization, organization, who
):
    email = {
        "other_practice_client": lambda: ClientFactory(organization=other_organization).user,
        "provider": lambda: MembershipFactory(organization=organization).user,
        "staff": lambda: UserFactory(is_staff=True),
        "other_parent": lambda: (
            FamilyLinkFactory(client=ClientFactory(organization=other_organization)).user
        ),
    }[who]().email
    before = FamilyLink.objects.count()
    response = add_family(provider_http, client_record, email=email)
    assert response.status_code == 400
    assert services.FAMILY_EMAIL_REFUSED in response.content.decode().replace("&#x27;", "'")
    assert FamilyLink.objects.count() == before


def test_the_clients_own_address_and_a_second_link_are_refused(provider_http, link):
    client = link.client
    response = add_family(provider_http, client, email=client.user.email)
    assert response.status_code == 400 and b"client&#x27;s own email" in response.content
    response = add_family(provider_http, client, email=link.user.email)
    assert response.status_code == 400 and b"already a family member" in response.content
    assert FamilyLink.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"relationship": "uncle"},
        {"first_name": "Jo\x00rdan"},
        {"last_name": "Quinn\r\nBcc: x@example.test"},
        {"email": "not-an-email"},
        {"first_name": "x" * 151},
    ],
)
def test_bad_input_is_a_400_and_nothing_is_written(provider_http, client_record, overrides):
    response = add_family(provider_http, client_record, **overrides)
    assert response.status_code == 400
    assert not FamilyLink.objects.exists()
    assert not User.objects.filter(email="jordan@example.test").exists()


def test_another_practice_reaches_no_family_page_or_link(link, other_organization):
    other = signed_in(MembershipFactory(organization=other_organization).user)
    assert other.get(reverse("clients:family", args=[link.client_id])).status_code == 404
    assert change(other, link, "pause").status_code == 404
    link.refresh_from_db()
    assert link.status == "active"


def test_a_link_id_of_another_client_is_a_404_under_this_client(provider_http, organization, link):
    other_client = ClientFactory(organization=organization)
    url = reverse("clients:family-change", args=[other_client.pk, link.pk])
    assert provider_http.post(url, {"action": "pause"}).status_code == 404
    link.refresh_from_db()
    assert link.status == "active"


def test_an_unknown_action_is_refused_and_changes_nothing(provider_http, link):
    assert change(provider_http, link, "delete").status_code == 400
    link.refresh_from_db()
    assert link.status == "active"


# --- the family member in the portal ------------------------------------------------------


def test_the_parent_sees_the_banner_pays_a_bill_and_the_payment_remembers_who(
    parent_http, link, provider
):
    invoice = open_invoice(link.client, provider)
    page = parent_http.get(reverse("portal:home")).content.decode()
    assert "portal as parent" in page
    response = parent_http.post(reverse("portal:billing-invoice", args=[invoice.pk]), CARD)
    assert response.status_code == 302
    payment = Payment.objects.get(invoice=invoice, status="succeeded")
    assert payment.client == link.client
    assert payment.acted_by == link.user


def test_the_parent_cannot_open_the_journal_or_documents_and_the_refusal_is_logged(parent_http):
    for name in ("portal:journal", "portal:documents"):
        assert parent_http.get(reverse(name)).status_code == 403
        assert parent_http.post(reverse(name), {"text": "x"}).status_code == 403
    refusals = AccessRefusal.objects.filter(reason="section_off")
    assert set(refusals.values_list("detail", flat=True)) == {"journal", "documents"}


def test_the_parent_never_reaches_a_sibling_they_are_not_linked_to(
    parent_http, organization, provider
):
    sibling = ClientFactory(organization=organization)
    invoice = open_invoice(sibling, provider)
    url = reverse("portal:billing-invoice", args=[invoice.pk])
    assert parent_http.get(url).status_code == 404
    assert parent_http.post(url, CARD).status_code == 404
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_session_pointing_at_someone_elses_link_ends(link, organization):
    stranger = FamilyLinkFactory(client=ClientFactory(organization=organization))
    http = signed_in(stranger.user)
    session = http.session
    session[ACTING_LINK_SESSION_KEY] = link.pk  # not theirs
    session.save()
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert http.get(reverse("portal:home")).url.startswith(reverse("accounts:login"))


def test_a_parent_of_two_chooses_and_switches(link, organization, provider):
    sibling = ClientFactory(organization=organization)
    second = FamilyLinkFactory(client=sibling, user=link.user)
    http = signed_in(link.user)
    page = http.get(reverse("accounts:family"))
    assert page.status_code == 200
    assert link.client.name in page.content.decode() and sibling.name in page.content.decode()
    # without a choice the portal asks first
    assert http.get(reverse("portal:home")).url == reverse("accounts:family")
    http.post(reverse("accounts:family"), {"open": str(second.pk)})
    assert sibling.name in http.get(reverse("portal:home")).content.decode()
    sibling_invoice = open_invoice(sibling, provider)
    first_invoice = open_invoice(link.client, provider)
    assert http.get(reverse("portal:billing-invoice", args=[sibling_invoice.pk])).status_code == 200
    assert http.get(reverse("portal:billing-invoice", args=[first_invoice.pk])).status_code == 404
    http.post(reverse("accounts:family"), {"open": str(link.pk)})
    assert http.get(reverse("portal:billing-invoice", args=[first_invoice.pk])).status_code == 200


@pytest.mark.parametrize("choice", ["999999", "²", "x" * 5000, "own", ""])
def test_a_bad_choice_opens_nothing(link, organization, choice):
    FamilyLinkFactory(client=ClientFactory(organization=organization), user=link.user)
    http = signed_in(link.user)
    response = http.post(reverse("accounts:family"), {"open": choice})
    assert response.status_code == 400
    assert ACTING_LINK_SESSION_KEY not in http.session


def test_a_client_who_is_also_a_parent_opens_either_portal(organization, client_record):
    child = ClientFactory(organization=organization)
    FamilyLinkFactory(client=child, user=client_record.user)
    http = signed_in(client_record.user)
    assert "as parent" not in http.get(reverse("portal:home")).content.decode()
    chooser = http.get(reverse("accounts:family")).content.decode()
    assert "My own portal" in chooser
    link = FamilyLink.objects.get(client=child)
    http.post(reverse("accounts:family"), {"open": str(link.pk)})
    assert f"Viewing {child.name}" in http.get(reverse("portal:home")).content.decode()
    http.post(reverse("accounts:family"), {"open": "own"})
    assert "as parent" not in http.get(reverse("portal:home")).content.decode()


def test_the_client_sees_who_has_family_access_on_their_profile(client_http, link):
    page = client_http.get(reverse("portal:profile")).content.decode()
    assert "Family access to your account" in page
    assert f"{link.user.get_full_name()} (parent): active" in page


def test_query_counts_of_a_family_members_portal_pages(parent_http, django_assert_num_queries):
    # the session, the user, and the link with its client, practice, group and the family
    # chain's three levels: the same three as a client's page
    with django_assert_num_queries(3):
        assert parent_http.get(reverse("portal:profile")).status_code == 200
    with django_assert_num_queries(4):  # the same three and the client's goals
        assert parent_http.get(reverse("portal:goals")).status_code == 200
    with django_assert_num_queries(4):  # the same three and the refusal in the security log
        assert parent_http.get(reverse("portal:journal")).status_code == 403


# --- withdrawal ---------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["pause", "remove"])
def test_pause_or_remove_ends_the_parents_session_at_the_next_request(
    parent_http, provider_http, link, action
):
    assert parent_http.get(reverse("portal:home")).status_code == 200
    assert change(provider_http, link, action).status_code == 302
    response = parent_http.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    page = parent_http.get(response.url).content.decode()
    assert "family access" in page and link.organization.name in page
    # and they cannot sign in again (no other access left)
    response = signed_in(link.user).get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)
    assert entry.old_value.endswith(": active")
    assert entry.new_value.endswith(": paused" if action == "pause" else ": removed")


def test_a_session_from_before_a_pause_stays_ended_after_resume(parent_http, provider_http, link):
    change(provider_http, link, "pause")
    change(provider_http, link, "resume")
    response = parent_http.get(reverse("portal:home"))
    assert response.url.startswith(reverse("accounts:login"))
    link.user.refresh_from_db()
    fresh = signed_in(link.user)
    assert fresh.get(reverse("accounts:family")).url == reverse("portal:home")
    assert fresh.get(reverse("portal:home")).status_code == 200


def test_sign_in_after_a_pause_names_the_practice(client, provider_http, link):
    change(provider_http, link, "pause")
    response = client.post(
        reverse("accounts:login"), {"username": link.user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "paused your family access" in response.content.decode()


def test_pausing_one_child_leaves_the_other_reachable_after_signing_in_again(
    link, provider_http, organization
):
    sibling = ClientFactory(organization=organization)
    other = FamilyLinkFactory(client=sibling, user=link.user)
    change(provider_http, link, "pause")
    link.user.refresh_from_db()
    assert link.user.is_active
    http = signed_in(link.user)
    assert http.get(reverse("accounts:family")).url == reverse("portal:home")
    assert http.session[ACTING_LINK_SESSION_KEY] == other.pk


def test_archiving_a_client_suspends_every_family_link(parent_http, link, provider):
    services.client_archive(actor=provider, client=link.client)
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "archived")
    assert parent_http.get(reverse("portal:home")).url.startswith(reverse("accounts:login"))
    # restoring the client gives it back (tests/clients/test_family_restore.py)
    services.client_restore(actor=provider, client=link.client)
    link.refresh_from_db()
    assert link.status == "active"


def test_resume_is_refused_for_a_removed_link(provider_http, link):
    change(provider_http, link, "remove")
    change(provider_http, link, "resume")
    link.refresh_from_db()
    assert link.status == "removed"


# --- minors and the handover at adulthood -------------------------------------------------


def at(monkeypatch, moment):
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@pytest.fixture
def teen_link(organization, provider):
    # America/New_York (the factory's default zone): 18 on 15 June 2026, local time.
    assert organization.time_zone == "America/New_York" and organization.adult_age == 18
    teen = ClientFactory(organization=organization, date_of_birth=dt.date(2008, 6, 15))
    return FamilyLinkFactory(client=teen)


def test_the_parent_keeps_access_until_the_birthday_in_the_practices_time_zone(
    teen_link, monkeypatch
):
    http = signed_in(teen_link.user)
    http.get(reverse("accounts:family"))
    # 23:00 on 14 June in New York (03:00 UTC on the 15th): still 17
    at(monkeypatch, dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.timezone.utc))
    assert http.get(reverse("portal:home")).status_code == 200
    teen_link.refresh_from_db()
    assert teen_link.status == "active"
    # 01:00 on 15 June in New York: 18, the parent's next request ends the session
    at(monkeypatch, dt.datetime(2026, 6, 15, 5, 0, tzinfo=dt.timezone.utc))
    response = http.get(reverse("portal:home"))
    assert response.url.startswith(reverse("accounts:login"))
    teen_link.refresh_from_db()
    assert (teen_link.status, teen_link.suspended_because) == ("suspended", "adult")
    assert teen_link.needs_review
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED)
    assert entry.actor is None and "reached 18" in entry.new_value


def test_the_daily_command_hands_over_parents_and_guardians_only(
    teen_link, organization, monkeypatch, capsys
):
    teen = teen_link.client
    guardian = FamilyLinkFactory(client=teen, relationship="guardian")
    partner = FamilyLinkFactory(client=teen, relationship="partner")
    younger = FamilyLinkFactory(
        client=ClientFactory(organization=organization, date_of_birth=dt.date(2008, 6, 16))
    )
    no_birthday = FamilyLinkFactory(client=ClientFactory(organization=organization))
    at(monkeypatch, dt.datetime(2026, 6, 15, 5, 0, tzinfo=dt.timezone.utc))
    call_command("family_handover")
    assert "2" in capsys.readouterr().out
    statuses = {
        link.pk: link.status
        for link in FamilyLink.objects.filter(
            pk__in=[teen_link.pk, guardian.pk, partner.pk, younger.pk, no_birthday.pk]
        )
    }
    assert statuses == {
        teen_link.pk: "suspended",
        guardian.pk: "suspended",
        partner.pk: "active",
        younger.pk: "active",
        no_birthday.pk: "active",
    }
    # run again: nothing more
    call_command("family_handover")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED).count() == 2


def test_the_provider_reviews_and_a_resumed_parent_is_not_handed_over_again(
    teen_link, provider_http, monkeypatch
):
    at(monkeypatch, dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone.utc))
    services.family_links_hand_over()
    page = provider_http.get(reverse("clients:family", args=[teen_link.client_id]))
    assert b"reached the age of adulthood" in page.content
    profile = provider_http.get(reverse("clients:detail", args=[teen_link.client_id]))
    assert b"To review:" in profile.content
    history = provider_http.get(reverse("portal_settings:client", args=[teen_link.client_id]))
    assert "Family access changed" in history.content.decode()
    assert "reached 18" in history.content.decode()
    assert change(provider_http, teen_link, "resume").status_code == 302
    teen_link.refresh_from_db()
    assert teen_link.status == "active" and teen_link.reviewed_at is not None
    assert services.family_links_hand_over() == 0
    http = signed_in(teen_link.user)
    http.get(reverse("accounts:family"))
    assert http.get(reverse("portal:home")).status_code == 200


def test_a_parent_resumed_after_an_archive_is_still_handed_over_at_adulthood(
    teen_link, provider_http, provider, monkeypatch
):
    # Archived and restored while 17: resuming the parent is no decision about adulthood.
    at(monkeypatch, dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc))
    services.client_archive(actor=provider, client=teen_link.client)
    services.client_restore(actor=provider, client=teen_link.client)
    teen_link.refresh_from_db()
    assert teen_link.status == "active"
    at(monkeypatch, dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone.utc))
    http = signed_in(teen_link.user)
    http.get(reverse("accounts:family"))
    assert http.get(reverse("portal:home")).url.startswith(reverse("accounts:login"))
    teen_link.refresh_from_db()
    assert (teen_link.status, teen_link.suspended_because) == ("suspended", "adult")


def test_a_date_of_birth_corrected_to_a_minors_brings_the_handover_back(
    organization, provider_http, monkeypatch
):
    # Entered as an adult, so the parent is added knowingly for an adult; then the date of
    # birth is corrected: the client is 17, and the handover at 18 must still happen.
    client = ClientFactory(organization=organization, date_of_birth=dt.date(1990, 1, 1))
    assert add_family(provider_http, client).status_code == 302
    link = FamilyLink.objects.get(client=client)
    assert link.reviewed_at is not None
    data = {
        "first_name": client.user.first_name,
        "last_name": client.user.last_name,
        "email": client.email,
        "date_of_birth": "2009-06-15",
    }
    assert provider_http.post(reverse("clients:edit", args=[client.pk]), data).status_code == 302
    client.refresh_from_db()
    assert client.date_of_birth == dt.date(2009, 6, 15)
    at(monkeypatch, dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.timezone.utc))
    assert services.family_links_hand_over() == 1
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "adult")


def test_a_provider_can_keep_it_suspended(teen_link, provider_http, monkeypatch):
    at(monkeypatch, dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone.utc))
    services.family_links_hand_over()
    change(provider_http, teen_link, "review")
    teen_link.refresh_from_db()
    assert teen_link.status == "suspended" and not teen_link.needs_review
    profile = provider_http.get(reverse("clients:detail", args=[teen_link.client_id]))
    assert b"To review:" not in profile.content


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (dt.date(2008, 6, 15), dt.date(2026, 6, 14), 17),
        (dt.date(2008, 6, 15), dt.date(2026, 6, 15), 18),
    ],
)
def test_age_on_a_day(organization, born, day, age):
    assert ClientFactory(organization=organization, date_of_birth=born).age_on(day) == age


def test_a_future_or_ancient_date_of_birth_is_refused(provider_http, client_record):
    url = reverse("clients:edit", args=[client_record.pk])
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": client_record.user.email,
        "group": "",
    }
    for bad in (
        "2999-01-01",
        "1800-01-01",
        "9999-12-31",
        "0001-01-01",
        "\uff12\uff10\uff11\uff10-01-01",
    ):
        response = provider_http.post(url, {**data, "date_of_birth": bad})
        assert response.status_code == 200 and b"date of birth" in response.content
    client_record.refresh_from_db()
    assert client_record.date_of_birth is None
    provider_http.post(url, {**data, "date_of_birth": "2010-05-04"})
    client_record.refresh_from_db()
    assert client_record.date_of_birth == dt.date(2010, 5, 4)


# --- the Django admin ---------------------------------------------------------------------


def test_staff_see_and_pause_only_their_practices_family_links(
    link, organization, other_organization
):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="clients"))
    foreign = FamilyLinkFactory(client=ClientFactory(organization=other_organization))
    http = signed_in(staff)
    listing = http.get(reverse("admin:clients_familylink_changelist")).content.decode()
    assert link.user.email in listing and foreign.user.email not in listing
    url = reverse("admin:clients_familylink_change", args=[foreign.pk])
    assert http.get(url).status_code == 302  # Django's admin: "does not exist" back to the list
    http.post(
        reverse("admin:clients_familylink_changelist"),
        {"action": "pause_links", "_selected_action": [link.pk, foreign.pk]},
    )
    link.refresh_from_db()
    foreign.refresh_from_db()
    assert (link.status, foreign.status) == ("paused", "active")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_ACCESS_CHANGED).count() == 1


@pytest.mark.parametrize("action", ["pause_links", "resume_links", "remove_links"])
def test_staff_who_may_only_view_family_links_cannot_change_them(link, organization, action):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff)
    staff.user_permissions.set(Permission.objects.filter(codename="view_familylink"))
    if action == "resume_links":
        services.family_link_change(actor=staff, link=link, action="pause")
    link.refresh_from_db()
    before = link.status
    http = signed_in(staff)
    changelist = reverse("admin:clients_familylink_changelist")
    assert link.user.email in http.get(changelist).content.decode()
    http.post(changelist, {"action": action, "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.status == before


def test_a_provider_opening_the_chooser_goes_to_their_own_app(provider_http):
    assert provider_http.get(reverse("accounts:family")).url == reverse("clients:list")


def test_a_paused_family_members_invitation_link_no_longer_works(
    client, provider_http, client_record, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_family(provider_http, client_record)
    path = invitation_path(mailoutbox[0])
    change(provider_http, FamilyLink.objects.get(), "pause")
    assert client.get(path).status_code == 410
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not FamilyLink.objects.get().user.has_usable_password()


def test_an_email_change_in_the_admin_revokes_a_family_members_invitation(
    provider_http, client_record, mailoutbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        add_family(provider_http, client_record)
    path = invitation_path(mailoutbox[0])
    person = FamilyLink.objects.get().user
    root = signed_in(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:clients_user_change", args=[person.pk])
    response = root.post(
        url,
        {
            "email": "jordan.new@example.test",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("where", ["app", "admin"])
def test_fixing_the_email_of_a_client_who_is_also_a_parent_revokes_their_family_invitation(
    provider_http,
    organization,
    client_record,
    mailoutbox,
    django_capture_on_commit_callbacks,
    client,
    where,
):
    # A client who never set a password is added as a sibling's parent: the family email
    # carries a link to set the account's password. The provider then fixes their address.
    parent_client = ClientFactory(organization=organization)
    person = parent_client.user
    person.set_unusable_password()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        add_family(provider_http, client_record, email=person.email)
    path = invitation_path(mailoutbox[-1])
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": "fixed-address@example.test",
    }
    if where == "app":
        response = provider_http.post(reverse("clients:edit", args=[parent_client.pk]), data)
    else:
        root = signed_in(UserFactory(is_staff=True, is_superuser=True))
        data.update(
            {
                "is_active": "on",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00:00",
            }
        )
        response = root.post(reverse("admin:clients_user_change", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "fixed-address@example.test"
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    person.refresh_from_db()
    assert not person.has_usable_password()


@pytest.mark.parametrize(("value", "status"), [("17", 302), ("15", 400), ("22", 400), ("x", 400)])
def test_a_practice_admin_sets_the_age_of_adulthood(admin_http, organization, value, status):
    data = {
        "name": organization.name,
        "contact_email": organization.contact_email,
        "time_zone": organization.time_zone,
        "currency": organization.currency,
        "cancellation_cutoff_hours": 24,
        "booking_window_days": 28,
        "max_upcoming_bookings": 3,
        "adult_age": value,
    }
    assert admin_http.post(reverse("provider:practice"), data).status_code == status
    organization.refresh_from_db()
    assert organization.adult_age == (17 if status == 302 else 18)


def test_a_removed_family_member_added_again_is_the_same_link_reopened(provider_http, link):
    change(provider_http, link, "remove")
    response = add_family(
        provider_http, link.client, email=link.user.email, relationship="guardian"
    )
    assert response.status_code == 302
    reopened = FamilyLink.objects.get()
    assert (reopened.pk, reopened.status, reopened.relationship) == (link.pk, "active", "guardian")
    added = AuditEntry.objects.filter(action=AuditEntry.Action.FAMILY_MEMBER_ADDED).get()
    assert added.old_value == "removed"


def test_no_family_member_is_added_to_an_archived_client(provider_http, client_record, provider):
    services.client_archive(actor=provider, client=client_record)
    response = add_family(provider_http, client_record)
    assert response.status_code == 400
    assert b"restore them before adding family" in response.content
    assert not FamilyLink.objects.exists()


# --- what the signed-out family member is told ----------------------------------------------


@pytest.fixture
def paused_before_sign_in(link, provider, organization):
    """A parent of two: the first child's access was paused before they signed in; they
    signed in afterwards and act for the second child."""
    sibling = ClientFactory(organization=organization)
    other = FamilyLinkFactory(client=sibling, user=link.user)
    services.family_link_change(actor=provider, link=link, action="pause")
    FamilyLink.objects.filter(pk=link.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=3)
    )
    link.user.refresh_from_db()
    http = signed_in(link.user)
    assert http.get(reverse("accounts:family")).url == reverse("portal:home")
    assert http.session[ACTING_LINK_SESSION_KEY] == other.pk
    return http


def signed_out_page(http) -> str:
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    return http.get(response.url).content.decode()


def test_a_session_ended_later_does_not_blame_a_pause_from_before_it_began(
    paused_before_sign_in, link
):
    """Red-team finding: the sign-in page named the old pause as the reason."""
    services.family_member_links_revoke(user=link.user)  # e.g. their email fixed in the admin
    page = signed_out_page(paused_before_sign_in)
    assert "paused your family access" not in page
    assert link.client.name not in page


def test_a_portal_no_longer_in_force_says_so_without_blaming_an_earlier_pause(
    paused_before_sign_in, link
):
    session = paused_before_sign_in.session
    session[ACTING_LINK_SESSION_KEY] = link.pk  # the link paused before this session began
    session.save()
    page = signed_out_page(paused_before_sign_in)
    assert "paused your family access" not in page
    assert "Your family access to this Client Portal is not available now" in page


def test_a_pause_during_the_session_is_named(paused_before_sign_in, provider, organization):
    current = FamilyLink.objects.get(pk=paused_before_sign_in.session[ACTING_LINK_SESSION_KEY])
    services.family_link_change(actor=provider, link=current, action="pause")
    page = signed_out_page(paused_before_sign_in).replace("&#x27;", "'")
    assert f"{organization.name} has paused your family access to {current.client.name}'s" in page


def test_adding_a_family_member_whose_access_is_suspended_is_refused_not_a_500(
    provider_http, client_record
):
    """Found while fixing the login off: re-adding a parent suspended at adulthood broke the
    table's check (a 500), and would have skipped the provider's review."""
    link = FamilyLinkFactory(
        client=client_record, status="suspended", suspended_because="adult", suspended_from="active"
    )
    response = add_family(provider_http, client_record, email=link.user.email)
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert f"is already a family member of {client_record.name}" in page
    link.refresh_from_db()
    assert (link.status, link.suspended_because) == ("suspended", "adult")
