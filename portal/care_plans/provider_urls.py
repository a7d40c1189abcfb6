from django.urls import path

from portal.care_plans import provider_views as views

urlpatterns = [
    path("clients/<int:pk>/care-plans/", views.client_care_plans, name="client-care-plans"),
    path("clients/<int:pk>/care-plans/new/", views.plan_create, name="care-plan-create"),
    path("clients/<int:pk>/care-plans/<int:plan_pk>/edit/", views.plan_edit, name="care-plan-edit"),
    path(
        "clients/<int:pk>/care-plans/<int:plan_pk>/action/",
        views.plan_action,
        name="care-plan-action",
    ),
]
