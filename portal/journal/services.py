from portal.documents.validation import ALLOWED, IMAGE_TYPES, check_upload
from portal.journal.models import JournalEntry
from portal.storage import save_with_file

PHOTO_TYPES = {key: ALLOWED[key] for key in IMAGE_TYPES if key != "image/heic"}


def journal_entry_create(
    *, client, entry_date, category: str, text: str, photo=None, acted_by=None
) -> JournalEntry:
    """A client's journal entry; the optional photo is checked like a document, images only."""
    entry = JournalEntry(
        organization_id=client.organization_id,
        client=client,
        entry_date=entry_date,
        category=category,
        text=text.strip(),
        acted_by=acted_by,
    )
    if photo is not None:
        entry.photo_type = check_upload(photo, allowed=PHOTO_TYPES)
    save_with_file(entry, "photo", photo)
    return entry
