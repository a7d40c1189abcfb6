"""Saving portal settings: only real changes, never over someone else's, always audited."""

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEntry, Level
from audit.services import actor_label, audit_entry, audit_record
from clients.models import Client, ClientGroup
from clients.selectors import bulk_archived_count
from clients.services import BulkOutOfScope, bulk_refuse_archived
from clients.validators import other_reason_needed
from portal_settings.dated_events import dated_values_record_replaced
from portal_settings.levels import Access
from portal_settings.models import PortalSettings, Preset
from portal_settings.notices import (
    changes_for_selection,
    changes_for_update,
    email_clients_after_commit,
    family_changes_for_update,
)
from portal_settings.reasons import (
    REASON_NEEDED,
    HidingReason,
    hides_records,
    reason_words,
    section_names,
)
from portal_settings.resolver import EffectiveSettings, Sources, resolve
from portal_settings.schedule import (
    Dated,
    ScheduleInputError,
    dated_from_json,
    dated_value,
    trail_text,
)
from portal_settings.sections import BY_KEY, Section
from portal_settings.targets import Target

INHERITED_PREFIX = "default:"


def explicit_label(value: str | None, inherited=None) -> str:
    """How an explicit value at one level is written in the audit trail: its level ("full",
    "view", "off"), or, for no value of its own, "default:" and what it inherited at that
    moment ("default:Inherited from Teens: Off"), so the History can say it later, whatever
    changed since. (Rows from before levels say "on"/"off"; resolver.trail_value_label reads
    both.)"""
    if value is None:
        return INHERITED_PREFIX + inherited.label if inherited is not None else "default"
    return Access(value).value


class StaleSettingsError(Exception):
    """The settings changed after the form was shown; nothing was saved."""


# What every settings form says when it is refused as stale (the pages add what to do next).
STALE_WORDS = (
    "These settings were changed by someone else since you opened this page, so nothing was saved."
)


@dataclass(frozen=True)
class Change:
    section: Section
    old: Access | None  # explicit value at this level before (None = inherited)
    new: Access | None  # explicit value at this level after
    access: Access  # the effective value after the change (a dated value: while in force)
    before: Access  # the effective value before the change
    # A change of the dated value (portal_settings.schedule): the stored entries before/after.
    dated: bool = False
    dated_old: dict | None = None
    dated_new: dict | None = None
    # A plain level that does not hold yet: the dated value in force now that beats it.
    held_by: Dated | None = None

    @property
    def enabled(self) -> bool:
        return self.access is not Access.OFF

    @property
    def follows_default(self) -> bool:
        return self.new is None and not self.dated

    @property
    def dated_words(self) -> str:
        """ "Off from 1 Mar until 15 Mar", or "" when the dated value was cleared."""
        return dated_from_json(self.dated_new).words() if self.dated_new else ""


class SettingsValueError(ValueError):
    """An unknown section or a level the section does not offer: nothing was saved."""


def validate_changes(changes) -> dict[str, Access | None]:
    """The changes as Access values; SettingsValueError, in the form's words, for anything
    else."""
    unknown = sorted(str(key) for key in set(changes) - set(BY_KEY))
    if unknown:
        raise SettingsValueError(f"Unknown section: {', '.join(unknown)}")
    valid = {}
    for key, value in changes.items():
        section = BY_KEY[key]
        if value is not None and (not isinstance(value, str) or not section.allows_level(value)):
            choices = ", ".join(level.label for level in section.levels)
            raise SettingsValueError(
                f"“{section.label}” can be {choices} or inherited; {value!r} is not one of them."
            )
        valid[key] = None if value is None else Access(value)
    return valid


class ReasonRequired(SettingsValueError):
    """A change hides a client's own records and no valid reason was given: nothing saved.
    `sections` names the sections it would hide (reasons.section_names), for the form's legend."""

    def __init__(self, message: str, *, sections: str = ""):
        super().__init__(message)
        self.sections = sections


def hiding_reason(applied, *, reason: str, reason_other: str) -> str:
    """The reason to keep with the changes that hide a client's records ("" when none does);
    ReasonRequired, in the form's words, when one does and the reason is missing or bad."""
    hiding = [change for change in applied if hides_records(change)]
    if not hiding:
        return ""
    words = reason_words(reason=reason, other=reason_other)
    if words is None:
        sections = section_names(change.section for change in hiding)
        other = other_reason_needed(reason_other) if reason == HidingReason.OTHER else ""
        raise ReasonRequired(
            REASON_NEEDED.format(sections=sections, other=other), sections=sections
        )
    return words


def portal_settings_update(
    *,
    actor,
    target: Target,
    changes: dict[str, str | None],
    shown_version: str,
    note: str = "",
    reason: str = "",
    reason_other: str = "",
    dated: dict[str, Dated | None] | None = None,
) -> list[Change]:
    """Apply a settings form to one practice, group or client, or to the family column of a
    practice or group, or to one family member.

    `dated` maps section keys to a dated value (a level from and/or until a moment) for a
    client or a group, or None to clear the section's dated value; an unchanged one is left.
    A dated Off of a records section needs a reason like any Off.

    `changes` maps section keys to the level the provider chose (an Access value the section
    offers), or None for "Inherited". A chosen level equal to what the target would inherit
    removes its override, so it follows its defaults again. Sections whose explicit value would
    not change are left alone. If anything shown on the form changed since `shown_version`,
    nothing is saved. An unknown section or a level the section does not offer raises
    SettingsValueError, and nothing is saved.
    """
    changes = validate_changes(changes)
    dated = validate_dated(dated or {}, target=target)

    with transaction.atomic():
        row = target.lock_row()
        current = target.reload()
        if current.version_token() != shown_version:
            raise StaleSettingsError
        inherited = current.inherited()
        effective = current.effective()
        before = current.own_values()
        values = current.own_values()
        before_schedule = current.own_schedule()
        schedule = current.own_schedule()
        applied = _plan(changes=changes, inherited=inherited, effective=effective, values=values)
        applied += _plan_dated(
            dated=dated, target=current, effective=effective, values=values, schedule=schedule
        )
        if not applied:
            return []
        applied = _held(applied, target=current, values=values, schedule=schedule)
        # The reason is for withholding records from the client themself; what their family
        # members may see is a different matter.
        kept_reason = (
            ""
            if current.for_family
            else hiding_reason(applied, reason=reason, reason_other=reason_other)
        )
        replaced = {key for key in before_schedule if schedule.get(key) != before_schedule[key]}
        if replaced and row is not None:
            dated_values_record_replaced(row=row, sections=replaced, now=timezone.now())
        _save_row(
            target=current,
            row=row,
            values=values,
            schedule=schedule if schedule != before_schedule else None,
        )
        AuditEntry.objects.bulk_create(
            audit_entry(
                actor=actor,
                organization=current.organization,
                action=AuditEntry.Action.SETTING_CHANGED,
                section=change.section.key,
                old_value=_trail_old(change, inherited),
                new_value=_trail_new(change, inherited),
                note=note.strip(),
                reason=kept_reason if hides_records(change) else "",
                **current.audit_target,
            )
            for change in applied
        )
        if current.organization.email_clients_on_portal_changes:
            # A family member is told of their own chain's changes, never the client of them.
            if current.for_family:
                changed = family_changes_for_update(target=current, before=before, after=values)
            else:
                changed = changes_for_update(
                    target=current,
                    before=before,
                    after=values,
                    before_schedule=before_schedule,
                    after_schedule=schedule,
                )
            email_clients_after_commit(organization=current.organization, changed=changed)
    return applied


def _held(applied: list[Change], *, target, values: dict, schedule: dict) -> list:
    """Mark each plain change that the target's own dated value in force keeps from holding now
    (a level chosen under "Off until 1 Mar" gives nothing until then), with, as its `before`,
    what the row gave after its dates until this change: so the confirmation says when it holds,
    and a plain Off of records that outlasts a dated Off asks for its own reason."""
    if not any(schedule.values()):
        return applied
    after = target.resolve_with(values=values, schedule=schedule)
    held_keys = {
        change.section.key
        for change in applied
        if not change.dated
        and after[change.section.key].dated
        and after[change.section.key].level == target.level
    }
    if not held_keys:
        return applied
    old_values = dict(values)
    for change in applied:
        if change.section.key in held_keys:
            if change.old is None:
                old_values.pop(change.section.key, None)
            else:
                old_values[change.section.key] = change.old.value
    undated = {key: entry for key, entry in schedule.items() if key not in held_keys}
    before = target.resolve_with(values=old_values, schedule=undated)
    held = []
    for change in applied:
        key = change.section.key
        if key in held_keys:
            now = after[key]
            change = dataclasses.replace(
                change,
                before=before[key].access,
                held_by=Dated(now.access, now.since, now.until),
            )
        held.append(change)
    return held


def _trail_old(change: Change, inherited) -> str:
    if change.dated:
        return trail_text(change.dated_old)
    return explicit_label(change.old, inherited[change.section.key])


def _trail_new(change: Change, inherited) -> str:
    if change.dated:
        return trail_text(change.dated_new)
    return explicit_label(change.new, inherited[change.section.key])


def validate_dated(dated: dict, *, target: Target) -> dict[str, Dated | None]:
    """The dated values again, as the service's own check (a POST can be crafted): a client or
    a group's clients' column, known sections, levels they offer, a start and/or an end, the
    end after the start and still ahead. SettingsValueError, in the form's words, for
    anything else."""
    if not dated:
        return {}
    if not target.takes_dated_values:
        raise SettingsValueError(
            "Dates can be set on a client's, a family member's or a group's own settings only."
        )
    unknown = sorted(str(key) for key in set(dated) - set(BY_KEY))
    if unknown:
        raise SettingsValueError(f"Unknown section: {', '.join(unknown)}")
    now = timezone.now()
    valid = {}
    for key, value in dated.items():
        if value is None:
            valid[key] = None
            continue
        try:
            valid[key] = dated_value(
                section=BY_KEY[key], level=value.access, start=value.start, end=value.end, now=now
            )
        except ScheduleInputError as exc:
            raise SettingsValueError(str(exc)) from exc
    return valid


def _plan_dated(*, dated, target: Target, effective, values: dict, schedule: dict) -> list[Change]:
    """The real changes `dated` makes to one target's dated values (`schedule`, updated in
    place), after the plain changes already made to `values`."""
    applied: list[Change] = []
    for key in BY_KEY:
        if key not in dated:
            continue
        old = schedule.get(key)
        new = dated[key].as_json() if dated[key] is not None else None
        if new == old:
            continue
        if new is None:
            schedule.pop(key)
        else:
            schedule[key] = new
        applied.append(Change(BY_KEY[key], None, None, Access.OFF, effective[key].access))
    if not applied:
        return []
    after = target.resolve_with(values=values, schedule=schedule)
    # What the row gives outside its changed dated values: a dated Off that replaces another
    # (Off until next week made Off until next year) hides records for longer than the one a
    # reason was given for, so it is judged against this, not against the Off in force now.
    changed = {change.section.key for change in applied}
    undated = target.resolve_with(
        values=values, schedule={k: v for k, v in schedule.items() if k not in changed}
    )
    return [
        Change(
            change.section,
            None,
            None,
            # While the dated value holds (a dated Off of records needs a reason, even later).
            Access(schedule[change.section.key]["level"])
            if change.section.key in schedule
            else after[change.section.key].access,
            undated[change.section.key].access if change.section.key in schedule else change.before,
            dated=True,
            dated_old=_previous(change.section.key, target),
            dated_new=schedule.get(change.section.key),
        )
        for change in applied
    ]


def _previous(key: str, target: Target) -> dict | None:
    return target.own_schedule().get(key)


def portal_settings_update_check(
    *,
    target: Target,
    changes: dict[str, str | None],
    shown_version: str,
    reason: str = "",
    reason_other: str = "",
) -> list[Change]:
    """What portal_settings_update would change, without writing anything, and the same
    refusals (SettingsValueError, ReasonRequired, StaleSettingsError). For a form that saves
    settings along with other things (the Django admin's), so it can refuse before it saves any
    of them; the update checks again under its lock."""
    changes = validate_changes(changes)
    current = target.reload()
    if current.version_token() != shown_version:
        raise StaleSettingsError
    values = current.own_values()
    applied = _plan(
        changes=changes,
        inherited=current.inherited(),
        effective=current.effective(),
        values=values,
    )
    applied = _held(applied, target=current, values=values, schedule=current.own_schedule())
    if applied and not current.for_family:
        hiding_reason(applied, reason=reason, reason_other=reason_other)
    return applied


def _save_row(
    *, target: Target, row: PortalSettings | None, values: dict, schedule: dict | None = None
) -> None:
    """Save the target's values (and its dated values, when `schedule` is given)."""
    column = target.column  # `values`, or a group's or the practice's family column
    extra = {"schedule": schedule} if schedule is not None else {}
    if row is not None:
        setattr(row, column, values)
        for name, value in extra.items():
            setattr(row, name, value)
        row.version += 1
        row.save(update_fields=[column, *extra, "version", "updated_at"])
        return
    try:
        # A savepoint: if another SAVE created the row since we looked, ours is the stale one.
        with transaction.atomic():
            PortalSettings.objects.create(
                **{column: values}, **extra, version=1, **target.row_lookup
            )
    except IntegrityError as exc:
        raise StaleSettingsError from exc


def portal_preview_start(*, actor, client) -> None:
    """Record that a provider opened a client's portal in preview (read-only). An archived
    client has no portal to preview (the menu offers none; a crafted POST is refused here)."""
    if client.is_archived:
        raise ValidationError(
            f"{client.name} is archived, so their portal cannot be previewed: restore them first."
        )
    audit_record(
        actor=actor,
        organization=client.organization,
        action=AuditEntry.Action.PORTAL_PREVIEWED,
        client=client,
    )


# Presets: named sets of levels a practice applies through portal_settings_update.

PRESET_NOTE = "preset: {name}"


def _preset_note(preset, note: str = "") -> str:
    text = PRESET_NOTE.format(name=preset.name)
    return f"{text} · {note.strip()}" if note.strip() else text


class StalePresetError(Exception):
    """The preset changed (or was deleted) after its edit page was shown; nothing was saved."""


# What an edit page says when the preset changed since it was shown (the pages add the rest).
STALE_PRESET_WORDS = (
    "This preset was changed by someone else since you opened this page, so nothing was saved."
)


@transaction.atomic
def preset_save(
    *, actor, organization, name: str, values: dict, preset=None, shown_version: str = ""
):
    """Create a preset (preset=None) or change one. Clients it was applied to keep what they
    were given: applying copies the levels, it does not link them.

    A change needs the version its page showed (Preset.version_token), checked under a row
    lock: a preset changed since then is refused (StalePresetError) and nothing is written.
    """
    if preset is not None and preset.organization_id != organization.pk:
        raise ValidationError("That preset belongs to another practice.")
    if preset is not None:
        preset = Preset.objects.select_for_update().filter(pk=preset.pk).first()
        if preset is None or preset.version_token() != shown_version:
            raise StalePresetError
    old_summary = preset.trail_summary() if preset is not None else ""
    preset = preset or Preset(organization=organization)
    preset.name = name.strip()
    preset.values = {key: Access(value).value for key, value in values.items() if value}
    preset.full_clean()
    preset.save()
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.PRESET_SAVED,
        old_value=old_summary[:200],
        new_value=preset.trail_summary()[:200],
        note=f"preset: {preset.name}",
    )
    return preset


@transaction.atomic
def preset_delete(*, actor, organization, preset) -> None:
    """Delete a preset of `organization`. Clients, groups and the practice it was applied to
    keep the levels they were given (applying copied them); the History keeps the preset's
    name and levels."""
    if preset.organization_id != organization.pk:
        raise ValidationError("That preset belongs to another practice.")
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.PRESET_DELETED,
        old_value=preset.trail_summary()[:200],
        new_value="deleted",
        note=f"preset: {preset.name}",
    )
    preset.delete()


def preset_apply(
    *,
    actor,
    preset,
    target: Target,
    shown_version: str,
    note: str = "",
    reason: str = "",
    reason_other: str = "",
):
    """Apply a preset to one client, group or the practice defaults: the same service as a
    SAVE (stale check, only real changes, one audit row per changed section), with
    "preset: <name>" in the note."""
    if preset.organization_id != target.organization.pk:
        raise SettingsValueError("That preset belongs to another practice.")
    return portal_settings_update(
        actor=actor,
        target=target,
        changes=dict(preset.values),
        shown_version=shown_version,
        note=_preset_note(preset, note),
        reason=reason,
        reason_other=reason_other,
    )


def _plan(*, changes, inherited, effective, values: dict) -> list[Change]:
    """The real changes `changes` makes to one target's own `values` (updated in place): a
    chosen level equal to the inherited one removes the override; an unchanged one is left."""
    applied: list[Change] = []
    for key in BY_KEY:  # registry order, so the confirmation and the trail read in order
        if key not in changes:
            continue
        chosen = changes[key]
        old = Access(values[key]) if key in values else None
        # A level equal to what is inherited follows it again, unless that is a dated value
        # (or one is coming): then the choice is kept, for after the dates.
        follows = chosen is inherited[key].access and not _dated_inherited(inherited[key])
        new = None if chosen is None or follows else chosen
        if new == old:
            continue
        if new is None:
            values.pop(key, None)
        else:
            values[key] = new.value
        access = inherited[key].access if new is None else new
        applied.append(Change(BY_KEY[key], old, new, access, effective[key].access))
    return applied


def _dated_inherited(resolution) -> bool:
    return resolution.dated or resolution.upcoming is not None


@dataclass(frozen=True)
class BulkSettingsResult:
    selected: int
    changed: int  # clients whose settings changed
    audit_rows: int


# Rows a bulk INSERT or a grouped UPDATE carries at most (statements stay a sane size).
BULK_BATCH = 1000
# A bulk change UPDATEs the rows that end with the same levels together; past this many
# distinct outcomes, the rest go through bulk_update in batches instead.
BULK_UPDATE_GROUPS = 30


@dataclass(frozen=True, slots=True)
class BulkClient:
    """One selected client as a bulk settings change reads it: plain values, no model."""

    pk: int
    group_id: int | None
    has_portal_access: bool
    own: dict  # their own explicit values ({} when they have no row)
    row_pk: int | None  # their own PortalSettings row, if any
    own_version: int
    schedule: dict  # their own dated values ({} when none); a bulk change keeps them
    login_allowed: bool = True  # as the roster's fingerprint sees them
    archived: bool = False


@dataclass(frozen=True)
class BulkSelection:
    """The selected clients with the group and practice rows they inherit from: four queries
    whatever their number, and each distinct (group, own values) resolved once."""

    organization: object
    clients: list  # BulkClient, by pk
    groups: dict  # group id -> (name, values, version, dated values)
    practice: tuple  # (values, version) of the practice default

    def __len__(self) -> int:
        return len(self.clients)

    def sources(self, client: BulkClient, own: dict | None) -> Sources:
        practice = self.practice[0]
        # The client's dated values count with their own values (own=None: what they inherit).
        client_schedule = client.schedule if own is not None else None
        if client.group_id is None:
            return Sources(practice, None, "", own, client_schedule=client_schedule)
        name, values, _, group_schedule = self.groups[client.group_id]
        return Sources(
            practice,
            values,
            name,
            own,
            group_schedule=group_schedule,
            client_schedule=client_schedule,
        )

    def version_token(self, client: BulkClient) -> str:
        """As Target.version_token of the client: their row, their group's, the practice's."""
        if client.group_id is None:
            group_part = "-"
        else:
            group_part = f"{client.group_id}:{self.groups[client.group_id][2]}"
        return f"o{self.practice[1]}.g{group_part}.c{client.own_version}"


def bulk_clients_with_settings(*, organization, client_ids, lock: bool = False) -> BulkSelection:
    """The selected clients of `organization` (ids of another practice's clients match
    nothing: the caller compares the counts) with what they inherit. With lock=True, their own
    settings rows are locked for the change."""
    ids = set(client_ids)
    rows = PortalSettings.objects.filter(client__organization=organization, client_id__in=ids)
    if lock:
        rows = rows.select_for_update()
    own = {
        client_id: (pk, values, version, schedule)
        for client_id, pk, values, version, schedule in rows.values_list(
            "client_id", "pk", "values", "version", "schedule"
        )
    }
    clients = []
    for pk, group_id, login, archived_at in (
        Client.objects.filter(organization=organization, pk__in=ids)
        .order_by("pk")
        .values_list("pk", "group_id", "portal_login_allowed", "archived_at")
    ):
        row_pk, values, version, schedule = own.get(pk, (None, None, 0, None))
        clients.append(
            BulkClient(
                pk,
                group_id,
                login and archived_at is None,
                values or {},
                row_pk,
                version,
                schedule or {},
                login,
                archived_at is not None,
            )
        )
    groups = {
        pk: (name, values or {}, version or 0, schedule or {})
        for pk, name, values, version, schedule in ClientGroup.objects.filter(
            organization=organization
        ).values_list(
            "pk",
            "name",
            "portal_settings__values",
            "portal_settings__version",
            "portal_settings__schedule",
        )
    }
    practice = (
        PortalSettings.objects.filter(organization=organization)
        .values_list("values", "version")
        .first()
    )
    return BulkSelection(organization, clients, groups, practice or ({}, 0))


def bulk_settings_fingerprint(selection: BulkSelection) -> str:
    """What the review page showed for these clients: each one's settings version (their own
    row, their group's and the practice's) and, as the roster's selection_fingerprint, their
    portal login and archived state, so a confirmation over changed settings or a login turned
    off in between is stale."""
    text = ",".join(
        f"{client.pk}:{selection.version_token(client)}"
        f":{int(client.login_allowed)}:{int(client.archived)}"
        for client in selection.clients
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Outcome:
    """What `changes` does to one client: the same for every client with the same group and
    the same own values, so it is worked out once for all of them."""

    applied: list  # Change
    values: dict  # their own values after
    inherited: EffectiveSettings
    key: str  # `values` as sorted JSON: clients ending alike are written together


@dataclass(frozen=True)
class _BulkTarget:
    """What _held reads of a Target, for one client of a bulk selection: no query."""

    selection: BulkSelection
    client: object  # BulkClient
    level = Level.CLIENT

    def resolve_with(self, *, values: dict, schedule: dict):
        sources = self.selection.sources(self.client, values)
        return resolve(dataclasses.replace(sources, client_schedule=schedule))


def _bulk_outcomes(selection: BulkSelection, changes: dict) -> dict:
    """client pk -> _Outcome, for the clients that change. Each distinct (group, own values)
    is resolved once: a few dozen resolutions for thousands of clients."""
    inherited_of, outcome_of, plan = {}, {}, {}
    for client in selection.clients:
        memo = (
            client.group_id,
            json.dumps(client.own, sort_keys=True),
            json.dumps(client.schedule, sort_keys=True),
        )
        outcome = outcome_of.get(memo)
        if outcome is None:
            inherited = inherited_of.get(client.group_id)
            if inherited is None:
                inherited = inherited_of[client.group_id] = resolve(selection.sources(client, None))
            values = dict(client.own)
            applied = _plan(
                changes=changes,
                inherited=inherited,
                effective=resolve(selection.sources(client, client.own)),
                values=values,
            )
            applied = _held(
                applied,
                target=_BulkTarget(selection, client),
                values=values,
                schedule=client.schedule or {},
            )
            key = json.dumps(values, sort_keys=True)
            outcome = outcome_of[memo] = _Outcome(applied, values, inherited, key)
        if outcome.applied:
            plan[client.pk] = outcome
    return plan


def bulk_settings_plan(*, clients: BulkSelection, changes) -> dict:
    """For the review page: client pk -> the real changes, for the clients that change."""
    outcomes = _bulk_outcomes(clients, validate_changes(changes))
    return {pk: outcome.applied for pk, outcome in outcomes.items()}


def portal_settings_bulk_update(
    *,
    actor,
    organization,
    client_ids,
    changes: dict,
    shown_fingerprint: str,
    note: str = "",
    reason: str = "",
    reason_other: str = "",
) -> BulkSettingsResult:
    """Set the same levels at the client level of many clients: the rules of
    portal_settings_update for each (stale check, only real changes, one audit row per changed
    section), in one transaction and a number of queries that does not grow with theirs (but
    for one statement per BULK_BATCH rows written)."""
    changes = validate_changes(changes)
    ids = set(client_ids)
    with transaction.atomic():
        selection = bulk_clients_with_settings(organization=organization, client_ids=ids, lock=True)
        if len(selection) != len(ids):
            raise BulkOutOfScope(
                "Some of the selected clients are not among your practice's clients, so "
                "nothing was changed."
            )
        bulk_refuse_archived(
            archived=bulk_archived_count(organization=organization, client_ids=ids)
        )
        if bulk_settings_fingerprint(selection) != shown_fingerprint:
            raise StaleSettingsError
        outcomes = _bulk_outcomes(selection, changes)
        now = timezone.now()
        label = actor_label(actor)
        note = note.strip()
        # The audit fields of each distinct outcome, worked out once.
        fields_of = {}
        for outcome in outcomes.values():
            if id(outcome) in fields_of:
                continue
            kept_reason = hiding_reason(outcome.applied, reason=reason, reason_other=reason_other)
            fields_of[id(outcome)] = [
                (
                    change.section.key,
                    explicit_label(change.old, outcome.inherited[change.section.key]),
                    explicit_label(change.new, outcome.inherited[change.section.key]),
                    kept_reason if hides_records(change) else "",
                )
                for change in outcome.applied
            ]
        to_create, by_values, entries = [], {}, []
        for client in selection.clients:
            outcome = outcomes.get(client.pk)
            if outcome is None:
                continue
            if client.row_pk is None:
                to_create.append(
                    PortalSettings(client_id=client.pk, values=outcome.values, version=1)
                )
            else:
                by_values.setdefault(outcome.key, (outcome.values, []))[1].append(client)
            entries += [
                AuditEntry(
                    organization=organization,
                    actor=actor,
                    actor_label=label,
                    created_at=now,
                    action=AuditEntry.Action.SETTING_CHANGED,
                    level=Level.CLIENT,
                    client_id=client.pk,
                    section=section,
                    old_value=old,
                    new_value=new,
                    note=note,
                    reason=kept_reason,
                )
                for section, old, new, kept_reason in fields_of[id(outcome)]
            ]
        _bulk_settings_write(by_values=by_values, to_create=to_create, now=now)
        AuditEntry.objects.bulk_create(entries, batch_size=BULK_BATCH)
        if organization.email_clients_on_portal_changes:
            email_clients_after_commit(
                organization=organization,
                changed=changes_for_selection(selection=selection, outcomes=outcomes),
            )
    return BulkSettingsResult(
        selected=len(selection), changed=len(outcomes), audit_rows=len(entries)
    )


def _bulk_settings_write(*, by_values: dict, to_create: list, now) -> None:
    """Write the new own values: the existing rows updated in place (their other fields and
    ids kept), one UPDATE for each distinct outcome shared by many clients; rows for clients
    who had none created in batches."""
    groups = sorted(by_values.values(), key=lambda group: -len(group[1]))
    for values, clients in groups[:BULK_UPDATE_GROUPS]:
        for start in range(0, len(clients), BULK_BATCH):
            PortalSettings.objects.filter(
                pk__in=[client.row_pk for client in clients[start : start + BULK_BATCH]]
            ).update(values=values, version=F("version") + 1, updated_at=now)
    rest = [
        PortalSettings(
            pk=client.row_pk, values=values, version=client.own_version + 1, updated_at=now
        )
        for values, clients in groups[BULK_UPDATE_GROUPS:]
        for client in clients
    ]
    if rest:
        PortalSettings.objects.bulk_update(
            rest, ["values", "version", "updated_at"], batch_size=BULK_BATCH
        )
    if to_create:
        try:
            # A savepoint: a row another SAVE created since the selection was read makes
            # this change the stale one.
            with transaction.atomic():
                PortalSettings.objects.bulk_create(to_create, batch_size=BULK_BATCH)
        except IntegrityError as exc:
            raise StaleSettingsError from exc
