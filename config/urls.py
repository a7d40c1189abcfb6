from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView

from clients import account_views


def page_not_found_view(request, rest):
    raise Http404("No such page.")


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
    # One throttled password change for everyone (clients.forms.ThrottledPasswordChangeForm):
    # the admin's own would check the current password with no limit.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password-change", permanent=False),
    ),
    # The admin's "view on site" shortcut resolves any object of any practice for any staff
    # member (a 302 tells that an id exists); the admin pages link to the app directly instead.
    path("admin/r/<path:rest>", page_not_found_view),
    path("admin/", admin.site.urls),
]
