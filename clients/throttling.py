"""Sign-in throttling: django-axes records every failed sign-in; this module decides.

Two threats, two counts over the cool-off window (AXES_COOLOFF_TIME, 15 minutes):

- Many guesses at one account, from any number of addresses: after AXES_FAILURE_LIMIT (5)
  failures the account is paused, whatever the address.
- One address guessing across many accounts: after SIGN_IN_ADDRESS_FAILURE_LIMIT (30) failures
  from the address, all sign-ins from it are paused. The limit is far above what one person's
  typos reach, so one client's typos never lock out the rest of an office behind one address.

A successful sign-in clears only that account's failures (axes' own reset would clear every
failure from the address, so one success with an account the attacker owns would hide the
guesses at everyone else's). axes cannot give the two counts different limits, so the
handler below reports to axes the account's count, or the limit itself once the address is
over its own limit; the lockout flow (signal, 429 page, AccessAttempt rows) stays axes'.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def _failures(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInThrottle(AxesDatabaseHandler):
    """AXES_HANDLER: an account limit and a separate, higher address limit."""

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if by_address >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On success: that account's failures only, from every address."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return sign_in_failures_clear(username=username)


def sign_in_failures_clear(*, username: str, ip_address: str | None = None) -> int:
    """Forget the failures recorded against an account (and, if given, from an address)."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    if ip_address:
        more, _ = AccessAttempt.objects.filter(ip_address=ip_address).delete()
        count += more
    return count


def duration_in_words(delta) -> str:
    """15 minutes, 1 hour, 1 hour and 30 minutes: how long a pause lasts, for people."""
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts)


def cool_off_in_words(request=None) -> str:
    return duration_in_words(get_cool_off(request))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the paused page, saying for how long in words."""
    context = {"cool_off": cool_off_in_words(request)}
    return render(
        request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
