"""Enforcement: which portal views a client may reach, and which actions they may take.
Deny by default.

Every portal view carries a tag: the key of the section it belongs to, and what it does
(`@portal_section(key, acts=...)`), or ALWAYS_AVAILABLE (`@always_available`):

- `acts=NEVER` (the default): the view only shows things. It answers GET and HEAD; any other
  method is refused at every level, so a view that changes anything must say it acts.
- `acts=ON_POST`: a page that shows things on GET/HEAD and takes its action on POST (the
  invoice page and its Pay form). GET is viewing, anything else is the action.
- `acts=ALWAYS`: every method is the action (the booking page, the buy page: their GET is the
  first step of acting).

The middleware decides (`decide`) before the view runs: no tag, a section that is Off, or an
action in a section that is View only is refused, for every method; htmx gets a redirect.
"""

import logging
from zoneinfo import ZoneInfo

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from clients.access import home_url_for, membership_of
from clients.family import (
    ACTING_LINK_SESSION_KEY,
    FAMILY_ACCESS_GONE,
    family_ended_notice,
    link_in_force,
)
from clients.middleware import activate_practice_timezone
from clients.models import AccessRefusal
from clients.security import record_refusal
from clients.services import family_link_hand_over, family_link_is_due_for_handover
from clients.session_timeout import PAUSED_NOTICE, STARTED, session_start
from portal_settings.levels import Access
from portal_settings.resolver import (
    client_with_settings_for_user,
    clients_with_settings,
    effective_settings_for_client,
    effective_settings_for_family_link,
    family_link_with_settings_for_user,
)
from portal_settings.sections import ALWAYS_AVAILABLE, BY_KEY

logger = logging.getLogger("portal_settings.enforcement")

TAG = "portal_section"
ACTS_TAG = "portal_acts"

# What a tagged view does (see the module's docstring).
NEVER = "never"
ON_POST = "on_post"
ALWAYS = "always"
ACTS = (NEVER, ON_POST, ALWAYS)

SAFE_METHODS = ("GET", "HEAD")

# What `decide` answers when it refuses.
SECTION_OFF = "section_off"
VIEW_ONLY = "view_only"
NOT_ALLOWED = "method_not_allowed"


def portal_section(key: str, *, acts: str = NEVER):
    """Tag a portal view with the section it belongs to and whether it acts."""
    if acts not in ACTS:
        raise ValueError(f"acts must be one of {ACTS}, not {acts!r}")

    def decorator(view):
        setattr(view, TAG, key)
        setattr(view, ACTS_TAG, acts)
        return view

    return decorator


def always_available(view):
    """Tag a portal view every signed-in client may reach, whatever their settings."""
    setattr(view, TAG, ALWAYS_AVAILABLE)
    return view


def section_tag(view) -> str | None:
    return getattr(view, TAG, None)


def acts_tag(view) -> str | None:
    return getattr(view, ACTS_TAG, None)


def is_action(acts: str, method: str) -> bool:
    return acts == ALWAYS or (acts == ON_POST and method not in SAFE_METHODS)


def decide(*, access: Access, acts: str | None, method: str) -> str | None:
    """Whether a tagged section view may answer `method` at `access`: None to serve it, or why
    not. Deny by default: an unknown `acts` refuses everything."""
    if access is Access.OFF or acts not in ACTS:
        return SECTION_OFF
    if acts == NEVER and method not in SAFE_METHODS:
        return NOT_ALLOWED
    if is_action(acts, method) and access is not Access.FULL:
        return VIEW_ONLY
    return None


def is_portal_request(request) -> bool:
    match = request.resolver_match
    return bool(match and match.namespaces and match.namespaces[0] == "portal")


def refuse(request, *, reason: str, status: int = 403, section=None):
    """The refusal a client sees: a page for a browser, a redirect for htmx (to the section's
    page when the section is view-only, else home)."""
    if request.htmx:
        if reason == VIEW_ONLY and section is not None:
            return HttpResponseClientRedirect(section.url)
        return HttpResponseClientRedirect(reverse("portal:home"))
    client = getattr(request, "client", None)
    return render(
        request,
        "portal/section_off.html",
        {
            "section": section,
            "reason": reason,
            "organization": getattr(client, "organization", None),
        },
        status=status,
    )


class PortalAccessMiddleware:
    """Loads the signed-in client and their settings on portal URLs, and enforces them.

    On a portal URL only: one ordinary query loads the client with their practice, group and
    the explicit values of the three levels (resolver.client_with_settings_for_user); it then
    sets request.client and request.portal_settings (an EffectiveSettings), which the tab bar
    and the views read. Nothing is kept between requests, so a change is enforced on the next
    request, whichever app server serves it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_portal_request(request):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        preview = request.session.get(PREVIEW_SESSION_KEY)
        link_id = request.session.get(ACTING_LINK_SESSION_KEY)
        if link_id is not None and preview is None:
            return self._as_family_member(request, view_func, link_id)
        try:
            client = client_with_settings_for_user(user)
            if client is None and preview is not None:
                client = _previewed_client(user, preview)
            if client is not None:
                request.portal_settings = effective_settings_for_client(client=client)
        except Exception:
            # Fail closed: if the settings cannot be worked out, no section is served.
            logger.exception("Could not resolve the portal settings of user %s", user.pk)
            return refuse(request, reason="unavailable", status=503)
        if client is None or (not client.has_portal_access and user.family_links.exists()):
            # Providers and staff have their own app; a family member chooses whose portal.
            return redirect(home_url_for(user) if client is None else reverse("accounts:family"))
        request.client = client
        request.portal_preview = client.user_id != user.pk
        if request.portal_preview:
            activate_practice_timezone(client.organization)
            if request.method not in SAFE_METHODS:
                # A preview shows exactly what the client sees, and changes nothing.
                return refuse(request, reason="preview", section=None)
            return self._enforce(request, view_func, log=False)
        # Both sides of the one-to-one point at the objects already in hand: templates and views
        # reading request.user.client or client.user make no query.
        user.client = client
        if not client.has_portal_access:
            # Normally the login is already inactive; this is the belt to that pair of braces.
            logout(request)
            return redirect_to_login(request.get_full_path())
        activate_practice_timezone(client.organization)
        return self._enforce(request, view_func, log=True)

    def _as_family_member(self, request, view_func, link_id):
        """A family member acting for a client: the link chosen in the session, loaded again
        with the client and the family chain's settings in one query (the same three queries
        per request as a client's: session, user, this) and refused unless still in force.
        A paused, removed or suspended link, an archived client, or a client who has just come
        of age (for a parent or guardian) ends the session here, whatever signed it in."""
        user = request.user
        try:
            link = family_link_with_settings_for_user(user, link_id)
            if link is not None and link_in_force(link):
                today = timezone.localdate(timezone=ZoneInfo(link.client.organization.time_zone))
                if family_link_is_due_for_handover(link, today):
                    family_link_hand_over(link=link)
                    link = None
            if link_in_force(link):
                request.portal_settings = effective_settings_for_family_link(link=link)
        except Exception:
            logger.exception("Could not resolve the family access of user %s", user.pk)
            return refuse(request, reason="unavailable", status=503)
        if not link_in_force(link):
            since = session_start(request.session.get(STARTED))
            notice = family_ended_notice(user.pk, since=since) or FAMILY_ACCESS_GONE
            logout(request)
            request.session[PAUSED_NOTICE] = notice
            if request.htmx:
                return HttpResponseClientRedirect(reverse("accounts:login"))
            return redirect_to_login(request.get_full_path())
        link.user = user  # the same person, already loaded: link.name makes no query
        request.client = link.client
        request.family_link = link
        request.portal_preview = False
        activate_practice_timezone(link.client.organization)
        return self._enforce(request, view_func, log=True)

    def _enforce(self, request, view_func, *, log: bool):
        tag = section_tag(view_func)
        if tag == ALWAYS_AVAILABLE:
            return None
        if tag is None or tag not in BY_KEY:
            logger.error(
                "Portal view %s has no section tag; refused.", request.resolver_match.view_name
            )
            if log:
                record_refusal(request, reason=AccessRefusal.Reason.UNTAGGED)
            return refuse(request, reason="untagged")
        refusal = decide(
            access=request.portal_settings.access(tag),
            acts=acts_tag(view_func),
            method=request.method,
        )
        if refusal is None:
            return None
        if refusal == NOT_ALLOWED:
            # A page that only shows things changes nothing, whatever is sent to it; its Allow
            # header says so (other pages' PUT, DELETE... get config.middleware's 405).
            return HttpResponseNotAllowed(SAFE_METHODS)
        if log:
            record_refusal(request, reason=refusal, detail=tag)
        return refuse(request, reason=refusal, section=BY_KEY[tag])


# Set by portal_settings.views.preview_start for a provider; cleared by preview_end.
PREVIEW_SESSION_KEY = "portal_preview_client"


def _previewed_client(user, client_id):
    """The client a provider is previewing, scoped to the provider's practice; None if the
    user is no provider of that client's practice, or the client was archived since (the key
    is then ignored)."""
    membership = membership_of(user)
    if membership is None:
        return None
    return (
        clients_with_settings()
        .filter(pk=client_id, organization_id=membership.organization_id, archived_at__isnull=True)
        .first()
    )
