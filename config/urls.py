from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView

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
    # One throttled password change for everyone (clients.forms.ThrottledPasswordChangeForm):
    # the admin's own would check the current password with no limit.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password-change", permanent=False),
    ),
    path("admin/", admin.site.urls),
]
