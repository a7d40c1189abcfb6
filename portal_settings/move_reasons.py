"""A move to another group that hides a client's own records asks for a reason, as turning the
section off for them would (reasons.py). Registered with clients.bulk when the app loads: the
clients layer moves clients but cannot import this one."""

import json

from clients.bulk import MoveCheck
from portal_settings.models import PortalSettings
from portal_settings.reasons import RECORD_SECTIONS, reason_context, reason_words
from portal_settings.resolver import Sources, resolve
from portal_settings.sections import SECTIONS

RECORDS = [section for section in SECTIONS if section.key in RECORD_SECTIONS]


def records_hidden_by_move(*, organization, old_group_ids: dict, group) -> dict:
    """{client pk: [tabs of the records sections that were visible to them and are Off in the
    new group]}: three queries, and each distinct (old group, own values) resolved once."""
    new = group.pk if group else None
    group_ids = {pk for pk in old_group_ids.values() if pk} | ({new} if new else set())
    by_group = dict(
        PortalSettings.objects.filter(group_id__in=group_ids).values_list("group_id", "values")
    )
    practice = (
        PortalSettings.objects.filter(organization=organization).values_list("values", flat=True)
    ).first() or {}
    own = dict(
        PortalSettings.objects.filter(client_id__in=list(old_group_ids)).values_list(
            "client_id", "values"
        )
    )

    def sources(group_id, values):
        chain = (by_group.get(group_id) or {}) if group_id else None
        return Sources(practice, chain, "", values)

    hidden, memo = {}, {}
    for pk, old in old_group_ids.items():
        values = own.get(pk) or {}
        key = (old, json.dumps(values, sort_keys=True))
        if key not in memo:
            before, after = resolve(sources(old, values)), resolve(sources(new, values))
            memo[key] = [s.tab for s in RECORDS if before.allows(s.key) and not after.allows(s.key)]
        if memo[key]:
            hidden[pk] = memo[key]
    return hidden


MOVE_CHECK = MoveCheck(
    hidden=records_hidden_by_move,
    words=lambda *, reason, other: reason_words(reason=reason, other=other),
    fields_template="portal_settings/_hiding_reason.html",
    fields_context=reason_context,
)
