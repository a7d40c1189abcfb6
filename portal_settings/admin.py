"""Portal settings in the Django admin: the settings block on a group's and a practice's page
(added to the clients app's admin from here, the layer that owns settings), and the audit trail
as a read-only list."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from audit.models import AuditEntry
from clients.admin import (
    ClientGroupAdmin,
    OrganizationAdmin,
    PracticeScopedMixin,
    PracticeScopedRelatedFilter,
    acts_as_practice_admin,
    practice_time,
)
from clients.models import ClientGroup, Organization
from portal_settings.admin_inlines import PortalSettingsInline, SettingsInlineSaveMixin
from portal_settings.models import PRESET_ACTIONS, Preset
from portal_settings.resolver import trail_value_label
from portal_settings.sections import BY_KEY, SECTIONS
from portal_settings.services import STALE_PRESET_WORDS, preset_delete, preset_save
from portal_settings.targets import CLIENTS, FAMILY, Target


class ClientGroupWithSettingsAdmin(SettingsInlineSaveMixin, ClientGroupAdmin):
    inlines = [PortalSettingsInline, *ClientGroupAdmin.inlines]


class OrganizationWithSettingsAdmin(SettingsInlineSaveMixin, OrganizationAdmin):
    inlines = [PortalSettingsInline, *OrganizationAdmin.inlines]
    SHOWN = ["practice_defaults", "family_defaults"]

    # A provider sees the practice defaults read-only, each row in the settings pages' words,
    # instead of the settings block (which a read-only page would show as dashes, or not at
    # all before the first SAVE).
    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return [i for i in inlines if i is not PortalSettingsInline]
        return inlines

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        fields = [f for f in flatten_fieldsets(fieldsets) if f not in self.SHOWN]
        return [
            (None, {"fields": fields}),
            ("Client Portal Settings (practice admins change them)", {"fields": self.SHOWN}),
        ]

    def _defaults(self, organization, audience):
        effective = Target.of(organization, audience).reload().effective()
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((section.label, effective[section.key].label) for section in SECTIONS),
        )

    @admin.display(description="Practice defaults")
    def practice_defaults(self, organization):
        return self._defaults(organization, CLIENTS)

    @admin.display(description="For their family members")
    def family_defaults(self, organization):
        return self._defaults(organization, FAMILY)


for model, model_admin in (
    (ClientGroup, ClientGroupWithSettingsAdmin),
    (Organization, OrganizationWithSettingsAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)


@admin.register(AuditEntry)
class AuditEntryAdmin(PracticeScopedMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only, here as everywhere."""

    list_display = [
        "when",
        "actor_label",
        "organization",
        "level",
        "target",
        "action",
        "section_label",
        "old",
        "new",
        "note",
    ]
    list_filter = ["action", "level", ("organization", PracticeScopedRelatedFilter)]
    search_fields = ["actor_label", "client__user__email", "group__name", "section", "note"]
    date_hierarchy = "created_at"
    list_select_related = [
        "organization",
        "client__user",
        "group",
        "family_link__user",
        "family_link__client__user",
    ]

    @admin.display(description="Section", ordering="section")
    def section_label(self, entry):
        section = BY_KEY.get(entry.section)
        return section.label if section else entry.section

    @admin.display(description="Target")
    def target(self, entry):
        target = entry.family_link or entry.client or entry.group or entry.organization
        return f"{target} (family members)" if entry.audience and not entry.family_link else target

    @admin.display(description="When", ordering="created_at")
    def when(self, entry):
        return practice_time(entry.created_at, entry.organization)

    @admin.display(description="Old value", ordering="old_value")
    def old(self, entry):
        return self._value(entry, entry.old_value)

    @admin.display(description="New value", ordering="new_value")
    def new(self, entry):
        return self._value(entry, entry.new_value)

    def _value(self, entry, value):
        if entry.section:
            return trail_value_label(entry.level, value)
        if entry.action in PRESET_ACTIONS:
            return Preset.trail_summary_words(value)
        return value

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PresetAdminForm(forms.ModelForm):
    # The version the page showed (Preset.version_token), as on the app's edit page.
    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = Preset
        fields = ["organization", "name", "values"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version_token()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves in the transaction this runs in: locking the row here keeps
            # another save from landing between this check and preset_save's own.
            current = Preset.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is not None and current.version_token() != cleaned.get("version"):
                raise ValidationError(
                    f"{STALE_PRESET_WORDS} It now reads: {current.summary()}. Reload this page "
                    "and make your change again."
                )
        return cleaned


@admin.register(Preset)
class PresetAdmin(PracticeScopedMixin, admin.ModelAdmin):
    """Presets of the staff member's practice; saved through the same service as the app, so
    the change is in the History."""

    form = PresetAdminForm
    list_display = ["name", "organization", "summary"]
    list_filter = [("organization", PracticeScopedRelatedFilter)]
    search_fields = ["name"]
    list_select_related = ["organization"]

    # Practice admins write presets, providers apply them (in the app, Practice > Presets):
    # a provider sees them here read-only.
    def has_add_permission(self, request):
        return acts_as_practice_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return acts_as_practice_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting a preset changes no client (applying copied its levels); the rows offered
        # are the practice's (get_queryset), and the delete goes through the service.
        return acts_as_practice_admin(request) and admin.ModelAdmin.has_delete_permission(
            self, request, obj
        )

    def delete_model(self, request, obj):
        preset_delete(actor=request.user, organization=obj.organization, preset=obj)

    def delete_queryset(self, request, queryset):
        for preset in queryset.select_related("organization"):
            preset_delete(actor=request.user, organization=preset.organization, preset=preset)

    def get_readonly_fields(self, request, obj=None):
        # A preset stays with its practice (preset_save refuses a move).
        return ["organization"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        original = Preset.objects.get(pk=obj.pk) if change else None
        saved = preset_save(
            actor=request.user,
            organization=obj.organization,
            name=obj.name,
            values=obj.values,
            preset=original,
            shown_version=form.cleaned_data.get("version") or "",
        )
        obj.pk = saved.pk
