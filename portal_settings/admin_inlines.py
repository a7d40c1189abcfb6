"""The portal settings inline of the Django admin, on groups and practices.

The inline saves through portal_settings_update, so the admin follows the same rules as the
provider app: only real changes, a value equal to the inherited one removes the override,
stale forms are refused, and every change is in the audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from portal_settings.models import PortalSettings
from portal_settings.sections import SECTIONS
from portal_settings.services import StaleSettingsError, portal_settings_update
from portal_settings.targets import Target

TRI_STATE = [("", "Default (inherit)"), ("on", "On"), ("off", "Off")]
TO_VALUE = {"": None, "on": True, "off": False}


class PortalSettingsInlineForm(forms.ModelForm):
    shown_version = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(max_length=500, required=False, help_text="Kept in the audit trail.")

    class Meta:
        model = PortalSettings
        fields = []

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.instance.values if self.instance.pk else {}
        for section in SECTIONS:
            value = values.get(section.key)
            self.fields[section.field_name] = forms.ChoiceField(
                label=section.label,
                choices=TRI_STATE,
                required=False,
                initial="" if value is None else ("on" if value else "off"),
            )
        if parent is not None and parent.pk:
            self.fields["shown_version"].initial = Target.of(parent).reload().version_token()

    def changes(self) -> dict:
        values = self.instance.values if self.instance.pk else {}
        chosen = {s.key: TO_VALUE[self.cleaned_data.get(s.field_name) or ""] for s in SECTIONS}
        return {key: value for key, value in chosen.items() if values.get(key) != value}


class PortalSettingsFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "parent": self.instance}


class PortalSettingsInline(admin.StackedInline):
    model = PortalSettings
    form = PortalSettingsInlineForm
    formset = PortalSettingsFormSet
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "Client Portal Settings"
    verbose_name_plural = "Client Portal Settings"


class SettingsInlineSaveMixin:
    """Save the settings inline through the service instead of writing the row directly."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not PortalSettings:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these, which formset.save() would have set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for settings_form in formset.forms:
            changes = settings_form.changes() if settings_form.has_changed() else {}
            if not changes:
                continue
            try:
                applied = portal_settings_update(
                    actor=request.user,
                    target=Target.of(form.instance),
                    changes=changes,
                    shown_version=settings_form.cleaned_data.get("shown_version") or "",
                    note=settings_form.cleaned_data.get("note") or "",
                )
            except StaleSettingsError:
                transaction.set_rollback(True)
                messages.error(
                    request,
                    "The portal settings were changed by someone else while you edited them; "
                    "nothing was saved. Reload the page and make your change again.",
                )
                return
            if applied:
                messages.info(request, f"Portal settings: {len(applied)} section(s) changed.")
