from django.contrib import admin
from django.urls import include, path

from clients import account_views

admin.site.site_header = "Client Portal Settings: staff admin"
admin.site.site_title = "Client Portal Settings admin"

urlpatterns = [
    # The portal first: it is what most requests are for, and Django tries patterns in order.
    path("portal/", include("portal.urls")),
    path("", account_views.home, name="home"),
    path("accounts/", include("clients.account_urls")),
    path("", include("clients.urls")),
    path("", include("portal_settings.urls")),
    path("", include("portal.provider_urls")),
    path("admin/", admin.site.urls),
]
