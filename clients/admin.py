"""The Django admin for the practice's support staff.

Nothing can be deleted here: clients are archived, not deleted, and groups, practices and
providers are referenced by the audit trail. A staff member who is not a superuser sees only
the records of their own practice. The Client Portal Settings block of a group's and a
practice's page is added by portal_settings.admin, the layer that owns settings.
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q

from clients import services
from clients.access import membership_of
from clients.models import AccessRefusal, Client, ClientGroup, Membership, Organization, User


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class PracticeScopedMixin(NoDeleteMixin):
    """Limit a non-superuser staff member to their own practice's rows."""

    organization_path = "organization"

    def staff_organization(self, request):
        membership = membership_of(request.user)
        return membership.organization if membership else None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organization = self.staff_organization(request)
        if organization is None:
            return queryset.none()
        return queryset.filter(**{self.organization_path: organization})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        organization = None if request.user.is_superuser else self.staff_organization(request)
        if not request.user.is_superuser:
            if db_field.related_model is Organization:
                kwargs["queryset"] = Organization.objects.filter(
                    pk=getattr(organization, "pk", None)
                )
            elif db_field.related_model is ClientGroup:
                kwargs["queryset"] = ClientGroup.objects.filter(organization=organization)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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

    def get_queryset(self, request):
        queryset = super(PracticeScopedMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organization = self.staff_organization(request)
        if organization is None:
            return queryset.none()
        return queryset.filter(
            Q(membership__organization=organization) | Q(client__organization=organization)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser hands out staff or superuser rights, or sets is_active by hand
            # (for clients it follows their portal login, set from the app).
            fields += ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]
        return fields


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


@admin.register(Membership)
class MembershipAdmin(PracticeScopedMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]


class MemberInline(admin.TabularInline):
    model = Client
    fields = ["user", "archived_at", "portal_login_allowed"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "member"
    verbose_name_plural = "members"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ClientGroup)
class ClientGroupAdmin(PracticeScopedMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "description"]
    list_filter = ["organization"]
    search_fields = ["name"]
    inlines = [MemberInline]


@admin.register(Client)
class ClientAdmin(PracticeScopedMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "email",
        "organization",
        "group",
        "portal_login_allowed",
        "archived_at",
    ]
    list_filter = ["organization", "group", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "organization", "group"]
    fields = ["user", "organization", "group", "portal_login_allowed", "archived_at", "created_at"]
    readonly_fields = ["user", "organization", "portal_login_allowed", "archived_at", "created_at"]
    actions = ["archive_clients", "restore_clients"]

    def has_add_permission(self, request):
        # Clients are added from the provider app, which sends their portal invitation.
        return False

    @admin.action(description="Archive selected clients (nothing is deleted)")
    def archive_clients(self, request, queryset):
        for client in queryset:
            services.client_archive(actor=request.user, client=client)
        messages.success(request, f"Archived {len(queryset)} client(s).")

    @admin.action(description="Restore selected clients")
    def restore_clients(self, request, queryset):
        for client in queryset:
            services.client_restore(actor=request.user, client=client)
        messages.success(request, f"Restored {len(queryset)} client(s).")


@admin.register(AccessRefusal)
class AccessRefusalAdmin(PracticeScopedMixin, admin.ModelAdmin):
    """The security log, read-only."""

    list_display = [
        "created_at",
        "user_label",
        "organization",
        "reason",
        "method",
        "path",
        "ip_address",
    ]
    list_filter = ["reason", "organization"]
    search_fields = ["user_label", "path", "detail"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        organization = self.staff_organization(request)
        if organization is None:
            return queryset.none()
        return queryset.filter(Q(organization=organization) | Q(target_organization=organization))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Failed sign-ins (django-axes). Unlock with the action; staff see their practice's only."""

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
        emails = User.objects.filter(
            Q(membership__organization=membership.organization_id)
            | Q(client__organization=membership.organization_id)
        ).values_list("email", flat=True)
        return queryset.filter(username__in=emails)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock the selected accounts and addresses")
    def unlock(self, request, queryset):
        for attempt in queryset:
            reset(ip=attempt.ip_address, username=attempt.username)
        messages.success(request, "Unlocked.")
