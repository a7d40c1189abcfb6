from django.urls import path

from portal.programs import views

urlpatterns = [
    path("", views.index, name="programs"),
]
