from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def bare(request):
    """The ceiling: every middleware runs, the view does nothing."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
