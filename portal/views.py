from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from clients.forms import ThrottledPasswordChangeForm
from portal_settings.enforcement import always_available


@always_available
@require_GET
def home(request):
    """The client's home: a card per section their settings allow."""
    return render(request, "portal/home.html")


@always_available
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
def profile(request):
    """The client's own details and password. Changing it signs out their other sessions."""
    form = ThrottledPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password was changed. Other devices were signed out.")
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})
