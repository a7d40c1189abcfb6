from django.urls import path

from portal.packages import provider_views as views

urlpatterns = [
    path("packages/", views.package_list, name="package-list"),
    path("packages/<int:package_pk>/", views.package_edit, name="package-edit"),
    path("clients/<int:pk>/packages/", views.client_packages, name="client-packages"),
]
