from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from clients.forms import ThrottledPasswordChangeForm
from clients.models import FamilyLink
from portal.registry import home_cards
from portal_settings.enforcement import always_available
from portal_settings.notices import family_notices_for_home, portal_notices_for_home


def _person(request):
    """Whom the page is about: the signed-in person (the client, or the family member acting for
    them), or in a provider's preview the client, never the provider looking at it."""
    return request.client.user if request.portal_preview else request.user


@always_available
@require_safe
def home(request):
    """The client's home: what needs them in each section they may use (one small query per
    card, see portal.registry.home_cards), then links to the other sections."""
    allowed = request.portal_settings
    cards = home_cards(client=request.client, allowed=allowed)
    with_card = {card.section.key for card in cards}
    # the keys of the other allowed sections: the template links them from portal_links
    others = {key for key in allowed.enabled_keys if key not in with_card}
    # Notices of changes: a client's of their own settings; a family member's of their own
    # chain (their settings are not the client's), each against their own marker.
    # Only a GET of their own marks them seen: not a provider's preview, and not a HEAD,
    # which must write nothing (a link checker or a prefetch would use the notices up).
    mark_seen = request.method == "GET" and not request.portal_preview
    link = getattr(request, "family_link", None)
    if link is None:
        notices = portal_notices_for_home(
            client=request.client, effective=allowed, mark_seen=mark_seen
        )
    else:
        notices = family_notices_for_home(link=link, effective=allowed, mark_seen=mark_seen)
    context = {
        "cards": cards,
        "others": others,
        # View only: listed as something to look at, not with its summary (which names its
        # actions: paying, booking, marking goals complete)
        "others_view_only": {key for key in others if allowed[key].view_only},
        "today": timezone.localdate(),
        "notices": notices,
        "person": _person(request),
    }
    return render(request, "portal/home.html", context)


@always_available
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def profile(request):
    """The client's own details and password. Changing it signs out their other sessions."""
    form = ThrottledPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password was changed. Other devices were signed out.")
        return redirect("portal:profile")
    family_access = []
    if getattr(request, "family_link", None) is None:
        # The client is told who can open their portal (one query, on this page only).
        family_access = list(
            request.client.family_links.exclude(status=FamilyLink.Status.REMOVED).select_related(
                "user"
            )
        )
    context = {"form": form, "family_access": family_access, "person": _person(request)}
    return render(request, "portal/profile.html", context)
