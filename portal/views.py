from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.appointments import selectors as appointments
from portal.billing import selectors as billing
from portal.documents import selectors as documents
from portal.intake import selectors as intake
from portal.programs import selectors as programs
from portal_settings.enforcement import always_available

# What needs the client, per section: one small query each, made only if the section is allowed.
HOME_SUMMARIES = {
    "appointments": appointments.home_summary,
    "billing": billing.home_summary,
    "forms": intake.home_summary,
    "programs": programs.home_summary,
    "documents": documents.home_summary,
}


@always_available
@require_GET
def home(request):
    """The client's home: what needs them in each section they may use, then the others."""
    allowed = request.portal_settings
    summaries = {
        key: summary(request.client)
        for key, summary in HOME_SUMMARIES.items()
        if allowed.allows(key)
    }
    others = [s for s in allowed.enabled_sections if s.key not in HOME_SUMMARIES]
    context = {"home": summaries, "others": others, "today": timezone.localdate()}
    return render(request, "portal/home.html", context)


@always_available
@require_http_methods(["GET", "POST"])
def profile(request):
    """The client's own details and password. Changing it signs out their other sessions."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password was changed. Other devices were signed out.")
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})
