"""Reading a posted settings form. Strict: anything the form does not offer is refused."""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django import forms
from django.http import QueryDict
from django.utils import timezone

from clients.forms import PlainLabels
from clients.validators import validate_single_line
from portal_settings.levels import Access
from portal_settings.schedule import (
    Dated,
    ScheduleInputError,
    dated_from_json,
    dated_value,
    level_choices,
    local_moment,
)
from portal_settings.sections import BY_KEY, SECTIONS

FIELD_PREFIX = "section-"
INHERIT = "inherit"  # the value of a row's "Inherited (…)" choice
NOTE_MAX_LENGTH = 500
OTHER_FIELDS = {"csrfmiddlewaretoken", "version", "note", "save", "reason", "reason_other"}
# A row's dated value: dated-<key>-level ("" for none), dated-<key>-from, dated-<key>-until.
DATED_PREFIX = "dated-"
DATED_PARTS = ("level", "from", "until")
NO_DATED_VALUE = ""


def dated_field(section, part: str) -> str:
    return f"{DATED_PREFIX}{section.key}-{part}"


def _dated_field_known(name: str) -> bool:
    key, _, part = name[len(DATED_PREFIX) :].rpartition("-")
    return key in BY_KEY and part in DATED_PARTS


class SettingsInputError(ValueError):
    """The post is not a settings form: refused with 400, nothing saved."""


class DatedInputError(SettingsInputError):
    """A row's dates refused (passed, the wrong way round, without a level): nothing saved,
    and the page shows the form again as the provider left it. `kept` is the rest of the post
    as read (its dated values aside), `typed` each row's dates as typed."""

    def __init__(self, message: str, *, section: str):
        super().__init__(message)
        self.section = section
        self.kept: SettingsSubmission | None = None
        self.typed: dict[str, dict[str, str]] = {}


@dataclass(frozen=True)
class SettingsSubmission:
    changes: dict[str, Access | None]
    version: str
    note: str
    reason: str = ""  # needed when a change hides the client's records (portal_settings.reasons)
    reason_other: str = ""
    dated: dict[str, Dated | None] | None = None  # the rows whose dated value changed


def _single(post: QueryDict, name: str) -> str:
    values = post.getlist(name)
    if len(values) != 1:
        raise SettingsInputError(f"The field {name!r} must be sent once.")
    return values[0]


def choice_words(section) -> str:
    """ "Full, View only, Off or Inherited" """
    return ", ".join(level.label for level in section.levels) + " or Inherited"


def parse_settings_post(
    post: QueryDict,
    *,
    own: Mapping[str, str],
    own_schedule: Mapping[str, dict] | None = None,
    time_zone: str = "UTC",
) -> SettingsSubmission:
    """Turn a SAVE into the changes the provider made against the target's own values now.

    Each row posts one choice: "inherit" or one of the levels its section offers ("full",
    "view", "off"). A row that posts nothing is left as it is. Only rows whose choice differs
    from the stored explicit value are changes; anything else is refused.

    Where the target takes dated values (`own_schedule` is not None), a row may also post a
    dated value: a level (or "" for none), From and Until as local date-times in the practice's
    `time_zone`. Only one that differs from the stored one is a change.
    """
    for name in post:
        if name in OTHER_FIELDS:
            continue
        if name.startswith(FIELD_PREFIX) and name[len(FIELD_PREFIX) :] in BY_KEY:
            continue
        if own_schedule is not None and name.startswith(DATED_PREFIX) and _dated_field_known(name):
            continue
        if name.startswith(FIELD_PREFIX):
            raise SettingsInputError(
                f"{name[len(FIELD_PREFIX) :]!r} is not a Client Portal section."
            )
        raise SettingsInputError(f"The settings form has no field {name!r}.")

    if "version" not in post:
        raise SettingsInputError("The form is missing its version; reload the page and try again.")
    version = _single(post, "version")
    note = _single(post, "note").strip() if "note" in post else ""
    if len(note) > NOTE_MAX_LENGTH:
        raise SettingsInputError(f"The note is longer than {NOTE_MAX_LENGTH} characters.")
    if "\x00" in note:
        # What forms.CharField refuses too: PostgreSQL cannot store a NUL character.
        raise SettingsInputError("The note cannot contain null characters.")

    changes: dict[str, Access | None] = {}
    for section in SECTIONS:
        if section.field_name not in post:
            continue
        raw = _single(post, section.field_name).strip().lower()
        if raw == INHERIT:
            chosen = None
        elif section.allows_level(raw):
            chosen = Access(raw)
        else:
            raise SettingsInputError(
                f"The value for “{section.label}” must be {choice_words(section)}."
            )
        if chosen != own.get(section.key):
            changes[section.key] = chosen
    reason = _single(post, "reason") if "reason" in post else ""
    reason_other = _single(post, "reason_other") if "reason_other" in post else ""
    submission = SettingsSubmission(
        changes=changes, version=version, note=note, reason=reason, reason_other=reason_other
    )
    if own_schedule is None:
        return replace(submission, dated={})
    try:
        dated = _parse_dated(post, own_schedule, time_zone)
    except DatedInputError as exc:
        exc.kept = replace(submission, dated={})
        exc.typed = typed_dates(post)
        raise
    return replace(submission, dated=dated)


def typed_dates(post: QueryDict) -> dict[str, dict[str, str]]:
    """Each row's dates as posted, to show again: {key: {"level": …, "from": …, "until": …}}."""
    typed = {}
    for section in SECTIONS:
        names = {part: dated_field(section, part) for part in DATED_PARTS}
        if any(name in post for name in names.values()):
            typed[section.key] = {part: post.get(name, "") for part, name in names.items()}
    return typed


def _parse_dated(post: QueryDict, own_schedule: Mapping[str, dict], time_zone: str) -> dict:
    now = timezone.now()
    dated: dict[str, Dated | None] = {}
    for section in SECTIONS:
        names = [dated_field(section, part) for part in DATED_PARTS]
        if not any(name in post for name in names):
            continue
        level, start, end = (_single(post, name) if name in post else "" for name in names)
        stored = own_schedule.get(section.key)
        current = dated_from_json(stored) if stored else None
        level = level.strip().lower()
        try:
            if level == NO_DATED_VALUE:
                if (start.strip() or end.strip()) and not _shows(current, start, end, time_zone):
                    # Typed dates with "No dates" left chosen: refused, not silently dropped.
                    raise ScheduleInputError(
                        f"The dates of “{section.label}” need a level: choose a level "
                        f"({level_choices(section)}) for them, or clear the dates."
                    )
                if current is not None:
                    dated[section.key] = None
                continue
            if not section.allows_level(level):
                raise ScheduleInputError(
                    f"The dates of “{section.label}” need a level: {level_choices(section)}, or "
                    "No dates."
                )
            if (
                current is not None
                and current.access == level
                and _shows(current, start, end, time_zone)
            ):
                # Sent back as shown: unchanged, even where its local time is one the clocks
                # repeat (stored before the practice changed its time zone).
                continue
            start_at = local_moment(start, time_zone=time_zone, what=f"For “{section.label}”, From")
            end_at = local_moment(end, time_zone=time_zone, what=f"For “{section.label}”, Until")
            if current == Dated(Access(level), start_at, end_at):
                continue  # shown and sent back unchanged (an ended one included)
            dated[section.key] = dated_value(
                section=section, level=level, start=start_at, end=end_at, now=now
            )
        except ScheduleInputError as exc:
            raise DatedInputError(str(exc), section=section.key) from exc
    return dated


def _shows(current: Dated | None, start: str, end: str, time_zone: str) -> bool:
    """The posted dates are the stored dated value's, as its row shows them (choosing "No
    dates" on a row with dates clears them)."""
    if current is None:
        return False
    zone = zoneinfo.ZoneInfo(time_zone)

    def shown(moment) -> set[str]:
        if moment is None:
            return {""}
        local = moment.astimezone(zone)
        return {local.strftime("%Y-%m-%dT%H:%M:%S"), local.strftime("%Y-%m-%dT%H:%M")} - (
            {local.strftime("%Y-%m-%dT%H:%M")} if local.second else set()
        )

    return start.strip() in shown(current.start) and end.strip() in shown(current.end)


class PresetForm(forms.Form):
    """A preset's name and, per section, a level or "Leave as it is"."""

    bound_field_class = PlainLabels

    LEAVE = ""

    name = forms.CharField(
        max_length=100,
        validators=[validate_single_line],
        error_messages={
            "required": "Give the preset a name.",
            "max_length": "A preset's name has at most 100 characters.",
            "null_characters_not_allowed": "A preset's name cannot hold that character.",
        },
    )

    # The preset's version the page showed (Preset.version_token); checked by preset_save.
    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.field_name] = forms.ChoiceField(
                label=section.label,
                required=False,
                choices=[(self.LEAVE, "Leave as it is")]
                + [(level.value, level.label) for level in section.levels],
                error_messages={
                    "invalid_choice": (
                        f"“{section.label}” can be "
                        + ", ".join(level.label for level in section.levels)
                        + ", or left as it is."
                    )
                },
            )

    @classmethod
    def for_preset(cls, preset, data=None):
        initial = {"name": preset.name, "version": preset.version_token()}
        initial.update({f"section-{key}": value for key, value in preset.values.items()})
        return cls(data, initial=initial)

    def section_fields(self):
        return [self[section.field_name] for section in SECTIONS]

    def clean(self):
        data = super().clean()
        # As the settings form (parse_settings_post): a section that does not exist is refused.
        for name in self.data:
            if name.startswith(FIELD_PREFIX) and name[len(FIELD_PREFIX) :] not in BY_KEY:
                raise forms.ValidationError(
                    f"{name[len(FIELD_PREFIX) :]!r} is not a Client Portal section. "
                    "Nothing was saved."
                )
        # A section whose level was refused has its own error: no second one about it.
        refused = any(section.field_name in self.errors for section in SECTIONS)
        if not refused and not any(data.get(section.field_name) for section in SECTIONS):
            raise forms.ValidationError("Choose a level for at least one section.")
        return data

    @property
    def values(self) -> dict:
        return {
            section.key: self.cleaned_data[section.field_name]
            for section in SECTIONS
            if self.cleaned_data.get(section.field_name)
        }
