"""A move to another group that hides a client's own records asks for a reason, as turning the
section off for them would (reasons.py). Registered with clients.bulk when the app loads: the
clients layer moves clients but cannot import this one."""

import json

from django.utils import timezone

from clients.bulk import MoveCheck
from portal_settings.models import PortalSettings
from portal_settings.reasons import RECORD_SECTIONS, reason_context, reason_words, section_names
from portal_settings.resolver import Sources, resolve
from portal_settings.sections import SECTIONS

RECORDS = [section for section in SECTIONS if section.key in RECORD_SECTIONS]


def _records_hidden(*, organization, old_group_ids: dict, new_group_ids: list) -> dict:
    """{new group id (None: No group): {client pk: [names of the records sections that were
    visible to them and are Off in that group (reasons.section_names)]}}, for each of
    `new_group_ids`: three queries whatever their number, and each distinct (old group, new
    group, own values) resolved once."""
    group_ids = {pk for pk in old_group_ids.values() if pk} | {pk for pk in new_group_ids if pk}
    by_group = {
        pk: (values or {}, schedule or {})
        for pk, values, schedule in PortalSettings.objects.filter(
            group_id__in=group_ids
        ).values_list("group_id", "values", "schedule")
    }
    practice = (
        PortalSettings.objects.filter(organization=organization).values_list("values", flat=True)
    ).first() or {}
    own = {
        pk: (values or {}, schedule or {})
        for pk, values, schedule in PortalSettings.objects.filter(
            client_id__in=list(old_group_ids)
        ).values_list("client_id", "values", "schedule")
    }
    now = timezone.now()

    def sources(group_id, mine):
        chain, dated = by_group.get(group_id, ({}, {})) if group_id else (None, None)
        return Sources(practice, chain, "", mine[0], dated, mine[1], now)

    found, memo = {}, {}
    for new in new_group_ids:
        hidden = found[new] = {}
        for pk, old in old_group_ids.items():
            mine = own.get(pk, ({}, {}))
            key = (old, new, json.dumps(mine, sort_keys=True, default=str))
            if key not in memo:
                before, after = resolve(sources(old, mine)), resolve(sources(new, mine))
                hides = [s for s in RECORDS if before.allows(s.key) and not after.allows(s.key)]
                memo[key] = [section_names([s]) for s in hides]
            if memo[key]:
                hidden[pk] = memo[key]
    return found


def records_hidden_by_move(*, organization, old_group_ids: dict, group) -> dict:
    """{client pk: [names of the records sections the move to `group` hides from them]}."""
    new = group.pk if group else None
    return _records_hidden(
        organization=organization, old_group_ids=old_group_ids, new_group_ids=[new]
    )[new]


def records_hidden_by_moves(*, organization, client, group_ids: list) -> dict:
    """{group id (None: No group): [names of the records sections a move of `client` there
    hides]}, only the groups whose move hides some: for the client's Edit page, which asks for
    the reason before the provider picks a group."""
    found = _records_hidden(
        organization=organization,
        old_group_ids={client.pk: client.group_id},
        new_group_ids=group_ids,
    )
    return {new: hidden[client.pk] for new, hidden in found.items() if hidden}


MOVE_CHECK = MoveCheck(
    hidden=records_hidden_by_move,
    hidden_by_group=records_hidden_by_moves,
    words=lambda *, reason, other: reason_words(reason=reason, other=other),
    fields_template="portal_settings/_hiding_reason.html",
    fields_context=reason_context,
)
