"""Sessions end after a time without activity, and after an absolute lifetime.

Both limits are settings (SESSION_IDLE_TIMEOUT_CLIENT, SESSION_IDLE_TIMEOUT_PROVIDER,
SESSION_ABSOLUTE_LIFETIME, in seconds). The last-seen time is written at most once a minute,
so an active session does not cost a session write on every request.
"""

import time
from datetime import datetime
from datetime import timezone as dt_timezone
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from clients.family import family_ended_notice
from clients.forms import paused_access_message
from clients.models import Client

STARTED, SEEN, IDLE = "_started", "_seen", "_idle"
# Whom a client whose access was paused should contact, kept for the sign-in page to say.
PAUSED_NOTICE = "_paused_notice"
SEEN_GRANULARITY = 60


def now() -> int:
    """Seconds since the epoch; tests move this clock."""
    return int(time.time())


def idle_limit_for(user) -> int:
    if hasattr(user, "client") or user.family_links.exists():
        return settings.SESSION_IDLE_TIMEOUT_CLIENT
    return settings.SESSION_IDLE_TIMEOUT_PROVIDER


@receiver(user_logged_in)
def _start(sender, request, user, **kwargs):
    moment = now()
    request.session[STARTED] = moment
    request.session[SEEN] = moment
    request.session[IDLE] = idle_limit_for(user)


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        user_id = session.get(SESSION_KEY)
        started = session.get(STARTED)  # read before the user: a stale session is flushed then
        if user_id is not None and not request.user.is_authenticated:
            # The session's account can no longer sign in (its login was turned off, it was
            # archived; Django has already flushed a session whose password changed): end the
            # session, and tell a client why and whom to contact.
            notice = paused_notice(user_id, since=session_start(started))
            logout(request)
            if notice is not None:
                request.session[PAUSED_NOTICE] = notice
                return self._redirect(request, "paused")
        elif user_id is not None:
            moment = now()
            started, seen = session.get(STARTED, moment), session.get(SEEN, moment)
            idle = session.get(IDLE, settings.SESSION_IDLE_TIMEOUT_CLIENT)
            if moment - seen > idle:
                return self._end(request, "idle")
            if moment - started > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._end(request, "expired")
            if STARTED not in session:
                session[STARTED] = started
            if moment - seen >= SEEN_GRANULARITY or SEEN not in session:
                session[SEEN] = moment
        return self.get_response(request)

    def _end(self, request, why):
        logout(request)  # flushes the session on the server
        return self._redirect(request, why)

    def _redirect(self, request, why):
        query = urlencode({"ended": why, "next": request.get_full_path()})
        url = f"{reverse('accounts:login')}?{query}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


def session_start(started) -> datetime | None:
    """The session's STARTED value as a moment, or None for a session without one."""
    return datetime.fromtimestamp(started, tz=dt_timezone.utc) if started is not None else None


def paused_notice(user_id, *, since: datetime | None = None) -> str | None:
    """What to tell a client who has no portal access, and whom to contact; else None. `since`:
    when the ended session began (family_ended_notice names only a change after it)."""
    client = Client.objects.filter(user_id=user_id).select_related("organization").first()
    if client is None or client.has_portal_access:
        # A family member whose access was paused, removed or suspended.
        return family_ended_notice(user_id, since=since)
    return (
        f"{paused_access_message(client)} You were signed out. "
        f"To ask about it, contact {client.organization.contact_label}."
    )
