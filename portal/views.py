from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal_settings.enforcement import always_available


@always_available
@require_GET
def home(request):
    """The client's home: a card per section their settings allow."""
    return render(request, "portal/home.html")
