from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clients.access import provider_required
from clients.security import scoped_get_or_404
from portal.journal.models import JournalEntry
from portal.journal.views import PER_PAGE, photo_response
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_safe
def client_journal(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    page = Paginator(client.journal_entries.all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/journal/provider_client.html",
        {"client": client, "active_tab": "journal", "page": page},
    )


@provider_required
@require_safe
def photo(request, pk, entry_pk):
    return photo_response(
        scoped_get_or_404(
            JournalEntry, pk=entry_pk, client_id=pk, organization=request.organization
        )
    )
