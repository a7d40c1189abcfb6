from django.urls import path

from portal import views
from portal.registry import client_urlpatterns

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    *client_urlpatterns(),
]
