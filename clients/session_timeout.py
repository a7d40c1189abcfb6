"""Sessions end after a time without activity, and after an absolute lifetime.

Both limits are settings (SESSION_IDLE_TIMEOUT_CLIENT, SESSION_IDLE_TIMEOUT_PROVIDER,
SESSION_ABSOLUTE_LIFETIME, in seconds). The last-seen time is written at most once a minute,
so an active session does not cost a session write on every request.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

STARTED, SEEN, IDLE = "_started", "_seen", "_idle"
SEEN_GRANULARITY = 60


def now() -> int:
    """Seconds since the epoch; tests move this clock."""
    return int(time.time())


def idle_limit_for(user) -> int:
    if hasattr(user, "client"):
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
        if SESSION_KEY in session:
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
        query = urlencode({"ended": why, "next": request.get_full_path()})
        url = f"{reverse('accounts:login')}?{query}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
