"""Each client's access status on the roster and the profile, and the roster's filters."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Invitation
from clients.selectors import AccessStatus, client_list
from clients.services import client_archive, client_portal_login_set
from tests.factories import ClientFactory, ClientGroupFactory, UserFactory
from tests.helpers import practice_localtime

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def invite(client, *, days_ago=0, **fields):
    created = NOW - datetime.timedelta(days=days_ago)
    return Invitation.objects.create(
        client=client,
        token_hash=f"{client.pk}-{days_ago}-{len(fields)}-{created.timestamp()}",
        created_at=created,
        expires_at=created + datetime.timedelta(days=7),
        **fields,
    )


@pytest.fixture
def people(organization, provider):
    """One client in each status."""
    invited = ClientFactory(organization=organization, user__last_login=None)
    invite(invited, days_ago=10)  # expired
    invite(invited, days_ago=2)  # open: this one's date is shown
    active = ClientFactory(
        organization=organization,
        user__last_login=datetime.datetime(2026, 3, 14, 15, tzinfo=datetime.timezone.utc),
    )
    expired = ClientFactory(organization=organization, user__last_login=None)
    invite(expired, days_ago=9)
    withdrawn = ClientFactory(organization=organization, user__last_login=None)
    invite(withdrawn, revoked_at=NOW)
    login_off = ClientFactory(organization=organization)
    client_portal_login_set(actor=provider, client=login_off, allowed=False)
    archived = ClientFactory(organization=organization)
    client_archive(actor=provider, client=archived)
    return {
        AccessStatus.INVITED: invited,
        AccessStatus.ACTIVE: active,
        "expired": expired,
        "withdrawn": withdrawn,
        AccessStatus.LOGIN_OFF: login_off,
        AccessStatus.ARCHIVED: archived,
    }


def status_of(organization, client) -> str:
    archived = client.archived_at is not None
    return client_list(organization=organization, archived=archived).get(pk=client.pk)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (AccessStatus.INVITED, AccessStatus.INVITED),
        (AccessStatus.ACTIVE, AccessStatus.ACTIVE),
        ("expired", AccessStatus.NEVER),
        ("withdrawn", AccessStatus.NEVER),
        (AccessStatus.LOGIN_OFF, AccessStatus.LOGIN_OFF),
        (AccessStatus.ARCHIVED, AccessStatus.ARCHIVED),
    ],
)
def test_each_client_has_one_access_status(organization, people, who, status):
    client = people[who]
    client.refresh_from_db()
    assert status_of(organization, client).access_status == status


def test_login_off_and_archived_win_over_a_past_sign_in(organization, people, provider):
    client = people[AccessStatus.ACTIVE]
    client_portal_login_set(actor=provider, client=client, allowed=False)
    assert status_of(organization, client).access_status == AccessStatus.LOGIN_OFF


def test_the_invited_date_is_the_latest_open_invitation(organization, people):
    client = status_of(organization, people[AccessStatus.INVITED])
    assert client.invited_at.date() == (NOW - datetime.timedelta(days=2)).date()


def test_the_roster_shows_each_status_in_words(provider_http, people):
    body = provider_http.get(reverse("clients:list")).content.decode()
    two_days_ago = practice_localtime(moment=NOW - datetime.timedelta(days=2))
    assert f"Invited {two_days_ago:%b} {two_days_ago.day}, {two_days_ago.year}" in body
    assert "last sign-in Mar 14, 2026" in body
    assert body.count('access-never">Never signed in') == 2
    assert "Login off" in body
    archived = provider_http.get(reverse("clients:list") + "?status=archived").content.decode()
    assert 'access-archived">Archived ' in archived


def test_the_profile_header_shows_the_status(provider_http, people):
    for who, status, words in [
        (AccessStatus.ACTIVE, "active", "Active"),
        ("withdrawn", "never", "Never signed in"),
        (AccessStatus.LOGIN_OFF, "login_off", "Login off"),
    ]:
        client = people[who]
        for url in (client.get_absolute_url(), reverse("provider:client-goals", args=[client.pk])):
            body = provider_http.get(url).content.decode()
            assert f'Portal: <span class="access access-{status}">{words}' in body


def test_the_roster_filters_by_access_status(provider_http, people):
    body = provider_http.get(reverse("clients:list"), {"access": "never"}).content.decode()
    assert people["expired"].user.email in body
    assert people["withdrawn"].user.email in body
    assert people[AccessStatus.ACTIVE].user.email not in body
    assert people[AccessStatus.INVITED].user.email not in body
    assert "2 clients with the filters above" in body


def test_the_roster_filters_by_group_and_by_no_group(provider_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    teen = ClientFactory(organization=organization, group=teens)
    loner = ClientFactory(organization=organization)
    body = provider_http.get(reverse("clients:list"), {"group": teens.pk}).content.decode()
    assert teen.user.email in body
    assert loner.user.email not in body
    body = provider_http.get(reverse("clients:list"), {"group": "none"}).content.decode()
    assert loner.user.email in body
    assert teen.user.email not in body


def test_the_filters_work_through_htmx_and_keep_in_the_pager(provider_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    for _ in range(26):
        ClientFactory(organization=organization, group=teens)
    response = provider_http.get(
        reverse("clients:list"),
        {"group": teens.pk, "access": "never"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="client-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="client-results"')
    assert "26 clients with the filters above" in body
    assert f"group={teens.pk}" in body and "access=never" in body  # the next page's link


def test_another_practices_group_is_refused_and_leaks_nothing(
    provider_http, organization, other_organization
):
    theirs = ClientGroupFactory(organization=other_organization, name="Their group")
    their_client = ClientFactory(organization=other_organization, group=theirs)
    mine = ClientFactory(organization=organization)
    response = provider_http.get(reverse("clients:list"), {"group": theirs.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of your practice&#x27;s groups." in body
    assert "Their group" not in body
    assert their_client.user.email not in body
    assert mine.user.email in body  # the refused filter is not applied


def test_an_unknown_status_is_refused(provider_http, organization):
    mine = ClientFactory(organization=organization)
    body = provider_http.get(reverse("clients:list"), {"access": "deleted"}).content.decode()
    assert "Choose an access status from the list." in body
    assert mine.user.email in body


def test_the_selector_refuses_another_practices_group(organization, other_organization):
    with pytest.raises(ValueError):
        client_list(
            organization=organization,
            group=ClientGroupFactory(organization=other_organization),
        )


@pytest.mark.parametrize("count", [3, 30])
def test_the_roster_costs_the_same_queries_whatever_the_number_of_clients(
    provider_http, organization, count, django_assert_num_queries
):
    group = ClientGroupFactory(organization=organization)
    for n in range(count):
        client = ClientFactory(organization=organization, group=group if n % 2 else None)
        invite(client)
    ClientFactory(organization=organization, user=UserFactory(last_login=NOW))
    # session, user, membership, the groups for the filter, the count, the page, the
    # practice's presets for the bulk form
    with django_assert_num_queries(7):
        response = provider_http.get(reverse("clients:list"), {"access": "invited"})
    assert response.status_code == 200
