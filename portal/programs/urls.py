from django.urls import path

from portal.programs import views

urlpatterns = [
    path("", views.index, name="programs"),
    path("<int:pk>/", views.program, name="programs-program"),
    path("<int:pk>/modules/<int:module_pk>/", views.module, name="programs-module"),
]
