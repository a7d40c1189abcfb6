import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Client, ClientGroup, Membership, Organization, User
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory, ClientGroupFactory, MembershipFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", [User, Organization, Membership, ClientGroup, Client, AuditEntry])
def test_nothing_can_be_deleted_in_the_admin(rf, superuser, model):
    request = rf.get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_delete_page_is_refused(superuser, client_record):
    http = signed_in(superuser)
    response = http.post(
        reverse("admin:clients_client_delete", args=[client_record.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_admin_archive_action_archives_and_audits(superuser, client_record):
    http = signed_in(superuser)
    response = http.post(
        reverse("admin:clients_client_changelist"),
        {"action": "archive_clients", "_selected_action": [client_record.pk]},
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.is_archived
    assert AuditEntry.objects.get().actor == superuser


@pytest.mark.parametrize("action", ["archive_clients", "restore_clients"])
def test_staff_who_may_only_view_clients_cannot_archive_or_restore_them(
    organization, client_record, action
):
    from django.contrib.auth.models import Permission

    from clients import services

    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff)
    staff.user_permissions.set(Permission.objects.filter(codename="view_client"))
    if action == "restore_clients":
        services.client_archive(actor=staff, client=client_record)
    client_record.refresh_from_db()
    before = client_record.is_archived
    http = signed_in(staff)
    changelist = reverse("admin:clients_client_changelist")
    assert http.get(changelist).status_code == 200
    http.post(changelist, {"action": action, "_selected_action": [client_record.pk]})
    client_record.refresh_from_db()
    assert client_record.is_archived == before


def test_admin_lists_groups_with_their_members(superuser, group, organization):
    member = ClientFactory(organization=organization, group=group)
    body = (
        signed_in(superuser)
        .get(reverse("admin:clients_clientgroup_change", args=[group.pk]))
        .content.decode()
    )
    assert str(member.user) in body


def test_staff_of_a_practice_sees_only_that_practice(
    organization, other_organization, client_record
):
    staff = MembershipFactory(organization=organization, user=UserFactory(is_staff=True)).user
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["clients", "portal_settings"])
    )
    foreign = ClientFactory(organization=other_organization)
    foreign_group = ClientGroupFactory(organization=other_organization)
    http = signed_in(staff)
    listing = http.get(reverse("admin:clients_client_changelist")).content.decode()
    assert str(client_record.user) in listing
    assert str(foreign.user) not in listing
    assert http.get(reverse("admin:clients_client_change", args=[foreign.pk])).status_code == 302
    assert (
        http.get(reverse("admin:clients_clientgroup_change", args=[foreign_group.pk])).status_code
        == 302
    )
    assert (
        http.get(
            reverse("admin:clients_organization_change", args=[other_organization.pk])
        ).status_code
        == 302
    )


def test_group_settings_inline_saves_through_the_service(superuser, group):
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    assert page.status_code == 200
    formset = next(
        f for f in page.context["inline_admin_formsets"] if f.formset.model is PortalSettings
    )
    version = formset.formset.forms[0].fields["shown_version"].initial
    prefix = formset.formset.prefix
    data = {
        "name": group.name,
        "description": "",
        "organization": group.organization_id,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
        f"{prefix}-0-shown_version": version,
        f"{prefix}-0-note": "From the admin",
        f"{prefix}-0-section-billing": "view",
        "clients-TOTAL_FORMS": "0",
        "clients-INITIAL_FORMS": "0",
        "clients-MIN_NUM_FORMS": "0",
        "clients-MAX_NUM_FORMS": "1000",
    }
    response = http.post(url, data)
    assert response.status_code == 302, [
        (f.formset.errors, f.formset.non_form_errors())
        for f in response.context["inline_admin_formsets"]
    ] + [response.context["errors"]]
    assert PortalSettings.objects.get(group=group).values == {"billing": "view"}
    entry = AuditEntry.objects.get()
    assert (entry.level, entry.section, entry.old_value, entry.new_value, entry.note) == (
        "group",
        "billing",
        "default:Inherited from practice: Full",
        "view",
        "From the admin",
    )
    # The same control as the app's: Inherited (and from where), then the section's levels.
    field = formset.formset.forms[0].fields["section-billing"]
    assert field.choices == [
        ("", "Inherited (Full, from practice)"),
        ("full", "Full"),
        ("view", "View only"),
        ("off", "Off"),
    ]
    assert [
        value for value, _ in formset.formset.forms[0].fields["section-care_plans"].choices
    ] == [
        "",
        "full",
        "off",
    ]


def test_audit_trail_admin_is_read_only(superuser):
    request_user = superuser
    model_admin = admin.site._registry[AuditEntry]

    class Request:
        user = request_user

    assert not model_admin.has_add_permission(Request())
    assert not model_admin.has_change_permission(Request())


def test_the_admin_lists_one_groups_entry_the_client_groups(superuser):
    index = signed_in(superuser).get(reverse("admin:index")).content.decode()
    assert index.count(">Groups<") + index.count(">Client groups<") == 1
    assert reverse("admin:clients_clientgroup_changelist") in index


def test_favicon_ico_leads_to_the_icon_every_page_links(client, provider_http):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == "/static/favicon.svg"
    page = provider_http.get(reverse("clients:list")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page


def test_no_admin_page_offers_a_view_on_site_link():
    # "View on site" goes through admin/r/, which is a 404 here (config/urls.py): the link
    # would lead nowhere. Every model with a page of its own in the app says so.
    offering = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "get_absolute_url") and model_admin.view_on_site is not False
    ] + [
        inline.__name__
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if hasattr(inline.model, "get_absolute_url") and inline.view_on_site is not False
    ]
    assert offering == []


def test_the_group_and_client_change_pages_show_no_view_on_site_link(superuser, client_record):
    http = signed_in(superuser)
    group = ClientGroupFactory(organization=client_record.organization)
    client_record.group = group  # a member, so the group's page lists them inline
    client_record.save()
    for url in (
        reverse("admin:clients_client_change", args=[client_record.pk]),
        reverse("admin:clients_clientgroup_change", args=[group.pk]),
    ):
        page = http.get(url)
        assert page.status_code == 200
        assert "View on site" not in page.content.decode()
