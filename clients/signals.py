"""Signals the layers above listen to, so a lower layer never imports them.

clients_moved: sent inside the transaction that moved clients to another group (one client from
their profile or the admin, or many from the roster), with the practice, `old_group_ids` (client
pk -> the group id they were in before, or None) and `group` (where they went, or None).
portal_settings listens, to tell clients whose portal the move changed.
"""

from django.dispatch import Signal

clients_moved = Signal()
