"""Documents on the client's profile in the provider app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.access import provider_required
from clients.security import scoped_get_or_404
from portal.documents.forms import DocumentForm
from portal.documents.models import Document
from portal.documents.selectors import documents_by_source
from portal.documents.services import document_share
from portal.responses import attachment
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_documents(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_share(
                actor=request.user,
                client=client,
                uploaded=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"“{document.original_name}” is shared with {client.name}.")
            return redirect("provider:client-documents", pk=client.pk)
    shared, uploads = documents_by_source(client)
    context = {
        "client": client,
        "active_tab": "documents",
        "form": form,
        "shared": shared,
        "uploads": uploads,
    }
    status = 400 if form.errors else 200
    return render(request, "portal/documents/provider_client.html", context, status=status)


@provider_required
@require_safe
def download(request, pk, document_pk):
    document = scoped_get_or_404(
        Document, pk=document_pk, client_id=pk, organization=request.organization
    )
    return attachment(
        document.file, filename=document.original_name, content_type=document.content_type
    )
