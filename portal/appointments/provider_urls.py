from django.urls import path

from portal.appointments import provider_views as views

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/hours/", views.availability, name="availability"),
    path(
        "schedule/hours/<int:block_pk>/remove/",
        views.availability_remove,
        name="availability-remove",
    ),
    path("schedule/types/", views.type_create, name="appointment-type-create"),
    path("schedule/types/<int:type_pk>/toggle/", views.type_toggle, name="appointment-type-toggle"),
    path("clients/<int:pk>/appointments/", views.client_appointments, name="client-appointments"),
    path(
        "clients/<int:pk>/appointments/<int:appointment_pk>/cancel/",
        views.appointment_cancel_view,
        name="appointment-cancel",
    ),
    path("settings/practice/", views.practice_settings, name="practice"),
]
