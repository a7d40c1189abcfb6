from django.urls import path

from portal.programs import provider_views as views

urlpatterns = [
    path("programs/", views.program_list, name="program-list"),
    path("programs/new/", views.program_create, name="program-create"),
    path("programs/<int:pk>/", views.program_detail, name="program-detail"),
    path(
        "programs/<int:pk>/modules/<int:module_pk>/", views.module_edit, name="program-module-edit"
    ),
    path("clients/<int:pk>/programs/", views.client_programs, name="client-programs"),
]
