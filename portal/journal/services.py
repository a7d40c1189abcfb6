from django.db import transaction

from portal.documents.validation import ALLOWED, IMAGE_TYPES, check_upload
from portal.journal.models import JournalEntry

PHOTO_TYPES = {key: ALLOWED[key] for key in IMAGE_TYPES if key != "image/heic"}


def journal_entry_create(
    *, client, entry_date, category: str, text: str, photo=None
) -> JournalEntry:
    """A client's journal entry; the optional photo is checked like a document, images only."""
    entry = JournalEntry(
        organization_id=client.organization_id,
        client=client,
        entry_date=entry_date,
        category=category,
        text=text.strip(),
    )
    if photo is not None:
        entry.photo_type = check_upload(photo, allowed=PHOTO_TYPES)
    try:
        with transaction.atomic():
            if photo is not None:
                entry.photo.save("photo", photo, save=False)
            entry.save()
    except Exception:
        if entry.photo.name:
            entry.photo.storage.delete(entry.photo.name)
        raise
    return entry
