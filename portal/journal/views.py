"""The journal in the Client Portal ("View and create journal entries")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.journal.forms import JournalForm
from portal.journal.models import JournalEntry
from portal.journal.services import journal_entry_create
from portal_settings.enforcement import ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["journal"]
PER_PAGE = 10


def photo_response(entry: JournalEntry) -> FileResponse:
    """A checked image, shown inline; private to whoever the view let through."""
    if not entry.photo:
        raise Http404
    response = FileResponse(entry.photo.open("rb"), content_type=entry.photo_type)
    response["Cache-Control"] = "private, no-store"
    return response


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    form = JournalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            journal_entry_create(client=request.client, acted_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("photo", error)
        else:
            messages.success(request, "Your journal entry was saved; your provider can read it.")
            return redirect("portal:journal")
    page = Paginator(request.client.journal_entries.all(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/journal/index.html",
        {"section": SECTION, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@portal_section(SECTION.key)
@require_safe
def photo(request, pk):
    return photo_response(scoped_get_or_404(JournalEntry, pk=pk, client=request.client))
