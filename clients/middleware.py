import zoneinfo

from django.utils import timezone


class PracticeTimezoneMiddleware:
    """Show times in the practice's time zone (they are stored in UTC).

    Runs its view hook after PortalAccessMiddleware, which has loaded the portal's client; a
    provider's practice came with the user. Neither costs a query here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        organization = None
        client = getattr(request, "client", None)
        if client is not None:
            organization = client.organization
        elif request.user.is_authenticated:
            membership = getattr(request.user, "membership", None)
            organization = membership.organization if membership else None
        if organization is not None:
            timezone.activate(zoneinfo.ZoneInfo(organization.time_zone))
