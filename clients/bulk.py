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
