from pathlib import PurePath

from django.db import transaction

from portal.documents.models import Document
from portal.documents.validation import check_upload


def _store(*, client, uploaded, source, uploaded_by, description) -> Document:
    content_type = check_upload(uploaded)
    document = Document(
        organization_id=client.organization_id,
        client=client,
        source=source,
        uploaded_by=uploaded_by,
        original_name=PurePath(uploaded.name).name[:255],
        content_type=content_type,
        size=uploaded.size,
        description=description.strip()[:300],
    )
    try:
        with transaction.atomic():
            document.file.save("upload", uploaded, save=False)
            document.save()
    except Exception:
        # The row was not saved; do not leave its file behind.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


def document_share(*, actor, client, uploaded, description: str = "") -> Document:
    """A provider shares a file with a client."""
    return _store(
        client=client,
        uploaded=uploaded,
        source=Document.Source.PROVIDER,
        uploaded_by=actor,
        description=description,
    )


def document_upload(*, client, uploaded, description: str = "") -> Document:
    """A client uploads a file for their provider."""
    return _store(
        client=client,
        uploaded=uploaded,
        source=Document.Source.CLIENT,
        uploaded_by=client.user,
        description=description,
    )
