"""The audit trail in the Django admin: a read-only list."""

from django.contrib import admin

from clients.admin import PracticeScopedMixin, PracticeScopedRelatedFilter
from portal_settings.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(PracticeScopedMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only, here as everywhere."""

    list_display = [
        "created_at",
        "actor_label",
        "organization",
        "level",
        "target",
        "action",
        "section",
        "old_value",
        "new_value",
        "note",
    ]
    list_filter = ["action", "level", ("organization", PracticeScopedRelatedFilter)]
    search_fields = ["actor_label", "client__user__email", "group__name", "section", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "client__user", "group"]

    @admin.display(description="Target")
    def target(self, entry):
        return entry.client or entry.group or entry.organization

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
