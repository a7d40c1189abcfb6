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


def records_hidden_by_move(*, organization, old_group_ids: dict, group) -> dict:
    """{client pk: [names of the records sections that were visible to them and are Off in
    the new group (reasons.section_names)]}: three queries, and each distinct (old group,
    own values) resolved once."""
    new = group.pk if group else None
    group_ids = {pk for pk in old_group_ids.values() if pk} | ({new} if new else set())
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

    hidden, memo = {}, {}
    for pk, old in old_group_ids.items():
        mine = own.get(pk, ({}, {}))
        key = (old, json.dumps(mine, sort_keys=True, default=str))
        if key not in memo:
            before, after = resolve(sources(old, mine)), resolve(sources(new, mine))
            hides = [s for s in RECORDS if before.allows(s.key) and not after.allows(s.key)]
            memo[key] = [section_names([s]) for s in hides]
        if memo[key]:
            hidden[pk] = memo[key]
    return hidden


MOVE_CHECK = MoveCheck(
    hidden=records_hidden_by_move,
    words=lambda *, reason, other: reason_words(reason=reason, other=other),
    fields_template="portal_settings/_hiding_reason.html",
    fields_context=reason_context,
)
