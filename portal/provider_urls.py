"""The provider side of the portal's sections (the `provider` namespace)."""

from portal.registry import provider_urlpatterns

app_name = "provider"

urlpatterns = provider_urlpatterns()
