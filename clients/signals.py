"""Signals the layers above listen to, so a lower layer never imports them.

client_bulk_changed: sent inside the transaction of a roster bulk change, with the practice,
the action (clients.services.BulkAction), the clients that changed (as they were before the
change: their old group_id still on them) and the group moved to. portal_settings uses it to
tell clients whose portal changed.
"""

from django.dispatch import Signal

client_bulk_changed = Signal()
