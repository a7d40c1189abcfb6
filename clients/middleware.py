import zoneinfo

from django.utils import timezone


def activate_practice_timezone(organization) -> None:
    """Show times in the practice's time zone for the rest of this request (stored in UTC)."""
    timezone.activate(zoneinfo.ZoneInfo(organization.time_zone))


class PracticeTimezoneMiddleware:
    """Undo activate_practice_timezone when the request ends.

    The zone is activated where the practice is known anyway (the portal's access middleware,
    provider_required), so this middleware never loads the user itself: a request that does not
    need the user, like a static file or the sign-in page, does not pay for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
