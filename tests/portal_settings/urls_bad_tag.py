"""A URLconf with a view that names a section the registry does not have."""

from django.http import HttpResponse
from django.urls import include, path

from portal_settings.enforcement import portal_section


@portal_section("telepathy")
def misnamed(request):
    return HttpResponse("")


urlpatterns = [path("portal/", include(([path("misnamed/", misnamed, name="misnamed")], "portal")))]
