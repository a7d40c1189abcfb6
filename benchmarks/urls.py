"""The app's URLs (config.urls) and two bench-only "Hello" views: `make bench` only.

They measure the floor under every page: what the app's middleware, the session, the user and,
on a portal URL, the client with their settings cost before a view does anything. A section
page can be no cheaper than the portal floor.
"""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from config import urls as app_urls
from portal_settings.enforcement import always_available


def hello(request):
    return HttpResponse("Hello")


@always_available
def portal_hello(request):
    return HttpResponse("Hello")


def _with_portal_floor(pattern):
    """The portal's URLs with the floor among them (the portal middleware acts on that
    namespace only), or the pattern unchanged."""
    if isinstance(pattern, URLResolver) and pattern.namespace == "portal":
        patterns = [*pattern.url_patterns, path("bench-floor/", portal_hello, name="bench-floor")]
        return path("portal/", include((patterns, pattern.app_name), namespace="portal"))
    return pattern


urlpatterns = [
    path("bench/floor/", hello, name="bench-floor"),
    *(_with_portal_floor(pattern) for pattern in app_urls.urlpatterns),
]
