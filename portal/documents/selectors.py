from portal.documents.models import Document


def documents_by_source(client) -> tuple[list, list]:
    """A client's documents: (shared by the practice, uploaded by the client), newest first."""
    documents = client.documents.select_related("uploaded_by")
    shared = [d for d in documents if d.source == Document.Source.PROVIDER]
    uploads = [d for d in documents if d.source == Document.Source.CLIENT]
    return shared, uploads
