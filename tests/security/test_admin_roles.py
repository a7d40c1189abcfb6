"""In the Django admin, a staff member may do what their role may do in the app, no more.

The outside review: a staff Provider (not a practice admin) changed the practice defaults in
the admin (`portal_settings-0-section-packages=view`), which the app reserves for practice
admins, as it does the practice's own settings, groups' creation, presets, sign-in lockouts and
the security log. Each test posts as a staff Provider (refused, nothing changes) and, where
the app lets them, as a staff practice admin (done).
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import AccessRefusal, ClientGroup, Membership
from portal_settings.models import PortalSettings, Preset
from tests.factories import ClientGroupFactory, MembershipFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def _staff(organization, role):
    user = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=user, role=role)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["clients", "portal_settings", "audit", "axes"]
        )
    )
    return user


@pytest.fixture
def staff_provider_http(organization):
    return signed_in(_staff(organization, Membership.Role.PROVIDER))


@pytest.fixture
def staff_admin_http(organization):
    return signed_in(_staff(organization, Membership.Role.ADMIN))


def _posted(page):
    """The admin page's forms as shown, ready to post back."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return data


def _organization_post(http, organization, **settings):
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    page = http.get(url)
    assert page.status_code == 200
    prefix = "portal_settings-0-"
    data = {**_posted(page), **{prefix + name: value for name, value in settings.items()}}
    if data.get(f"{prefix}id") is None and f"{prefix}organization" in data:
        data.pop(f"{prefix}organization")
    data["adult_age"] = "16"
    return http.post(url, data)


def _defaults(organization):
    row = PortalSettings.objects.filter(organization=organization).first()
    return (row.values, row.family_values) if row else ({}, {})


def test_a_staff_provider_sees_the_practice_read_only(staff_provider_http, organization):
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    page = staff_provider_http.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "View and purchase packages" in html  # the defaults, shown read-only


@pytest.mark.parametrize(
    "chosen",
    [
        {"section-packages": "view"},  # the practice defaults (clients' column)
        {"family-section-packages": "off"},  # the family column
        {},  # the practice's own fields (the age of adulthood, set by _organization_post)
    ],
)
def test_a_staff_provider_cannot_change_the_practice(staff_provider_http, organization, chosen):
    before = _defaults(organization)
    response = _organization_post(staff_provider_http, organization, **chosen)
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.adult_age == 18
    assert _defaults(organization) == before
    assert not AuditEntry.objects.exists()


def test_a_staff_practice_admin_changes_the_practice(staff_admin_http, organization):
    response = _organization_post(staff_admin_http, organization, **{"section-packages": "view"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.adult_age == 16
    assert _defaults(organization)[0] == {"packages": "view"}


def test_only_a_staff_practice_admin_adds_a_group(
    staff_provider_http, staff_admin_http, organization
):
    url = reverse("admin:clients_clientgroup_add")
    data = {
        "name": "Seniors",
        "description": "",
        "organization": organization.pk,
        "portal_settings-TOTAL_FORMS": "0",
        "portal_settings-INITIAL_FORMS": "0",
        "clients-TOTAL_FORMS": "0",
        "clients-INITIAL_FORMS": "0",
    }
    assert staff_provider_http.get(url).status_code == 403
    assert staff_provider_http.post(url, data).status_code == 403
    assert not ClientGroup.objects.filter(name="Seniors").exists()
    assert staff_admin_http.post(url, data).status_code == 302
    assert ClientGroup.objects.filter(name="Seniors", organization=organization).exists()


@pytest.fixture
def preset(organization):
    return Preset.objects.create(organization=organization, name="Minor", values={"billing": "off"})


def test_a_staff_provider_cannot_add_change_or_delete_a_preset(
    staff_provider_http, organization, preset
):
    data = {"name": "Renamed", "values": '{"billing": "view"}', "organization": organization.pk}
    add = reverse("admin:portal_settings_preset_add")
    change = reverse("admin:portal_settings_preset_change", args=[preset.pk])
    delete = reverse("admin:portal_settings_preset_delete", args=[preset.pk])
    assert staff_provider_http.post(add, data).status_code == 403
    assert staff_provider_http.post(change, data).status_code == 403
    assert staff_provider_http.post(delete, {"post": "yes"}).status_code == 403
    assert staff_provider_http.get(change).status_code == 200  # they apply presets: they see them
    assert list(Preset.objects.values_list("name", "values")) == [("Minor", {"billing": "off"})]


def test_a_staff_practice_admin_changes_a_preset(staff_admin_http, organization, preset):
    change = reverse("admin:portal_settings_preset_change", args=[preset.pk])
    response = staff_admin_http.post(
        change,
        {"name": "Minor", "values": '{"billing": "view"}', "version": preset.version_token()},
    )
    assert response.status_code == 302
    preset.refresh_from_db()
    assert preset.values == {"billing": "view"}


def test_only_a_staff_practice_admin_sees_and_unlocks_sign_in_lockouts(
    staff_provider_http, staff_admin_http, client_record
):
    attempt = AccessAttempt.objects.create(
        username=client_record.user.email,
        ip_address="203.0.113.5",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    url = reverse("admin:axes_accessattempt_changelist")
    data = {"action": "unlock", "_selected_action": [attempt.pk]}
    assert staff_provider_http.get(url).status_code == 403
    staff_provider_http.post(url, data)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert staff_admin_http.get(url).status_code == 200
    staff_admin_http.post(url, data)
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_only_a_staff_practice_admin_reads_the_security_log(
    staff_provider_http, staff_admin_http, provider
):
    AccessRefusal.objects.create(
        user=provider,
        user_label="Pat Provider <p@example.test>",
        organization=provider.membership.organization,
        method="GET",
        path="/reports/security/",
        reason=AccessRefusal.Reason.WRONG_ROLE,
    )
    url = reverse("admin:clients_accessrefusal_changelist")
    assert staff_provider_http.get(url).status_code == 403
    assert "Pat Provider" in staff_admin_http.get(url).content.decode()


def test_a_staff_provider_cannot_change_a_colleagues_account(
    staff_provider_http, staff_admin_http, practice_admin, provider
):
    """Changing the practice admin's email to one's own, then "Forgot your password?", would
    take the account over as surely as setting its password. A staff provider sees their
    colleagues' accounts read-only; a staff practice admin edits them (as documented)."""
    url = reverse("admin:clients_user_change", args=[practice_admin.pk])
    data = {"email": "mine@example.test", "first_name": "Mine", "last_name": "Mine"}
    assert staff_provider_http.post(url, data).status_code == 403
    practice_admin.refresh_from_db()
    assert practice_admin.email != "mine@example.test"
    assert staff_provider_http.get(url).status_code == 200  # read-only
    url = reverse("admin:clients_user_change", args=[provider.pk])
    assert staff_admin_http.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert provider.email == "mine@example.test"


def _group_change(http, group, **fields):
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    assert page.status_code == 200
    return http.post(url, {**_posted(page), **fields})


def test_a_staff_provider_sees_a_groups_name_and_description_read_only(staff_provider_http, group):
    page = staff_provider_http.get(reverse("admin:clients_clientgroup_change", args=[group.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Teens" in html
    assert 'name="name"' not in html
    assert 'name="description"' not in html
    assert 'name="_save"' in html  # the group's portal settings are a provider's, as in the app


def test_a_staff_provider_cannot_rename_or_redescribe_a_group(staff_provider_http, group):
    _group_change(staff_provider_http, group, name="Renamed", description="Planted")
    group.refresh_from_db()
    assert (group.name, group.description) == ("Teens", "")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["staff practice admin", "superuser"])
def test_a_practice_admins_rename_in_the_admin_is_in_the_groups_history(
    staff_admin_http, admin_http, group, who
):
    http = (
        signed_in(UserFactory(is_staff=True, is_superuser=True))
        if who == "superuser"
        else staff_admin_http
    )
    response = _group_change(http, group, name="Adolescents", description="13 to 17")
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.description) == ("Adolescents", "13 to 17")
    trail = AuditEntry.objects.filter(group=group, level="group")
    assert {(e.action, e.old_value, e.new_value) for e in trail} == {
        (AuditEntry.Action.GROUP_RENAMED, "Teens", "Adolescents"),
        (AuditEntry.Action.GROUP_DESCRIBED, "", "13 to 17"),
    }
    history = admin_http.get(reverse("portal_settings:group", args=[group.pk])).content.decode()
    assert "<strong>Group renamed</strong>: Teens → Adolescents" in history


def test_a_group_renamed_onto_another_groups_name_is_refused(staff_admin_http, group):
    ClientGroupFactory(organization=group.organization, name="Adults")
    response = _group_change(staff_admin_http, group, name="adults")
    assert response.status_code == 200
    assert "This practice already has a group with that name." in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Teens"
    assert not AuditEntry.objects.exists()
