from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control

from clients import account_views

admin.site.site_header = "Client Portal Settings: staff admin"
admin.site.site_title = "Client Portal Settings admin"


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers (and the Django admin's pages, which do not link one) ask for /favicon.ico."""
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    # The portal first: it is what most requests are for, and Django tries patterns in order.
    path("portal/", include("portal.urls")),
    path("", account_views.home, name="home"),
    path("accounts/", include("clients.account_urls")),
    path("", include("clients.urls")),
    path("", include("portal_settings.urls")),
    path("", include("portal.provider_urls")),
    path("admin/", admin.site.urls),
]
