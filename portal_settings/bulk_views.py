"""The roster's settings actions: "Apply a preset" and "Set one section's level" to the
selected clients (registered with clients.bulk in apps.ready, since clients cannot import this
layer). The same two steps as the roster's own actions: a review with exactly how many clients
change and what, then the confirmed change in one transaction
(services.portal_settings_bulk_update)."""

import hashlib
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from clients.bulk import ExtraBulkAction
from clients.models import AccessRefusal
from clients.security import record_refusal
from clients.selectors import bulk_archived_count, client_names
from clients.services import BulkArchived, BulkOutOfScope, bulk_refuse_archived
from clients.validators import parse_id
from portal_settings.levels import Access
from portal_settings.models import Preset
from portal_settings.reasons import hides_records, reason_context, section_names
from portal_settings.sections import BY_KEY, SECTIONS
from portal_settings.services import (
    PRESET_NOTE,
    ReasonRequired,
    SettingsValueError,
    StaleSettingsError,
    bulk_clients_with_settings,
    bulk_settings_fingerprint,
    bulk_settings_plan,
    portal_settings_bulk_update,
)

BULK_NAMES_SHOWN = 10


class _Refused(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _preset_changes(request):
    pk = parse_id(request.POST.get("preset", ""))
    preset = Preset.objects.filter(organization=request.organization, pk=pk).first() if pk else None
    if preset is None:
        raise _Refused("Choose one of your practice's presets. Nothing was changed.")
    return (
        dict(preset.values),
        PRESET_NOTE.format(name=preset.name),
        {"preset": preset.pk},
        (f"Apply the preset {preset.name}"),
    )


def _level_changes(request):
    section = BY_KEY.get(request.POST.get("section", ""))
    if section is None:
        raise _Refused("Choose the section to set. Nothing was changed.")
    level = request.POST.get("level", "")
    if not section.allows_level(level):
        words = ", ".join(choice.label for choice in section.levels)
        raise _Refused(f"“{section.label}” can be {words}. Nothing was changed.")
    access = Access(level)
    return (
        {section.key: access.value},
        "",
        {"section": section.key, "level": access.value},
        f"Set {section.label} to {access.label}",
    )


def _levels_digest(changes) -> str:
    """The levels the review showed, carried in its fingerprint: confirming other levels (a
    preset edited in between) is stale."""
    return hashlib.sha256(json.dumps(changes, sort_keys=True).encode()).hexdigest()[:16]


def _done_message(title, result) -> str:
    n = result.changed
    done = f"{title}: {n} client{'s' if n != 1 else ''} changed."
    if result.selected - n:
        done += (
            f" {result.selected - n} of the selected already had these levels, so were left "
            "as they were."
        )
    return done


def _bulk_settings_view(changes_from):
    def view(request, *, client_ids, search):
        try:
            changes, note, fields, title = changes_from(request)
            # The service refuses them again under its locks; this says so before a review.
            bulk_refuse_archived(
                archived=bulk_archived_count(
                    organization=request.organization, client_ids=client_ids
                )
            )
            levels = _levels_digest(changes)
            shown, _, shown_levels = request.POST.get("fingerprint", "").partition(".")
            confirmed = request.POST.get("confirm") == "1"
            reason_error, stale = "", False
            if confirmed and shown_levels != levels:
                stale = True
            elif confirmed:
                # The service checks the fingerprint under its locks: the selection is read
                # once on this path.
                try:
                    result = portal_settings_bulk_update(
                        actor=request.user,
                        organization=request.organization,
                        client_ids=client_ids,
                        changes=changes,
                        shown_fingerprint=shown,
                        note=note,
                        reason=request.POST.get("reason", ""),
                        reason_other=request.POST.get("reason_other", ""),
                    )
                except StaleSettingsError:
                    stale = True
                except ReasonRequired as missing:
                    reason_error = str(missing)
                else:
                    done = _done_message(title, result)
                    messages.success(request, done)
                    back = "?" + urlencode(search) if search else ""
                    return redirect(reverse("clients:list") + back)
            selection = bulk_clients_with_settings(
                organization=request.organization, client_ids=client_ids
            )
            if len(selection) != len(set(client_ids)):
                raise BulkOutOfScope("not the practice's")
            fingerprint = f"{bulk_settings_fingerprint(selection)}.{levels}"
            plan = bulk_settings_plan(clients=selection, changes=changes)
        except BulkOutOfScope:
            record_refusal(
                request,
                reason=AccessRefusal.Reason.OTHER_PRACTICE,
                detail="bulk selection with another practice's client",
            )
            return render(
                request,
                "clients/client_bulk.html",
                {
                    "error": "Some of the selected clients are not among your practice's "
                    "clients, so nothing was changed."
                },
                status=404,
            )
        except (_Refused, SettingsValueError, BulkArchived) as refusal:
            message = getattr(refusal, "message", str(refusal))
            return render(request, "clients/client_bulk.html", {"error": message}, status=400)
        changing = [client.pk for client in selection.clients if client.pk in plan]
        by_section = {}
        for applied in plan.values():
            for change in applied:
                # In the SAVE confirmation's words: "Full → inherited again (Full)".
                after = change.access.label
                if change.follows_default:
                    after = f"inherited again ({after})"
                if change.held_by is not None:
                    after += " once their own dates end"
                tally = by_section.setdefault(change.section.key, {})
                tally[(change.before.label, after)] = tally.get((change.before.label, after), 0) + 1
        summary = [
            (BY_KEY[key].label, [(before, after, n) for (before, after), n in counts.items()])
            for key, counts in sorted(by_section.items(), key=lambda i: list(BY_KEY).index(i[0]))
        ]
        hidden = {c.section.key for applied in plan.values() for c in applied if hides_records(c)}
        context = {
            **reason_context(),
            "hides": bool(hidden),
            # The legend says which sections need the reason; the choice survives a refusal.
            "hidden_sections": section_names(s for s in SECTIONS if s.key in hidden),
            "hidden_count": sum(
                any(hides_records(c) for c in applied) for applied in plan.values()
            ),
            "chosen_reason": request.POST.get("reason", ""),
            "chosen_other": request.POST.get("reason_other", ""),
            "reason_error": reason_error,
            "title": title,
            "action": request.POST.get("action"),
            "fields": fields,
            "selected": len(selection),
            "changing": len(changing),
            "unchanged": len(selection) - len(changing),
            "summary": summary,
            "names": client_names(
                organization=request.organization,
                client_ids=changing[:BULK_NAMES_SHOWN],
                limit=BULK_NAMES_SHOWN,
            ),
            "more": max(0, len(changing) - BULK_NAMES_SHOWN),
            "ids": client_ids if search is None else [],
            "search": search,
            "fingerprint": fingerprint,
            "stale": stale,
        }
        status = 409 if stale else 400 if reason_error else 200
        return render(request, "portal_settings/bulk_settings.html", context, status=status)

    return view


def _preset_fields(organization):
    return {"presets": list(Preset.objects.filter(organization=organization))}


def _level_fields(organization):
    return {"sections": SECTIONS, "levels": list(Access)}


ACTIONS = (
    ExtraBulkAction(
        key="preset",
        label="Apply a preset",
        fields_template="portal_settings/_bulk_preset_fields.html",
        fields_context=_preset_fields,
        view=_bulk_settings_view(_preset_changes),
    ),
    ExtraBulkAction(
        key="level",
        label="Set one section's level",
        fields_template="portal_settings/_bulk_level_fields.html",
        fields_context=_level_fields,
        view=_bulk_settings_view(_level_changes),
    ),
)
