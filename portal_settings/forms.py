"""Reading a posted settings form. Strict: anything the form does not offer is refused."""

from dataclasses import dataclass

from django.http import QueryDict

from portal_settings.resolver import EffectiveSettings
from portal_settings.sections import BY_KEY, SECTIONS

FIELD_PREFIX = "section-"
TRUE_VALUES = {"on", "true", "1"}
FALSE_VALUES = {"off", "false", "0"}
NOTE_MAX_LENGTH = 500
OTHER_FIELDS = {"csrfmiddlewaretoken", "version", "note", "use_default", "save"}


class SettingsInputError(ValueError):
    """The post is not a settings form: refused with 400, nothing saved."""


@dataclass(frozen=True)
class SettingsSubmission:
    changes: dict[str, bool | None]
    version: str
    note: str


def _single(post: QueryDict, name: str) -> str:
    values = post.getlist(name)
    if len(values) != 1:
        raise SettingsInputError(f"The field {name!r} must be sent once.")
    return values[0]


def parse_settings_post(post: QueryDict, *, current: EffectiveSettings) -> SettingsSubmission:
    """Turn a SAVE into the changes the provider made against what is stored now.

    A checked box posts "on"; an unchecked box posts nothing, which means off. "true"/"false"
    and "1"/"0" are accepted too, for scripted clients; any other value is refused.
    """
    for name in post:
        if name in OTHER_FIELDS:
            continue
        if name.startswith(FIELD_PREFIX) and name[len(FIELD_PREFIX) :] in BY_KEY:
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

    reset = post.getlist("use_default")
    for key in reset:
        if key not in BY_KEY:
            raise SettingsInputError(f"{key!r} is not a Client Portal section.")

    changes: dict[str, bool | None] = {}
    for section in SECTIONS:
        raw = (
            _single(post, section.field_name).strip().lower()
            if section.field_name in post
            else "off"
        )
        if raw in TRUE_VALUES:
            chosen = True
        elif raw in FALSE_VALUES:
            chosen = False
        else:
            raise SettingsInputError(f"The value for {section.label!r} must be on or off.")
        if section.key in reset:
            changes[section.key] = None
        elif chosen != current[section.key].enabled:
            changes[section.key] = chosen
    return SettingsSubmission(changes=changes, version=version, note=note)
