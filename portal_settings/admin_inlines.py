"""The portal settings inline of the Django admin, on groups and practices: the clients'
column and the family members' column, each a select per section.

The inline saves through portal_settings_update, so the admin follows the same rules as the
provider app: only real changes, a value equal to the inherited one removes the override,
stale forms and impossible levels are refused in the settings pages' words, and every change
is in the audit trail. A refused settings block refuses the whole admin form: the group or
practice is not saved half.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from clients.models import Organization
from portal_settings.confirmations import describe
from portal_settings.levels import BUILT_IN_ACCESS
from portal_settings.models import PortalSettings
from portal_settings.reasons import OTHER_MAX_LENGTH, HidingReason
from portal_settings.resolver import BUILT_IN_SOURCE, FAMILY_BUILT_IN, PRACTICE_SOURCE
from portal_settings.sections import SECTIONS
from portal_settings.services import (
    STALE_WORDS,
    SettingsValueError,
    StaleSettingsError,
    portal_settings_update,
    portal_settings_update_check,
    validate_changes,
)
from portal_settings.targets import AUDIENCES, CLIENTS, FAMILY, Target

STALE_ADMIN = (
    f"{STALE_WORDS} Reload the page to see the current settings and make your change again."
)


def refusal_words(refused: Exception) -> str:
    """A refused settings block in the settings pages' words."""
    if isinstance(refused, StaleSettingsError):
        return STALE_ADMIN
    return f"{refused} Nothing was saved."


class SettingsRefused(Exception):
    """The settings service refused the inline at save time (someone else saved in between):
    raised out of the admin's transaction, so nothing of the form is saved."""


class ServiceCheckedChoiceField(forms.ChoiceField):
    """A select whose posted value the settings service checks (a level the section offers, a
    reason from the list), refusing in the product's words in the form's clean, rather than
    Django's "Select a valid choice"."""

    def valid_value(self, value):
        return True


def _level_choices(section) -> list[tuple[str, str]]:
    return [(level.value, level.label) for level in section.levels]


def field_name(section, audience: str) -> str:
    """ "section-billing" for the clients' column, "family-section-billing" for the family's."""
    return section.field_name if audience == CLIENTS else f"family-{section.field_name}"


def _section_field(section, audience: str) -> ServiceCheckedChoiceField:
    return ServiceCheckedChoiceField(
        # Distinct labels for the two columns, for a screen reader's list of fields too.
        label=section.label if audience == CLIENTS else f"Family members: {section.label}",
        choices=[("", "Inherited"), *_level_choices(section)],
        required=False,
    )


class _SettingsInlineForm(forms.ModelForm):
    """One select per section and audience: Inherited or one of the levels the section offers,
    saying what it inherits and shows now. The selects are added by PortalSettingsInlineForm
    below."""

    shown_version = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(max_length=500, required=False, help_text="Kept in the audit trail.")
    reason = ServiceCheckedChoiceField(
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
        # The settings as they are now (on a POST too), whatever row the formset loaded; one
        # version covers both columns (they are one row).
        self.targets = {}
        if parent is not None and parent.pk:
            self.targets = {
                audience: Target.of(parent, audience).reload() for audience in AUDIENCES
            }
            self.fields["shown_version"].initial = self.targets[CLIENTS].version_token()
        for audience in AUDIENCES:
            self._label_fields(parent, audience)

    def _label_fields(self, parent, audience: str) -> None:
        target = self.targets.get(audience)
        values = target.own_values() if target is not None else {}
        if target is not None:
            inherited, effective = target.inherited(), target.effective()
        builtin = FAMILY_BUILT_IN if audience == FAMILY else {}
        for section in SECTIONS:
            field = self.fields[field_name(section, audience)]
            field.initial = values.get(section.key, "")
            if target is not None:
                inherit = inherited[section.key].inherited_choice
                field.help_text = f"Now: {effective[section.key].label}"
            elif isinstance(parent, Organization):
                where = BUILT_IN_SOURCE.removeprefix("Inherited ")
                level = builtin.get(section.key, BUILT_IN_ACCESS).label
                inherit = f"Inherited ({level}, {where})"
            else:
                inherit = f"Inherited ({PRACTICE_SOURCE.removeprefix('Inherited ')})"
            field.choices = [("", inherit), *_level_choices(section)]

    def changes(self, audience: str = CLIENTS) -> dict:
        """The sections whose posted choice for `audience` differs from the settings now."""
        target = self.targets.get(audience)
        values = target.own_values() if target is not None else {}
        chosen = {s.key: self.cleaned_data.get(field_name(s, audience)) or None for s in SECTIONS}
        return {key: value for key, value in chosen.items() if values.get(key) != value}

    def clean(self):
        cleaned_data = super().clean()
        for audience in AUDIENCES:
            changes = self.changes(audience)
            if not changes:
                continue
            try:
                if audience not in self.targets:
                    # A group or practice being added: nothing to be stale against yet.
                    validate_changes(changes)
                else:
                    portal_settings_update_check(
                        target=self.targets[audience],
                        changes=changes,
                        shown_version=cleaned_data.get("shown_version") or "",
                        reason=cleaned_data.get("reason") or "",
                        reason_other=cleaned_data.get("reason_other") or "",
                    )
            except (SettingsValueError, StaleSettingsError) as refused:
                raise ValidationError(refusal_words(refused)) from refused
        return cleaned_data

    def validate_unique(self):
        # The service writes the row and refuses a second one as stale: a form opened before
        # someone else's first SAVE of these settings is stale, not a duplicate.
        pass


# Declared on the class (not only added in __init__), because the admin renders the fields its
# fieldsets name, and those come from the form class. Section keys make the field names
# ("section-billing"), so the class is built from the registry rather than written out.
PortalSettingsInlineForm = type(
    "PortalSettingsInlineForm",
    (_SettingsInlineForm,),
    {
        "__module__": __name__,
        **{
            field_name(section, audience): _section_field(section, audience)
            for audience in AUDIENCES
            for section in SECTIONS
        },
    },
)


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
    template = "admin/portal_settings/settings_inline.html"  # headed once
    fieldsets = [
        (None, {"fields": ["shown_version", *(field_name(s, CLIENTS) for s in SECTIONS)]}),
        (
            "For their family members",
            {
                "fields": [field_name(s, FAMILY) for s in SECTIONS],
                "description": "What the family members of these clients inherit.",
            },
        ),
        ("About this change", {"fields": ["note", "reason", "reason_other"]}),
    ]


class SettingsInlineSaveMixin:
    """Save the settings inline through the service instead of writing the row directly."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SettingsRefused as refused:
            # Raised inside the admin's transaction, which is rolled back: nothing was saved.
            messages.error(request, str(refused))
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        if formset.model is not PortalSettings:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these, which formset.save() would have set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for settings_form in formset.forms:
            if not settings_form.has_changed():
                continue
            # On add, the group or practice was created a moment ago in this transaction, so
            # nobody else can have changed its settings: its current version is the one shown.
            shown_version = (
                settings_form.cleaned_data.get("shown_version") or ""
                if change
                else Target.of(form.instance).reload().version_token()
            )
            for audience in AUDIENCES:
                changes = settings_form.changes(audience)
                if not changes:
                    continue
                target = Target.of(form.instance, audience).reload()
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
                except (SettingsValueError, StaleSettingsError) as refused:
                    raise SettingsRefused(refusal_words(refused)) from refused
                if applied:
                    said = describe(applied, target=target)
                    if audience == FAMILY:
                        said = f"For their family members: {said}"
                    messages.success(request, said)
                    # Our own change, made under the row's lock (held to the end of the
                    # admin's transaction): the other column's change follows it.
                    shown_version = target.reload().version_token()
