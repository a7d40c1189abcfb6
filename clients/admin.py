"""The Django admin for the practice's support staff.

Nothing can be deleted here: clients are archived, not deleted, and groups, practices and
providers are referenced by the audit trail. A staff member who is not a superuser sees only
the records of their own practice. The Client Portal Settings block of a group's and a
practice's page is added by portal_settings.admin, the layer that owns settings.
"""

import zoneinfo

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients import selectors, services
from clients.access import membership_of
from clients.forms import EmailAddressField
from clients.models import (
    AccessRefusal,
    Client,
    ClientGroup,
    FamilyLink,
    Membership,
    Organization,
    User,
)
from clients.security import REASON_WORDS, refusals_seen_by, refusals_seen_by_superuser


def practice_time(moment, organization) -> str:
    """A time as the practice reads it (its own time zone), whoever looks at the admin."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(organization.time_zone))
    return date_format(local, "M j, Y, g:i A T")


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


def staff_organization(request):
    """The practice a non-superuser staff member works for, or None."""
    membership = membership_of(request.user)
    return membership.organization if membership else None


def acts_as_practice_admin(request) -> bool:
    """A superuser, or a staff member who is their practice's admin: what the app reserves for
    practice admins (the practice's settings and defaults, creating groups, presets, sign-in
    lockouts, the security log), the admin reserves for them too."""
    if request.user.is_superuser:
        return True
    membership = membership_of(request.user)
    return membership is not None and membership.is_practice_admin


class PracticeAdminOnlyMixin:
    """View and change only for a practice admin (or a superuser), as in the app."""

    def has_module_permission(self, request):
        return acts_as_practice_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return acts_as_practice_admin(request) and super().has_view_permission(request, obj)


def users_in_scope(request):
    """The people a non-superuser staff member may pick or edit in the admin.

    Their practice's providers and clients, never a superuser, and no other staff member than
    themselves: editing another staff account (its password, say) would hand over its rights.
    """
    organization = staff_organization(request)
    if organization is None:
        return User.objects.none()
    return (
        User.objects.filter(
            Q(membership__organization=organization)
            | Q(client__organization=organization)
            | Q(family_links__organization=organization)
        )
        .distinct()
        .exclude(is_superuser=True)
        .exclude(Q(is_staff=True) & ~Q(pk=request.user.pk))
    )


def related_in_scope(request, model):
    """The rows of `model` a non-superuser staff member may choose in a form field or filter.

    Deny by default: a related model not named here offers nothing.
    """
    organization = staff_organization(request)
    if model is Organization:
        return Organization.objects.filter(pk=getattr(organization, "pk", None))
    if model is ClientGroup:
        return ClientGroup.objects.filter(organization=organization)
    if model is Client:
        return Client.objects.filter(organization=organization)
    if model is FamilyLink:
        return FamilyLink.objects.filter(organization=organization)
    if model is User:
        return users_in_scope(request)
    return model._default_manager.none()


class PracticeScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a related practice or group that offers only the staff's own."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        queryset = related_in_scope(request, field.related_model).order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class PracticeScopedMixin(NoDeleteMixin):
    """Limit a non-superuser staff member to their own practice's rows.

    Lists and change pages show only the practice's rows, and every foreign key of every form
    offers and accepts only rows of the practice (the submitted id is checked by the form field,
    not only the widget's choices), whatever the related model.
    """

    organization_path = "organization"

    def staff_organization(self, request):
        return staff_organization(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organization = self.staff_organization(request)
        if organization is None:
            return queryset.none()
        return queryset.filter(**{self.organization_path: organization})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = related_in_scope(request, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = related_in_scope(request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SuperuserOnlyMixin:
    """Models that grant rights: only a superuser sees or edits them, whatever permissions a
    staff member was given (a permission group could otherwise be widened by its member)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in, taking the email as the app's sign-in does: Django's own field
    takes any text, so an overlong address reached the sign-in records' column (a 500 on
    PostgreSQL) and one with an invisible character was tried as another account. Both are
    refused in the app's words before anything is tried or recorded; django-axes pauses this
    sign-in as it does the app's."""

    username = EmailAddressField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


admin.site.login_form = AdminSignInForm
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyMixin, NoDeleteMixin, DjangoGroupAdmin):
    def has_module_permission(self, request):
        # Django's permission groups are unused here; listed beside the client groups they
        # read as a second "Groups" entry. A superuser still reaches them by URL.
        return False


@admin.register(User)
class UserAdmin(PracticeScopedMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]

    def has_add_permission(self, request):
        # Accounts come from the app (a client added, with their invitation) or a superuser; a
        # staff member's would belong to no practice, invisible to them, holding an address.
        return request.user.is_superuser and super().has_add_permission(request)

    def get_queryset(self, request):
        queryset = super(PracticeScopedMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Also what the password page (/admin/clients/user/<id>/password/) and the user
        # autocomplete of other forms look up: a superuser or another staff member is not found.
        return queryset.filter(pk__in=users_in_scope(request).values("pk"))

    def has_change_permission(self, request, obj=None):
        # A colleague's account (its email, then "Forgot your password?") would hand it over:
        # a staff provider sees their practice's providers read-only; a practice admin edits.
        if (
            obj is not None
            and obj.pk != request.user.pk
            and not request.user.is_superuser
            and Membership.objects.filter(user_id=obj.pk).exists()
            and not acts_as_practice_admin(request)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # The password block links to the set-password page, which only a superuser may use.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "password_note" if field == "password" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Password")
    def password_note(self, user):
        return (
            "Only a superuser sets a password here. Change your own under Change password "
            "(it asks for your current one); others choose a new one with \u201cForgot your "
            "password?\u201d on the sign-in page, and a client can be sent a new portal "
            "invitation from their profile in the app."
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            fields.append("password_note")
        if not request.user.is_superuser:
            # Only a superuser hands out staff or superuser rights, or sets is_active by hand
            # (for clients it follows their portal login, set from the app).
            fields += ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        """Django's "set password" page, for a superuser only.

        It sets a password without the current one: on another person's account it hands the
        account over (a staff provider took their practice admin's so), on one's own it skips
        the throttled current-password check. A staff member changes their own through the
        app's throttled change; other people reset theirs from the sign-in page, or a client
        gets a new invitation from their profile in the app.
        """
        if request.user.is_superuser:
            return super().user_change_password(request, id, form_url)
        user = self.get_object(request, unquote(id))
        if user is None:  # another practice's, a superuser or another staff member: not found
            raise Http404("No such user.")
        if user.pk == request.user.pk:
            messages.info(request, "Change your password here: it asks for your current one.")
            return redirect("accounts:password-change")
        messages.error(
            request,
            "Only a superuser sets another person's password in the admin. They can choose a "
            "new one with \u201cForgot your password?\u201d on the sign-in page, and a client "
            "can be sent a new portal invitation from their profile in the app. Nothing was "
            "changed.",
        )
        return redirect(reverse("admin:clients_user_change", args=[user.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        client = getattr(obj, "client", None) if change else None
        if client is not None and "email" in form.changed_data:
            # What was sent to the old address stops working, as when the app changes it.
            services.client_links_revoke(client=client)
        elif change and "email" in form.changed_data and obj.family_links.exists():
            services.family_member_links_revoke(user=obj)


AUDITED_PRACTICE_FIELDS = ("adult_age", "email_clients_on_portal_changes")


@admin.register(Organization)
class OrganizationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "contact_email", "time_zone", "created_at"]
    search_fields = ["name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        membership = membership_of(request.user)
        return queryset.filter(pk=membership.organization_id) if membership else queryset.none()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # The practice's settings and defaults are a practice admin's, in the app and here;
        # a provider sees them read-only.
        return acts_as_practice_admin(request) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Every field of a practice's page changes through a service, which records the change
        # in the audit trail (the practice's History).
        changed = set(form.changed_data)
        unhandled = changed - set(services.PRACTICE_SETTINGS) - set(AUDITED_PRACTICE_FIELDS)
        if unhandled:
            raise ImproperlyConfigured(f"No audited service saves {', '.join(unhandled)}.")
        own = {f: form.cleaned_data[f] for f in services.PRACTICE_SETTINGS if f in changed}
        if own:
            services.practice_settings_update(actor=request.user, organization=obj, changes=own)
        if "adult_age" in changed:
            services.practice_adult_age_set(
                actor=request.user, organization=obj, adult_age=form.cleaned_data["adult_age"]
            )
        if "email_clients_on_portal_changes" in changed:
            services.organization_client_emails_set(
                actor=request.user,
                organization=obj,
                enabled=form.cleaned_data["email_clients_on_portal_changes"],
            )


@admin.register(Membership)
class MembershipAdmin(PracticeScopedMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role", ("organization", PracticeScopedRelatedFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__in=users_in_scope(request).values("pk"))

    def has_add_permission(self, request):
        # Attaching a person to a practice is a superuser's job: a staff member could otherwise
        # attach any account, a superuser's included, and then act as it.
        return request.user.is_superuser and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None or not request.user.is_superuser:
            # A membership keeps its person and practice (a superuser adds another); only the
            # role changes, through its audited service.
            fields += ["user", "organization"]
            # Roles are rights: a staff member who is a practice admin may change a colleague's
            # role, nobody their own (a provider could otherwise make themselves admin).
            own = membership_of(request.user)
            if (
                obj is None
                or obj.user_id == request.user.pk
                or not own
                or not own.is_practice_admin
            ):
                fields.append("role")
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            membership = services.provider_add(
                actor=request.user, user=obj.user, organization=obj.organization, role=obj.role
            )
            obj.pk = membership.pk
        elif "role" in form.changed_data:
            services.membership_role_set(
                actor=request.user, membership=obj, role=form.cleaned_data["role"]
            )


class MemberInline(admin.TabularInline):
    model = Client
    fields = ["user", "archived_at", "portal_login_allowed"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    view_on_site = False  # admin/r/ is a 404 here (config/urls.py)
    verbose_name = "member"
    verbose_name_plural = "members"

    def has_add_permission(self, request, obj=None):
        return False


class ClientGroupAdminForm(forms.ModelForm):
    class Meta:
        model = ClientGroup
        fields = ["name", "description", "organization"]

    def validate_unique(self):
        super().validate_unique()
        # On a group's page its practice is read-only, so Django's check leaves out the
        # constraint that names it: a name the practice already uses is refused here, in the
        # form, rather than by the save.
        if self.instance.pk:
            try:
                self.instance.validate_constraints()
            except ValidationError as error:
                self.add_error(None, error)


@admin.register(ClientGroup)
class ClientGroupAdmin(PracticeScopedMixin, admin.ModelAdmin):
    form = ClientGroupAdminForm
    list_display = ["name", "organization", "description"]
    list_filter = [("organization", PracticeScopedRelatedFilter)]
    search_fields = ["name"]
    inlines = [MemberInline]
    view_on_site = False  # admin/r/ is a 404 here (config/urls.py)

    def has_add_permission(self, request):
        # As in the app (Groups > New group): a practice admin's.
        return acts_as_practice_admin(request) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A group stays with its practice; a provider changes its portal settings here (as
            # in the app), its name and description only a practice admin.
            fields.append("organization")
            if not acts_as_practice_admin(request):
                fields += ["name", "description"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, which records a rename in the group's History.
        if {"name", "description"} & set(form.changed_data):
            services.group_update(
                actor=request.user,
                group=obj,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )


class ClientAdminForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["group"]

    def clean(self):
        # The admin has no reason fields: a move that hides the client's own records is made
        # from the client's Edit page, which asks for one (services.move_reason).
        cleaned = super().clean()
        if "group" in self.changed_data and self.instance.pk:
            hidden = services.move_hidden(
                organization=self.instance.organization,
                old_group_ids={self.instance.pk: self.instance.group_id},
                group=cleaned.get("group"),
            )
            if hidden:
                raise ValidationError(
                    f"This move turns off {', '.join(hidden[self.instance.pk])} for this "
                    "client, which hides their own records from them. Move them from the "
                    "client's Edit page in the app, which asks for a reason. Nothing was changed."
                )
        return cleaned


@admin.register(Client)
class ClientAdmin(PracticeScopedMixin, admin.ModelAdmin):
    form = ClientAdminForm
    view_on_site = False  # admin/r/ is a 404 here (config/urls.py)
    list_display = [
        "__str__",
        "email",
        "organization",
        "group",
        "portal_login_allowed",
        "archived_at",
    ]
    list_filter = [
        ("organization", PracticeScopedRelatedFilter),
        ("group", PracticeScopedRelatedFilter),
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "organization", "group"]
    fields = ["user", "organization", "group", "portal_login_allowed", "archived_at", "created_at"]
    readonly_fields = ["user", "organization", "portal_login_allowed", "archived_at", "created_at"]
    actions = ["archive_clients", "restore_clients"]

    def has_add_permission(self, request):
        # Clients are added from the provider app, which sends their portal invitation.
        return False

    def save_model(self, request, obj, form, change):
        # The group is the only field edited here; it moves through the app's service, which
        # writes the audit entry.
        if "group" in form.changed_data:
            services.client_group_set(
                actor=request.user,
                client=Client.objects.get(pk=obj.pk),
                group=form.cleaned_data["group"],
            )

    @admin.action(
        description="Archive selected clients (nothing is deleted)", permissions=["change"]
    )
    def archive_clients(self, request, queryset):
        for client in queryset:
            services.client_archive(actor=request.user, client=client)
        messages.success(request, f"Archived {len(queryset)} client(s).")

    @admin.action(description="Restore selected clients", permissions=["change"])
    def restore_clients(self, request, queryset):
        for client in queryset:
            services.client_restore(actor=request.user, client=client)
        messages.success(request, f"Restored {len(queryset)} client(s).")


@admin.register(FamilyLink)
class FamilyLinkAdmin(PracticeScopedMixin, admin.ModelAdmin):
    """Family members, read-only: added from the client's page in the app (which sends the
    invitation); paused, resumed and removed here by the same services, which write the audit
    entry and end the person's sessions."""

    list_display = [
        "__str__",
        "email",
        "client",
        "relationship",
        "status",
        "suspended_because",
        "organization",
        "status_changed_at",
    ]
    list_filter = [
        "status",
        "relationship",
        ("organization", PracticeScopedRelatedFilter),
    ]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "client__user__email",
        "client__user__last_name",
    ]
    list_select_related = ["user", "client__user", "organization"]
    fields = [
        "user",
        "client",
        "organization",
        "relationship",
        "status",
        "suspended_because",
        "reviewed_at",
        "created_by",
        "created_at",
        "status_changed_at",
    ]
    readonly_fields = fields
    actions = ["pause_links", "resume_links", "remove_links"]

    @admin.display(description="Email", ordering="user__email")
    def email(self, link):
        return link.user.email

    def has_add_permission(self, request):
        return False

    def _change(self, request, queryset, action):
        done, refused = 0, []
        for link in queryset:
            try:
                services.family_link_change(actor=request.user, link=link, action=action)
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                done += 1
        if done:
            messages.success(request, f"{done} family member(s): {action} done.")
        for message in refused:
            messages.error(request, message)

    @admin.action(description="Pause family access (signs them out)", permissions=["change"])
    def pause_links(self, request, queryset):
        self._change(request, queryset, "pause")

    @admin.action(description="Resume family access", permissions=["change"])
    def resume_links(self, request, queryset):
        self._change(request, queryset, "resume")

    @admin.action(description="Remove family access (signs them out)", permissions=["change"])
    def remove_links(self, request, queryset):
        self._change(request, queryset, "remove")


class RefusalPracticeFilter(admin.SimpleListFilter):
    """A refusal concerns a practice as the asker's or as the record's they reached for; the
    filter offers the staff member's own practice only (a superuser: every practice)."""

    title = "practice"
    parameter_name = "practice"

    def _in_scope(self, request):
        if request.user.is_superuser:
            return Organization.objects.all()
        return related_in_scope(request, Organization)

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in self._in_scope(request).values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        organization = self._in_scope(request).filter(pk=value if value.isdigit() else None)
        return queryset.filter(
            Q(organization__in=organization) | Q(target_organization__in=organization)
        )


ANOTHER_PRACTICE = "Another practice"


class ShownReasonFilter(admin.SimpleListFilter):
    """Why, as the staff member's practice is told (security.refusals_seen_by): filtering by
    the stored reason would tell a missing id from another practice's."""

    title = "why"
    parameter_name = "why"

    def lookups(self, request, model_admin):
        return list(REASON_WORDS.items())

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(shown_reason=value) if value else queryset


@admin.register(AccessRefusal)
class AccessRefusalAdmin(PracticeAdminOnlyMixin, PracticeScopedMixin, admin.ModelAdmin):
    """The security log, read-only. Each refusal names the asker's practice and the practice
    of the record they reached for; to a staff member, a practice other than theirs is
    "Another practice", never its name, and its people are "Someone from another practice";
    their own person asking for another practice's record reads as a missing id (the same
    words as the app's Security log, security.refusals_seen_by)."""

    list_display = [
        "when",
        "who",
        "asker_practice",
        "record_practice",
        "why",
        "method",
        "path",
        "address",
    ]
    list_filter = [ShownReasonFilter, RefusalPracticeFilter]
    search_fields = ["shown_user", "path", "detail"]
    list_select_related = ["organization", "target_organization"]
    date_hierarchy = "created_at"
    fields = [
        "when",
        "who",
        "asker_practice",
        "record_practice",
        "why",
        "method",
        "path",
        "detail",
        "address",
    ]
    readonly_fields = fields

    @admin.display(description="When", ordering="created_at")
    def when(self, refusal):
        organization = refusal.organization or refusal.target_organization
        if refusal.viewer_time_zone:
            moment = timezone.localtime(
                refusal.created_at, zoneinfo.ZoneInfo(refusal.viewer_time_zone)
            )
            return date_format(moment, "M j, Y, g:i A T")
        if organization is None:
            return date_format(timezone.localtime(refusal.created_at), "M j, Y, g:i A T")
        return practice_time(refusal.created_at, organization)

    @admin.display(description="Who", ordering="shown_user")
    def who(self, refusal):
        return refusal.shown_user

    @admin.display(description="Why", ordering="shown_reason")
    def why(self, refusal):
        return REASON_WORDS.get(refusal.shown_reason, refusal.shown_reason)

    @admin.display(description="Address", ordering="shown_ip")
    def address(self, refusal):
        return refusal.shown_ip or "—"

    @admin.display(description="Asker's practice", ordering="organization__name")
    def asker_practice(self, refusal):
        return refusal.asker_practice_name

    @admin.display(description="Record's practice", ordering="record_practice_name")
    def record_practice(self, refusal):
        return refusal.record_practice_name

    def get_queryset(self, request):
        if request.user.is_superuser:
            return refusals_seen_by_superuser().annotate(
                asker_practice_name=Coalesce("organization__name", Value("—")),
                record_practice_name=Coalesce("target_organization__name", Value("—")),
                viewer_time_zone=Value(""),
            )
        organization = self.staff_organization(request)
        if organization is None:
            return AccessRefusal.objects.none()

        def name(field):
            return Case(
                When(**{field: organization.pk}, then=Value(organization.name)),
                When(**{f"{field}__isnull": True}, then=Value("—")),
                default=Value(ANOTHER_PRACTICE),
            )

        return refusals_seen_by(organization).annotate(
            asker_practice_name=name("organization"),
            record_practice_name=name("shown_target_organization"),
            viewer_time_zone=Value(organization.time_zone),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(PracticeAdminOnlyMixin, NoDeleteMixin, admin.ModelAdmin):
    """Failed sign-ins (django-axes). Unlock with the action; staff see their practice's only,
    and only a practice admin, as in the app (Security > Sign-in lockouts)."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    readonly_fields = [f.name for f in AccessAttempt._meta.fields]
    actions = ["unlock"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        membership = membership_of(request.user)
        if membership is None:
            return queryset.none()
        emails = selectors.sign_in_emails(organization=membership.organization)
        return queryset.filter(username__in=emails)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock the selected accounts and addresses")
    def unlock(self, request, queryset):
        for attempt in queryset:
            user = User.objects.filter(email=attempt.username).first()
            # Only a superuser clears an address: it may carry other practices' failures.
            address = attempt.ip_address if request.user.is_superuser else None
            if user is not None:
                services.sign_in_unlock(actor=request.user, user=user, ip_address=address)
            elif request.user.is_superuser:
                services.sign_in_unlock_unknown(username=attempt.username, ip_address=address)
        messages.success(request, "Unlocked.")
