from django.contrib import admin
from django.urls import include, path

from clients import account_views

admin.site.site_header = "Client Portal Settings: staff admin"
admin.site.site_title = "Client Portal Settings admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("clients.account_urls")),
    path("", include("clients.urls")),
    path("", include("portal_settings.urls")),
    path("", include("portal.provider_urls")),
    path("portal/", include("portal.urls")),
    path("admin/", admin.site.urls),
]
