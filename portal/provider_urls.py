"""The provider side of the portal's sections (the `provider` namespace)."""

from django.urls import include, path

app_name = "provider"

urlpatterns = [
    path("", include("portal.documents.provider_urls")),
    path("", include("portal.intake.provider_urls")),
    path("", include("portal.care_plans.provider_urls")),
    path("", include("portal.programs.provider_urls")),
    path("", include("portal.billing.provider_urls")),
    path("", include("portal.appointments.provider_urls")),
    path("", include("portal.packages.provider_urls")),
    path("", include("portal.goals.provider_urls")),
    path("", include("portal.journal.provider_urls")),
]
