import zoneinfo

from django.test import Client as HttpClient
from django.utils import timezone

# A practice's time zone when none is set (clients.models.Organization.time_zone's default).
PRACTICE_ZONE = "America/New_York"


def signed_in(user, **kwargs) -> HttpClient:
    """A test browser with `user` signed in."""
    http = HttpClient(**kwargs)
    http.force_login(user)
    return http


def practice_localtime(organization=None, moment=None):
    """`moment` (now by default) in the practice's time zone, where pages write dates: near
    midnight UTC the server's day and the practice's differ, so tests must not use UTC's."""
    zone = zoneinfo.ZoneInfo(organization.time_zone if organization else PRACTICE_ZONE)
    return timezone.localtime(moment, timezone=zone)


def practice_today(organization=None):
    """Today in the practice's time zone (see practice_localtime)."""
    return practice_localtime(organization).date()
