"""A non-superuser staff member in the Django admin: every id checked against their practice.

The attack from the outside review: a staff member with model permissions attaches the superuser
to their own practice (or sets the superuser's password) by posting ids the widgets never
offered. Every admin form is posted here with out-of-scope ids: the superuser, another staff
member, another practice's user, practice, group and client.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Client, ClientGroup, Membership, Organization, User
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ClientGroupFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, email="root@example.test")


@pytest.fixture
def staff(organization):
    user = UserFactory(is_staff=True, email="staff@example.test")
    MembershipFactory(organization=organization, user=user)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["clients", "portal_settings", "audit"]
        )
    )
    return user


def _make_practice_admin(user):
    Membership.objects.filter(user=user).update(role=Membership.Role.ADMIN)


@pytest.fixture
def staff_http(staff):
    return signed_in(staff)


@pytest.fixture
def foreign(other_organization):
    """Another practice's provider, group and client."""
    return {
        "provider": MembershipFactory(organization=other_organization).user,
        "group": ClientGroupFactory(organization=other_organization, name="Secret Group"),
        "client": ClientFactory(organization=other_organization),
    }


def test_staff_cannot_attach_the_superuser_to_their_practice(staff_http, superuser, organization):
    url = reverse("admin:clients_membership_add")
    data = {"user": superuser.pk, "organization": organization.pk, "role": "admin"}
    assert staff_http.post(url, data).status_code == 403
    assert not Membership.objects.filter(user=superuser).exists()


@pytest.mark.parametrize("who", ["superuser", "other_staff", "foreign_provider", "own_client"])
def test_staff_cannot_move_a_membership_onto_another_user(
    staff_http, staff, superuser, organization, provider, foreign, client_record, who
):
    target = {
        "superuser": superuser,
        "other_staff": UserFactory(is_staff=True),
        "foreign_provider": foreign["provider"],
        "own_client": client_record.user,
    }[who]
    membership = provider.membership
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    staff_http.post(url, {"user": target.pk, "organization": organization.pk, "role": "admin"})
    membership.refresh_from_db()
    assert membership.user_id == provider.pk


def test_staff_cannot_move_a_membership_to_another_practice(
    staff_http, provider, other_organization
):
    membership = provider.membership
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    staff_http.post(
        url, {"user": provider.pk, "organization": other_organization.pk, "role": "provider"}
    )
    membership.refresh_from_db()
    assert membership.organization_id != other_organization.pk


def test_a_practice_admin_with_staff_rights_can_change_a_colleagues_role(
    staff, staff_http, provider
):
    staff.membership.role = Membership.Role.ADMIN
    staff.membership.save()
    membership = provider.membership
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    assert staff_http.post(url, {"role": "admin"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"


@pytest.mark.parametrize("who", ["superuser", "other_staff", "foreign_provider", "foreign_client"])
def test_staff_cannot_open_edit_or_set_the_password_of_out_of_scope_users(
    staff_http, organization, superuser, foreign, who
):
    target = {
        "superuser": superuser,
        # Another staff member of the same practice: their password would hand over their rights.
        "other_staff": MembershipFactory(
            organization=organization, user=UserFactory(is_staff=True)
        ).user,
        "foreign_provider": foreign["provider"],
        "foreign_client": foreign["client"].user,
    }[who]
    if who == "superuser":
        MembershipFactory(organization=organization, user=superuser)  # even inside the practice
    before = User.objects.get(pk=target.pk).password
    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert staff_http.get(password_url).status_code == 404
    response = staff_http.post(
        password_url,
        {"password1": "Taken-over-123", "password2": "Taken-over-123", "usable_password": "true"},
    )
    assert response.status_code == 404
    change_url = reverse("admin:clients_user_change", args=[target.pk])
    assert staff_http.get(change_url).status_code == 302  # "does not exist", back to the list
    staff_http.post(change_url, {"email": "mine@example.test", "first_name": "Mine"})
    target = User.objects.get(pk=target.pk)
    assert (target.password, target.email) == (before, target.email)
    assert target.email != "mine@example.test"
    assert target.check_password(PASSWORD)


TAKEOVER = {"password1": "Taken-over-123", "password2": "Taken-over-123", "usable_password": "true"}


@pytest.mark.parametrize("who", ["practice_admin", "provider", "client"])
def test_staff_cannot_set_the_password_of_anyone_in_their_practice(
    staff_http, practice_admin, provider, client_record, who
):
    """The outside review: a staff Provider set the practice admin's password in the admin and
    took the account over. Only a superuser sets another person's password there; the page
    refuses with a message naming the app's own ways, and changes nothing."""
    target = {
        "practice_admin": practice_admin,
        "provider": provider,
        "client": client_record.user,
    }[who]
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    change_url = reverse("admin:clients_user_change", args=[target.pk])
    for response in (staff_http.get(url), staff_http.post(url, TAKEOVER)):
        assert response.status_code == 302 and response["Location"] == change_url
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.check_password("Taken-over-123")
    page = staff_http.get(change_url).content.decode()
    assert "Only a superuser sets another person&#x27;s password" in page


def test_staff_set_their_own_password_only_through_the_throttled_change(staff_http, staff):
    """The admin's form would set it without the current password, past the throttle."""
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    for response in (staff_http.get(url), staff_http.post(url, TAKEOVER)):
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password-change")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_user_change_form_sets_no_password(staff_http, staff, client_record):
    """The change form's password is read-only: a posted hash or usable_password is ignored."""
    for target in (staff, client_record.user):
        before = User.objects.get(pk=target.pk).password
        staff_http.post(
            reverse("admin:clients_user_change", args=[target.pk]),
            {
                "email": target.email,
                "first_name": "Same",
                "last_name": "Name",
                "password": "pbkdf2_sha256$1$salt$forged",
                "usable_password": "false",
                **TAKEOVER,
            },
        )
        target.refresh_from_db()
        assert target.password == before and target.first_name == "Same"


def test_a_superuser_still_sets_a_password(superuser, client_record):
    url = reverse("admin:auth_user_password_change", args=[client_record.user.pk])
    assert signed_in(superuser).post(url, TAKEOVER).status_code == 302
    client_record.user.refresh_from_db()
    assert client_record.user.check_password("Taken-over-123")


def test_the_user_autocomplete_offers_only_the_practices_people(
    staff_http, superuser, organization, provider, foreign, client_record
):
    MembershipFactory(organization=organization, user=superuser)
    response = staff_http.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "clients",
            "model_name": "membership",
            "field_name": "user",
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert provider.pk in ids
    assert not ids & {superuser.pk, foreign["provider"].pk, foreign["client"].user_id}


def test_staff_cannot_put_a_client_in_another_practices_group(staff_http, client_record, foreign):
    url = reverse("admin:clients_client_change", args=[client_record.pk])
    response = staff_http.post(url, {"group": foreign["group"].pk})
    assert response.status_code == 200  # the form again, with "not one of the choices"
    client_record.refresh_from_db()
    assert client_record.group_id is None
    assert not AuditEntry.objects.exists()


def test_staff_cannot_create_or_move_a_group_into_another_practice(
    staff_http, group, other_organization
):
    add = reverse("admin:clients_clientgroup_add")
    staff_http.post(add, {"name": "Planted", "organization": other_organization.pk})
    assert not ClientGroup.objects.filter(name="Planted").exists()
    change = reverse("admin:clients_clientgroup_change", args=[group.pk])
    staff_http.post(change, {"name": group.name, "organization": other_organization.pk})
    group.refresh_from_db()
    assert group.organization_id != other_organization.pk


def test_staff_cannot_open_another_practice_or_client(staff_http, other_organization, foreign):
    for url in [
        reverse("admin:clients_organization_change", args=[other_organization.pk]),
        reverse("admin:clients_client_change", args=[foreign["client"].pk]),
        reverse("admin:clients_clientgroup_change", args=[foreign["group"].pk]),
        reverse("admin:clients_membership_change", args=[foreign["provider"].membership.pk]),
    ]:
        assert staff_http.get(url).status_code == 302, url
    assert staff_http.get(reverse("admin:clients_organization_add")).status_code == 403


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:clients_membership_changelist",
        "admin:clients_clientgroup_changelist",
        "admin:clients_client_changelist",
        "admin:clients_accessrefusal_changelist",
        "admin:audit_auditentry_changelist",
    ],
)
def test_list_filters_name_no_other_practice_or_its_groups(
    staff_http, staff, organization, group, client_record, foreign, changelist
):
    _make_practice_admin(staff)  # the security log is a practice admin's, as in the app
    page = staff_http.get(reverse(changelist))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Elsewhere Health" not in body
    assert "Secret Group" not in body


def test_list_filters_offer_the_staffs_own_practice_and_groups(staff_http, group, client_record):
    body = staff_http.get(reverse("admin:clients_client_changelist")).content.decode()
    assert "Harbor Wellness" in body
    assert "Teens" in body


def test_a_superuser_still_sees_every_practice_in_the_filters(superuser, organization, foreign):
    body = signed_in(superuser).get(reverse("admin:clients_client_changelist")).content.decode()
    assert "Elsewhere Health" in body and "Secret Group" in body


def test_every_foreign_key_of_every_admin_form_offers_nothing_out_of_scope(
    rf, staff, superuser, foreign, other_organization
):
    """Whatever the model and the related model (a new foreign key included): a staff member's
    form field never accepts another practice's row, the superuser or another staff member."""
    from django.contrib import admin

    other_staff = UserFactory(is_staff=True)
    out_of_scope = {
        Organization: {other_organization.pk},
        ClientGroup: {foreign["group"].pk},
        Client: {foreign["client"].pk},
        User: {superuser.pk, other_staff.pk, foreign["provider"].pk, foreign["client"].user_id},
    }
    request = rf.get("/admin/")
    request.user = staff
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue  # superuser-only (permission groups)
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and not field.auto_created):
                continue
            formfield = model_admin.formfield_for_dbfield(field, request)
            if formfield is None or not hasattr(formfield, "queryset"):
                continue
            offered = set(formfield.queryset.values_list("pk", flat=True))
            assert not offered & out_of_scope.get(field.related_model, set()), (model, field)
            if field.related_model not in out_of_scope:
                assert not offered, (model, field)  # deny by default
            checked += 1
    assert checked >= 8


def test_permission_groups_are_for_superusers_only(organization):
    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    http = signed_in(staff)
    assert http.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert http.post(reverse("admin:auth_group_add"), {"name": "All"}).status_code == 403


def test_staff_edit_their_own_account_but_cannot_grant_themselves_rights(staff_http, staff):
    response = staff_http.post(
        reverse("admin:clients_user_change", args=[staff.pk]),
        {
            "email": staff.email,
            "first_name": "Renamed",
            "last_name": "",
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.first_name == "Renamed"
    assert not staff.is_superuser
    assert staff.user_permissions.count() < Permission.objects.count()


def test_staff_cannot_change_their_own_role(staff_http, staff):
    """Red-team finding: a provider with staff rights made themselves practice admin."""
    membership = staff.membership
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    staff_http.post(url, {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == Membership.Role.PROVIDER


def test_a_provider_with_staff_rights_cannot_change_a_colleagues_role(staff_http, provider):
    membership = provider.membership
    url = reverse("admin:clients_membership_change", args=[membership.pk])
    staff_http.post(url, {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == Membership.Role.PROVIDER


def test_staff_cannot_add_accounts_outside_any_practice(staff_http):
    """Red-team finding: staff created accounts they then could not see, that took an address."""
    url = reverse("admin:clients_user_add")
    data = {
        "email": "orphan@example.test",
        "password1": "x-long-pass-123",
        "password2": "x-long-pass-123",
    }
    assert staff_http.post(url, data).status_code == 403
    assert not User.objects.filter(email="orphan@example.test").exists()


def test_the_view_on_site_shortcut_reveals_nothing_of_other_practices(staff_http, foreign):
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Client).pk
    theirs = staff_http.get(f"/admin/r/{kind}/{foreign['client'].pk}/")
    missing = staff_http.get(f"/admin/r/{kind}/999999/")
    assert theirs.status_code == missing.status_code == 404


def _refusal(**fields):
    from clients.models import AccessRefusal

    return AccessRefusal.objects.create(
        user_label=fields.pop("user_label"),
        method="GET",
        path=fields.pop("path"),
        reason=AccessRefusal.Reason.OTHER_PRACTICE,
        **fields,
    )


def test_the_security_log_has_a_practice_column_and_filter_scoped_to_the_staffs_practice(
    staff_http, staff, superuser, organization, other_organization
):
    """A refusal concerns a practice as the asker's or as the record's: both are the staff's
    to see, filtered by their practice; another practice is never named to them."""
    _make_practice_admin(staff)
    _refusal(user_label="own asker", path="/own/", organization=organization)
    reached = _refusal(
        user_label="outsider",
        path="/reached-ours/",
        organization=other_organization,
        target_organization=organization,
    )
    _refusal(user_label="elsewhere only", path="/theirs/", organization=other_organization)
    changelist = reverse("admin:clients_accessrefusal_changelist")
    page = staff_http.get(changelist)
    body = page.content.decode()
    assert "/own/" in body and "/reached-ours/" in body and "/theirs/" not in body
    assert "Elsewhere Health" not in body
    assert "Another practice" in body
    detail = staff_http.get(reverse("admin:clients_accessrefusal_change", args=[reached.pk]))
    assert detail.status_code == 200
    assert "Another practice" in detail.content.decode()
    assert "Elsewhere Health" not in detail.content.decode()
    assert 'id="changelist-filter"' in body and f"practice={organization.pk}" in body
    filtered = staff_http.get(changelist, {"practice": organization.pk}).content.decode()
    assert "/own/" in filtered and "/reached-ours/" in filtered
    # Another practice's id in the filter shows nothing of theirs.
    sneaky = staff_http.get(changelist, {"practice": other_organization.pk})
    assert "/theirs/" not in sneaky.content.decode()
    everything = signed_in(superuser).get(changelist, {"practice": other_organization.pk})
    body = everything.content.decode()
    assert "/theirs/" in body and "/reached-ours/" in body and "/own/" not in body


def test_the_user_change_page_offers_staff_no_password_button(staff_http, client_record):
    """The page linked to the admin's set-password form; for staff it now says where to go."""
    page = staff_http.get(reverse("admin:clients_user_change", args=[client_record.user.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'href="../password/"' not in body
    assert "Only a superuser sets a password here" in body
