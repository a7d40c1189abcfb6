"""The private file storage (documents, journal photos): never served by URL.

Model fields get a lazy proxy, so the storage follows the STORAGES setting when it changes
(tests point it at a temporary directory) instead of the one seen at import time.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _follow_setting(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    return _private


def save_with_file(instance, field_name: str, uploaded) -> None:
    """Save a row and its private file together: if the row cannot be saved, the file it
    wrote is removed, so a failed upload leaves nothing behind on disk or in the database."""
    field_file = getattr(instance, field_name)
    try:
        with transaction.atomic():
            if uploaded is not None:
                field_file.save(field_name, uploaded, save=False)
            instance.save()
    except Exception:
        if field_file.name:
            field_file.storage.delete(field_file.name)
        raise
