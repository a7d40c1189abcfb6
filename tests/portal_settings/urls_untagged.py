"""The real URLconf plus one portal view that forgot its section tag."""

from django.http import HttpResponse
from django.urls import include, path

import config.urls
import portal.urls


def forgotten(request):
    return HttpResponse("this should never be served")


urlpatterns = [
    path("portal/", include(([*portal.urls.urlpatterns, path("forgotten/", forgotten)], "portal"))),
    *[p for p in config.urls.urlpatterns if str(p.pattern) != "portal/"],
]
