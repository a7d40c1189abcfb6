"""Saving portal settings: only real changes, never over someone else's, always audited."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from audit.services import audit_entry, audit_record
from portal_settings.models import PortalSettings
from portal_settings.notices import changes_for_update, email_clients_after_commit
from portal_settings.sections import BY_KEY, Section
from portal_settings.targets import Target

INHERITED_PREFIX = "default:"


def explicit_label(value: bool | None, inherited=None) -> str:
    """How an explicit value at one level is written in the audit trail: "on", "off", or, for
    no value of its own, "default:" and what it inherited at that moment ("default:Inherited
    from Teens: Off"), so the History can say it later, whatever changed since."""
    if value is None:
        return INHERITED_PREFIX + inherited.label if inherited is not None else "default"
    return "on" if value else "off"


class StaleSettingsError(Exception):
    """The settings changed after the form was shown; nothing was saved."""


@dataclass(frozen=True)
class Change:
    section: Section
    old: bool | None  # explicit value at this level before (None = inherited)
    new: bool | None  # explicit value at this level after
    enabled: bool  # the effective value after the change

    @property
    def follows_default(self) -> bool:
        return self.new is None


def portal_settings_update(
    *,
    actor,
    target: Target,
    changes: dict[str, bool | None],
    shown_version: str,
    note: str = "",
) -> list[Change]:
    """Apply a settings form to one practice, group or client.

    `changes` maps section keys to the value the provider chose (True/False), or None for
    "Use default". A chosen value equal to what the target would inherit removes its override,
    so it follows its defaults again. Sections whose explicit value would not change are left
    alone. If anything shown on the form changed since `shown_version`, nothing is saved.
    """
    unknown = sorted(set(changes) - set(BY_KEY))
    if unknown:
        raise ValueError(f"Unknown section: {', '.join(unknown)}")
    if any(value is not None and not isinstance(value, bool) for value in changes.values()):
        raise ValueError("Section values must be true, false or None.")

    with transaction.atomic():
        row = target.lock_row()
        current = target.reload()
        if current.version_token() != shown_version:
            raise StaleSettingsError
        inherited = current.inherited()
        before = current.own_values()
        values = current.own_values()
        applied: list[Change] = []
        for key in BY_KEY:  # registry order, so the confirmation and the trail read in order
            if key not in changes:
                continue
            chosen = changes[key]
            old = values.get(key)
            new = None if chosen is None or chosen == inherited[key].enabled else chosen
            if new == old:
                continue
            if new is None:
                values.pop(key, None)
            else:
                values[key] = new
            enabled = inherited[key].enabled if new is None else new
            applied.append(Change(BY_KEY[key], old, new, enabled))
        if not applied:
            return []
        _save_row(target=current, row=row, values=values)
        AuditEntry.objects.bulk_create(
            audit_entry(
                actor=actor,
                organization=current.organization,
                action=AuditEntry.Action.SETTING_CHANGED,
                section=change.section.key,
                old_value=explicit_label(change.old, inherited[change.section.key]),
                new_value=explicit_label(change.new, inherited[change.section.key]),
                note=note.strip(),
                **current.audit_target,
            )
            for change in applied
        )
        if current.organization.email_clients_on_portal_changes:
            email_clients_after_commit(
                organization=current.organization,
                changed=changes_for_update(target=current, before=before, after=values),
            )
    return applied


def _save_row(*, target: Target, row: PortalSettings | None, values: dict) -> None:
    if row is not None:
        row.values = values
        row.version += 1
        row.save(update_fields=["values", "version", "updated_at"])
        return
    try:
        # A savepoint: if another SAVE created the row since we looked, ours is the stale one.
        with transaction.atomic():
            PortalSettings.objects.create(values=values, version=1, **target.row_lookup)
    except IntegrityError as exc:
        raise StaleSettingsError from exc


def portal_preview_start(*, actor, client) -> None:
    """Record that a provider opened a client's portal in preview (read-only)."""
    audit_record(
        actor=actor,
        organization=client.organization,
        action=AuditEntry.Action.PORTAL_PREVIEWED,
        client=client,
    )
