"""Roster bulk actions that a higher layer contributes (clients cannot import it).

The roster's own actions (move to a group, portal login off / on, archive) live in
clients.services. portal_settings registers "Apply a preset" and "Set one section's level" here
when the app loads: the roster offers them, draws their fields from the layer's own template,
and hands the selected client ids to the layer's view, which reviews and confirms the change
the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExtraBulkAction:
    key: str
    label: str
    # A template drawn inside the roster's bulk form, with fields_context(organization).
    fields_template: str
    fields_context: Callable
    # view(request, *, client_ids, search) -> the review page, or the change and a redirect.
    view: Callable


EXTRA_ACTIONS: dict[str, ExtraBulkAction] = {}


def register(action: ExtraBulkAction) -> None:
    EXTRA_ACTIONS[action.key] = action


@dataclass(frozen=True)
class MoveCheck:
    """A higher layer's say on moving clients to another group (bulk or one client).
    portal_settings registers one: a move that turns off a section holding a client's own
    records asks for a reason, kept in the move's audit entry."""

    # hidden(organization=, old_group_ids={client pk: group id or None}, group=) ->
    # {client pk: [names of the sections the move hides from them]}, only clients it hides from
    hidden: Callable
    # words(reason=, other=) -> the reason as the audit entry keeps it; None if missing or bad
    words: Callable
    # The reason fields drawn in the move's review and form, with fields_context().
    fields_template: str
    fields_context: Callable
    # hidden_by_group(organization=, client=, group_ids=[group id or None]) ->
    # {group id or None: [names of the sections a move of the client there hides]}, only the
    # groups whose move hides some: the Edit page asks for the reason before a group is picked.
    hidden_by_group: Callable | None = None


MOVE_CHECKS: dict[str, MoveCheck] = {}


def register_move_check(key: str, check: MoveCheck) -> None:
    MOVE_CHECKS[key] = check
