import io
import zipfile

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from portal.documents.models import Document
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory
from tests.helpers import signed_in
from tests.world import PDF

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name, content):
    return io.BytesIO(content), name


def stored_files():
    storage = storages["private"]
    if not storage.exists("documents"):
        return []
    found = []
    for org_dir in storage.listdir("documents")[0]:
        found += storage.listdir(f"documents/{org_dir}")[1]
    return found


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def share(http, client_record, name, content, **extra):
    file = io.BytesIO(content)
    file.name = name
    return http.post(
        reverse("provider:client-documents", args=[client_record.pk]), {"file": file, **extra}
    )


def client_upload(http, name, content):
    file = io.BytesIO(content)
    file.name = name
    return http.post(reverse("portal:documents"), {"file": file})


def test_provider_shares_and_the_client_downloads(provider_http, client_record, client_http):
    response = share(provider_http, client_record, "Meal plan.pdf", PDF, description="Week 1")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.original_name, document.content_type, document.source) == (
        "Meal plan.pdf",
        "application/pdf",
        "provider",
    )
    assert "Meal plan" not in document.file.name
    assert len(document.file.name.rsplit("/", 1)[1]) == 32

    page = client_http.get(reverse("portal:documents")).content.decode()
    assert "Meal plan.pdf" in page and "Week 1" in page
    download = client_http.get(document.portal_download_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="Meal plan.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF


def test_client_uploads_and_the_provider_sees_and_downloads_it(
    provider_http, client_record, client_http
):
    assert client_upload(client_http, "Lab results.docx", docx_bytes()).status_code == 302
    document = Document.objects.get()
    assert document.source == "client" and document.uploaded_by == client_record.user
    profile = provider_http.get(
        reverse("provider:client-documents", args=[client_record.pk])
    ).content.decode()
    assert "Lab results.docx" in profile
    response = provider_http.get(document.provider_download_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_too_large_is_refused_and_nothing_is_stored(client_http, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    response = client_upload(client_http, "big.pdf", PDF + b"%" * 200)
    assert response.status_code == 400
    assert "the limit is 100" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("invoice.pdf", EXE, "not a type of file the portal accepts"),
        (
            "notes.txt",
            b"<html><script>alert(1)</script></html>",
            "not a type of file the portal accepts",
        ),
        (
            "photo.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "not a type of file the portal accepts",
        ),
        ("report.docx", PDF, "contains a PDF, but its name ends in"),
        ("empty.pdf", b"", "is empty"),
    ],
    ids=["exe-as-pdf", "html-as-txt", "svg-as-png", "pdf-as-docx", "empty"],
)
def test_a_disguised_or_disallowed_file_is_refused(
    client_http, provider_http, client_record, name, content, says
):
    for response in (
        client_upload(client_http, name, content),
        share(provider_http, client_record, name, content),
    ):
        assert response.status_code == 400
        assert says in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.txt", "Plain notes, café\n".encode(), "text/plain"),
        (
            "scan.png",
            bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"),
            "image/png",
        ),
        ("b.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_allowed_types_are_recognised_by_content(client_http, name, content, content_type):
    content = content if content is not None else docx_bytes()
    assert client_upload(client_http, name, content).status_code == 302
    assert Document.objects.get().content_type == content_type


def test_another_client_cannot_download_by_id(provider_http, client_record, organization):
    share(provider_http, client_record, "Mine.pdf", PDF)
    document = Document.objects.get()
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert intruder.get(document.portal_download_url()).status_code == 404


def test_the_portal_document_list_shows_only_the_clients_own_files(
    provider_http, client_record, organization
):
    other = ClientFactory(organization=organization)
    share(provider_http, client_record, "Mine-results.pdf", PDF)
    share(provider_http, other, "Theirs-results.pdf", PDF)
    client_upload(signed_in(other.user), "Theirs-upload.pdf", PDF)
    client_upload(signed_in(client_record.user), "Mine-upload.pdf", PDF)

    mine = signed_in(client_record.user).get(reverse("portal:documents")).content.decode()
    assert "Mine-results.pdf" in mine and "Mine-upload.pdf" in mine
    assert "Theirs-results.pdf" not in mine and "Theirs-upload.pdf" not in mine
    theirs = signed_in(other.user).get(reverse("portal:documents")).content.decode()
    assert "Theirs-results.pdf" in theirs and "Theirs-upload.pdf" in theirs
    assert "Mine-results.pdf" not in theirs and "Mine-upload.pdf" not in theirs


def test_an_upload_with_no_file_extension_is_refused(client_http):
    response = client_upload(client_http, "results", PDF)
    assert response.status_code == 400
    assert not Document.objects.exists()
    assert stored_files() == []


def test_another_practices_provider_cannot_download(provider_http, client_record, other_provider):
    share(provider_http, client_record, "Mine.pdf", PDF)
    document = Document.objects.get()
    assert signed_in(other_provider).get(document.provider_download_url()).status_code == 404


def test_nothing_is_served_from_media_url(
    provider_http, client_record, client_http, client, settings
):
    share(provider_http, client_record, "Mine.pdf", PDF)
    document = Document.objects.get()
    for http in (client, client_http, provider_http):
        for path in (
            settings.MEDIA_URL + document.file.name,
            "/" + document.file.name,
            "/private/" + document.file.name,
        ):
            assert http.get(path).status_code == 404, path


def test_upload_is_refused_when_the_section_is_off(client_record, client_http):
    PortalSettings.objects.create(client=client_record, values={"documents": "off"})
    assert client_upload(client_http, "a.pdf", PDF).status_code == 403
    assert not Document.objects.exists()


def test_provider_can_prepare_documents_while_the_section_is_off(provider_http, client_record):
    PortalSettings.objects.create(client=client_record, values={"documents": "off"})
    page = provider_http.get(
        reverse("provider:client-documents", args=[client_record.pk])
    ).content.decode()
    assert "is not part of" in page
    assert share(provider_http, client_record, "Ready.pdf", PDF).status_code == 302
