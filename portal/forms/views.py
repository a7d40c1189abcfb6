from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal_settings.enforcement import portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["forms"]


@portal_section(SECTION.key)
@require_GET
def index(request):
    return render(request, "portal/section_empty.html", {"section": SECTION})
