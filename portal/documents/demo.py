"""Demo documents: one shared by the provider, one uploaded by Casey."""

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.documents.models import Document
from portal.documents.services import document_share, document_upload

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    if Document.objects.filter(client=casey).exists():
        return
    document_share(
        actor=provider,
        client=casey,
        uploaded=SimpleUploadedFile("Welcome pack.pdf", PDF),
        description="What to expect from your first month",
    )
    document_upload(
        client=casey,
        uploaded=SimpleUploadedFile(
            "Food diary.txt", b"Mon: oats, salad, soup\nTue: eggs, rice, stew\n"
        ),
        description="Last week",
    )
