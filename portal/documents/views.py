"""Documents in the Client Portal ("View and upload documents")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.documents.forms import DocumentForm
from portal.documents.models import Document
from portal.documents.selectors import documents_by_source
from portal.documents.services import document_upload
from portal.responses import attachment
from portal_settings.enforcement import ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["documents"]


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    client = request.client
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_upload(
                client=client,
                uploaded=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                acted_by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"“{document.original_name}” was uploaded for your provider.")
            return redirect("portal:documents")
    shared, uploads = documents_by_source(client)
    context = {
        "section": SECTION,
        "form": form,
        "shared": shared,
        "uploads": uploads,
    }
    return render(
        request, "portal/documents/index.html", context, status=400 if form.errors else 200
    )


@portal_section(SECTION.key)
@require_safe
def download(request, pk):
    document = scoped_get_or_404(Document, pk=pk, client=request.client)
    return attachment(
        document.file, filename=document.original_name, content_type=document.content_type
    )
