from portal.documents.models import Document


def documents_by_source(client) -> tuple[list, list]:
    """A client's documents: (shared by the practice, uploaded by the client), newest first."""
    documents = client.documents.select_related("uploaded_by")
    shared = [d for d in documents if d.source == Document.Source.PROVIDER]
    uploads = [d for d in documents if d.source == Document.Source.CLIENT]
    return shared, uploads


HOME_LIMIT = 3


def home_summary(client) -> list[Document]:
    """The documents the practice shared most recently with the client: one query."""
    return list(
        Document.objects.filter(client=client, source=Document.Source.PROVIDER)
        .only("pk", "original_name", "created_at")
        .order_by("-created_at", "-pk")[:HOME_LIMIT]
    )
