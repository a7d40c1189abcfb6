"""Access levels: how much of a portal section a client may use.

Full: see the section and take its actions (pay, book, upload...). View only: see it, with its
actions absent and refused. Off: the section is not part of the client's portal. A level that
holds no value for a section inherits (client -> group -> practice default -> built-in Full).
"""

from django.db import models


class Access(models.TextChoices):
    FULL = "full", "Full"
    VIEW = "view", "View only"
    OFF = "off", "Off"

    @property
    def can_view(self) -> bool:
        return self is not Access.OFF

    @property
    def can_act(self) -> bool:
        return self is Access.FULL


BUILT_IN_ACCESS = Access.FULL
# Every level, most access first (the order of a settings row's choices).
ALL_LEVELS: tuple[Access, ...] = (Access.FULL, Access.VIEW, Access.OFF)
# A section without actions (View care plans) is either there or not.
FULL_OR_OFF: tuple[Access, ...] = (Access.FULL, Access.OFF)
