"""Every refused request is written down: who, what URL, why, when (UTC)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from clients.models import AccessRefusal
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory, PracticeAdminFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def only_refusal():
    refusals = list(AccessRefusal.objects.all())
    assert len(refusals) == 1, refusals
    return refusals[0]


def test_a_section_that_is_off(client_record):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    signed_in(client_record.user).post(reverse("portal:billing"))
    refusal = only_refusal()
    assert (refusal.user, refusal.reason, refusal.method, refusal.path, refusal.detail) == (
        client_record.user,
        "section_off",
        "POST",
        "/portal/billing/",
        "billing",
    )
    assert refusal.organization == client_record.organization
    assert refusal.created_at.utcoffset() == dt.timedelta(0)
    assert refusal.ip_address == "127.0.0.1"


def test_a_record_of_another_practice(provider_http, provider, other_organization):
    foreign = ClientFactory(organization=other_organization)
    assert provider_http.get(reverse("clients:detail", args=[foreign.pk])).status_code == 404
    refusal = only_refusal()
    assert refusal.reason == "other_practice" and refusal.user == provider
    assert refusal.target_organization == other_organization
    assert refusal.organization == provider.membership.organization


def test_a_record_of_another_client(client_record, organization):
    from portal.goals.services import goal_create

    other = ClientFactory(organization=organization)
    goal = goal_create(actor=other.user, client=other, title="Theirs")
    signed_in(client_record.user).post(reverse("portal:goals-complete", args=[goal.pk]))
    refusal = only_refusal()
    assert (refusal.reason, refusal.user) == ("other_practice", client_record.user)
    assert refusal.detail == f"goal {goal.pk}"


def test_a_missing_record_is_logged_as_not_found(provider_http, provider):
    assert provider_http.get(reverse("clients:detail", args=[999_999])).status_code == 404
    refusal = only_refusal()
    assert (refusal.reason, refusal.user) == ("not_found", provider)
    assert refusal.detail == "client 999999"
    assert refusal.target_organization is None


def _log_rows(http):
    """The security log page's rows, as text (its Who, What and Why cells)."""

    page = http.get(reverse("clients:security-log"))
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)[1:]
    return [" ".join(strip_tags(row).split()) for row in rows]


@pytest.mark.parametrize("kind", ["client", "group"])
def test_the_probers_log_says_the_same_of_a_missing_id_and_another_practices(
    kind, admin_http, practice_admin, other_organization
):
    """The outside review: a missing id and another practice's were both a 404, but only the
    second was in the prober's own log, as "Record of another practice or client", which
    told them which ids exist elsewhere. Both are now written down, in the same words."""
    from tests.factories import ClientGroupFactory

    if kind == "client":
        theirs, route = ClientFactory(organization=other_organization).pk, "clients:detail"
    else:
        theirs = ClientGroupFactory(organization=other_organization).pk
        route = "clients:group-detail"
    missing = theirs + 1000
    responses = [admin_http.get(reverse(route, args=[pk])) for pk in (theirs, missing)]
    assert [r.status_code for r in responses] == [404, 404]
    # The same page, but for the CSRF token, masked anew on each response.
    token = r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")\w+'
    pages = [re.sub(token, "", r.content.decode()) for r in responses]
    assert pages[0] == pages[1]
    rows = _log_rows(admin_http)
    assert len(rows) == 2
    newest, oldest = (row.split("GET", 1)[1] for row in rows)  # past the time and the name
    assert oldest.replace(str(theirs), "N") == newest.replace(str(missing), "N")
    assert "Record not found" in newest and "another practice" not in " ".join(rows)


def test_the_probed_practice_sees_someone_from_another_practice_not_who(
    provider_http, provider, other_organization
):
    foreign = ClientFactory(organization=other_organization)
    provider_http.get(reverse("clients:detail", args=[foreign.pk]))
    their_admin = PracticeAdminFactory(organization=other_organization).user
    rows = _log_rows(signed_in(their_admin))
    assert len(rows) == 1
    assert "Someone from another practice" in rows[0]
    assert f"client {foreign.pk}" in rows[0]  # their own record: what they need to act
    for identity in (provider.email, provider.last_name, "127.0.0.1"):
        assert identity not in rows[0]
    # A superuser (the operator they report it to) still sees who it was.
    assert AccessRefusal.objects.get().user == provider


def test_the_wrong_role(client_http, client_record, provider_http):
    client_http.get(reverse("clients:list"))
    provider_http.get(reverse("portal_settings:report"))
    reasons = list(AccessRefusal.objects.order_by("pk").values_list("reason", "path"))
    assert reasons == [("wrong_role", "/clients/"), ("wrong_role", "/reports/portal-settings/")]


def test_practice_admins_read_their_practices_log_and_only_theirs(
    client_record, organization, other_organization, admin_http, provider_http
):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    signed_in(client_record.user).get(reverse("portal:billing"))
    foreign_admin = PracticeAdminFactory(organization=other_organization).user
    # A provider of another practice reaching for our client: in both practices' logs.
    signed_in(foreign_admin).get(reverse("clients:detail", args=[client_record.pk]))
    page = admin_http.get(reverse("clients:security-log")).content.decode()
    assert "/portal/billing/" in page and f"/clients/{client_record.pk}/" in page
    theirs = signed_in(foreign_admin).get(reverse("clients:security-log")).content.decode()
    assert f"/clients/{client_record.pk}/" in theirs and "/portal/billing/" not in theirs
    assert provider_http.get(reverse("clients:security-log")).status_code == 403


def test_the_log_is_append_only(client_http):
    client_http.get(reverse("clients:list"))
    refusal = only_refusal()
    with pytest.raises(TypeError):
        refusal.save()
    with pytest.raises(TypeError):
        refusal.delete()
    with pytest.raises(TypeError):
        AccessRefusal.objects.all().delete()
    with pytest.raises(TypeError):
        AccessRefusal.objects.update(reason="section_off")


def _staff_admin(organization):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = PracticeAdminFactory(organization=organization, user=UserFactory(is_staff=True)).user
    user.user_permissions.set(Permission.objects.filter(codename="view_accessrefusal"))
    return signed_in(user)


def test_the_admin_log_says_the_same_as_the_app(provider_http, provider, organization):
    """In the Django admin too, a staff practice admin cannot tell a missing id from another
    practice's: not by the reason, the record's practice, the reason filter or a search; and
    the probed practice's staff do not see who it was, nor find them by searching."""
    from tests.factories import OrganizationFactory

    elsewhere = OrganizationFactory(name="Elsewhere Health")
    theirs = ClientFactory(organization=elsewhere).pk
    for pk in (theirs, theirs + 1000):
        provider_http.get(reverse("clients:detail", args=[pk]))
    changelist = reverse("admin:clients_accessrefusal_changelist")
    ours = _staff_admin(organization)
    body = ours.get(changelist).content.decode()
    assert body.count('class="field-why">Record not found<') == 2
    assert "Another practice" not in body and "Elsewhere Health" not in body
    row = 'class="field-path">/clients/'
    assert row in ours.get(changelist, {"why": "not_found"}).content.decode()
    assert row not in ours.get(changelist, {"why": "other_practice"}).content.decode()
    probed = _staff_admin(elsewhere)
    body = probed.get(changelist).content.decode()
    assert f"/clients/{theirs}/" in body and "Someone from another practice" in body
    assert provider.email not in body and "127.0.0.1" not in body
    found = probed.get(changelist, {"q": provider.email}).content.decode()
    assert f"/clients/{theirs}/" not in found
    refusal = AccessRefusal.objects.get(target_organization=elsewhere)
    detail = probed.get(reverse("admin:clients_accessrefusal_change", args=[refusal.pk]))
    assert provider.email not in detail.content.decode()
