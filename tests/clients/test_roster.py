import pytest
from django.urls import reverse

from clients.services import client_archive
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/clients/"


def make(organization, first, last, email, **kwargs):
    return ClientFactory(
        organization=organization,
        user=UserFactory(first_name=first, last_name=last, email=email),
        **kwargs,
    )


def names(response):
    return [c.user.first_name for c in response.context["page"].object_list]


def test_list_shows_only_this_practices_active_clients(
    provider_http, organization, other_organization, provider
):
    make(organization, "Ana", "Lopez", "ana@example.test")
    archived = make(organization, "Ben", "Okafor", "ben@example.test")
    client_archive(actor=provider, client=archived)
    make(other_organization, "Cleo", "Stranger", "cleo@example.test")
    response = provider_http.get(LIST)
    assert names(response) == ["Ana"]
    assert "Cleo" not in response.content.decode()


def test_archived_tab_lists_archived_clients(provider_http, organization, provider):
    make(organization, "Ana", "Lopez", "ana@example.test")
    archived = make(organization, "Ben", "Okafor", "ben@example.test")
    client_archive(actor=provider, client=archived)
    assert names(provider_http.get(LIST, {"status": "archived"})) == ["Ben"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ana", ["Ana"]),
        ("LOPEZ", ["Ana"]),
        ("ana lo", ["Ana"]),
        ("okafor@", ["Ben"]),
        ("example.test", ["Ana", "Ben"]),
        ("zzz", []),
    ],
)
def test_search_by_name_or_email(provider_http, organization, query, expected):
    make(organization, "Ana", "Lopez", "ana.lopez@example.test")
    make(organization, "Ben", "Okafor", "okafor@example.test")
    assert names(provider_http.get(LIST, {"q": query})) == expected


def test_search_is_a_live_htmx_filter_returning_only_the_results(provider_http, organization):
    make(organization, "Ana", "Lopez", "ana@example.test")
    make(organization, "Ben", "Okafor", "ben@example.test")
    response = provider_http.get(
        LIST, {"q": "ben"}, headers={"HX-Request": "true", "HX-Target": "client-results"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="client-results"')
    assert "<html" not in body
    assert "Okafor" in body and "Lopez" not in body


def test_search_works_as_a_plain_form(provider_http, organization):
    make(organization, "Ana", "Lopez", "ana@example.test")
    body = provider_http.get(LIST, {"q": "ana"}).content.decode()
    assert "<html" in body and 'id="client-results"' in body and "Lopez" in body


def test_paging(provider_http, organization):
    for n in range(30):
        make(organization, f"Client{n:02d}", "Same", f"c{n}@example.test")
    first = provider_http.get(LIST)
    second = provider_http.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert first.context["page"].paginator.count == 30
    assert set(names(first)).isdisjoint(names(second))
    assert 'rel="next"' in first.content.decode()


def test_a_bad_page_number_shows_a_page_not_an_error(provider_http, organization):
    make(organization, "Ana", "Lopez", "ana@example.test")
    assert provider_http.get(LIST, {"page": "abc"}).status_code == 200
    assert provider_http.get(LIST, {"page": "9999"}).status_code == 200


def test_list_query_count_does_not_grow_with_clients(
    provider_http, organization, django_assert_max_num_queries
):
    for n in range(20):
        make(organization, f"C{n}", "X", f"q{n}@example.test")
    # session, user, membership, the groups for the filter, the count, the page, the
    # practice's presets for the bulk form
    with django_assert_max_num_queries(7):
        provider_http.get(LIST)


def test_profile_has_the_actions_menu(provider_http, client_record):
    body = provider_http.get(client_record.get_absolute_url()).content.decode()
    assert "Actions" in body
    assert reverse("portal_settings:client", args=[client_record.pk]) in body
    assert "Client Portal Settings" in body
    assert reverse("clients:archive", args=[client_record.pk]) in body


def test_clients_and_anonymous_people_cannot_use_the_provider_app(
    client, client_http, client_record
):
    assert client_http.get(LIST).status_code == 403
    assert client.get(LIST).status_code == 302


def test_edit_a_clients_details_and_group(provider_http, client_record, group):
    response = provider_http.post(
        reverse("clients:edit", args=[client_record.pk]),
        {"first_name": "New", "last_name": "Name", "email": "new@example.test", "group": group.pk},
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    client_record.user.refresh_from_db()
    assert client_record.user.email == "new@example.test"
    assert client_record.group == group
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action=AuditEntry.Action.GROUP_CHANGED)
    assert (entry.old_value, entry.new_value) == ("No group", "Teens")
