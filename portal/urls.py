from django.urls import include, path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("billing/", include("portal.billing.urls")),
    path("appointments/", include("portal.appointments.urls")),
    path("goals/", include("portal.goals.urls")),
    path("journal/", include("portal.journal.urls")),
    path("documents/", include("portal.documents.urls")),
    path("forms/", include("portal.intake.urls")),
    path("care-plans/", include("portal.care_plans.urls")),
    path("programs/", include("portal.programs.urls")),
    path("packages/", include("portal.packages.urls")),
]
