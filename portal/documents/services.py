from pathlib import PurePath

from portal.documents.models import Document
from portal.documents.validation import check_upload
from portal.storage import save_with_file


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
    save_with_file(document, "file", uploaded)
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


def document_upload(*, client, uploaded, description: str = "", acted_by=None) -> Document:
    """A client (or a family member acting for them: `acted_by`) uploads a file for their
    provider."""
    return _store(
        client=client,
        uploaded=uploaded,
        source=Document.Source.CLIENT,
        uploaded_by=acted_by or client.user,
        description=description,
    )
