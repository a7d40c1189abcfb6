"""The portal settings inline of the Django admin, on groups and practices.

The inline saves through portal_settings_update, so the admin follows the same rules as the
provider app: only real changes, a value equal to the inherited one removes the override,
stale forms are refused, and every change is in the audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from clients.models import Organization
from portal_settings.confirmations import describe
from portal_settings.levels import BUILT_IN_ACCESS
from portal_settings.models import PortalSettings
from portal_settings.reasons import OTHER_MAX_LENGTH, HidingReason
from portal_settings.resolver import BUILT_IN_SOURCE, PRACTICE_SOURCE
from portal_settings.sections import SECTIONS
from portal_settings.services import (
    SettingsValueError,
    StaleSettingsError,
    portal_settings_update,
)
from portal_settings.targets import Target


def _level_choices(section) -> list[tuple[str, str]]:
    return [(level.value, level.label) for level in section.levels]


def _section_field(section) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=section.label,
        choices=[("", "Inherited"), *_level_choices(section)],
        required=False,
    )


class PortalSettingsInlineForm(forms.ModelForm):
    """One select per section: Inherited or one of the levels the section offers, saying what
    it inherits and shows now.

    The nine fields are declared on the class (not only added in __init__), because the admin
    renders the fields its fieldsets name, and those come from the form class.
    """

    locals().update({section.field_name: _section_field(section) for section in SECTIONS})
    shown_version = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(max_length=500, required=False, help_text="Kept in the audit trail.")
    reason = forms.ChoiceField(
        choices=[("", "—"), *HidingReason.choices],
        required=False,
        help_text="Needed only when a change turns off a section with the client's own records.",
    )
    reason_other = forms.CharField(
        label="If Other, why", max_length=OTHER_MAX_LENGTH, required=False
    )

    class Meta:
        model = PortalSettings
        fields = []

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.instance.values if self.instance.pk else {}
        target = Target.of(parent).reload() if parent is not None and parent.pk else None
        if target is not None:
            self.fields["shown_version"].initial = target.version_token()
            inherited, effective = target.inherited(), target.effective()
        for section in SECTIONS:
            field = self.fields[section.field_name]
            field.initial = values.get(section.key, "")
            if target is not None:
                inherit = inherited[section.key].inherited_choice
                field.help_text = f"Now: {effective[section.key].label}"
            elif isinstance(parent, Organization):
                where = BUILT_IN_SOURCE.removeprefix("Inherited ")
                inherit = f"Inherited ({BUILT_IN_ACCESS.label}, {where})"
            else:
                inherit = f"Inherited ({PRACTICE_SOURCE.removeprefix('Inherited ')})"
            field.choices = [("", inherit), *_level_choices(section)]

    def changes(self) -> dict:
        values = self.instance.values if self.instance.pk else {}
        chosen = {s.key: self.cleaned_data.get(s.field_name) or None for s in SECTIONS}
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
            target = Target.of(form.instance).reload()
            # On add, the group or practice was created a moment ago in this transaction, so
            # nobody else can have changed its settings: its current version is the one shown.
            shown_version = (
                settings_form.cleaned_data.get("shown_version") or ""
                if change
                else target.version_token()
            )
            try:
                applied = portal_settings_update(
                    actor=request.user,
                    target=target,
                    changes=changes,
                    shown_version=shown_version,
                    note=settings_form.cleaned_data.get("note") or "",
                    reason=settings_form.cleaned_data.get("reason") or "",
                    reason_other=settings_form.cleaned_data.get("reason_other") or "",
                )
            except SettingsValueError as refused:
                transaction.set_rollback(True)
                messages.error(request, f"{refused} Nothing was saved.")
                return
            except StaleSettingsError:
                transaction.set_rollback(True)
                messages.error(
                    request,
                    "The portal settings were changed by someone else while you edited them; "
                    "nothing was saved. Reload the page and make your change again.",
                )
                return
            if applied:
                messages.success(request, describe(applied, target=Target.of(form.instance)))
