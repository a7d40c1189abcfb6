from django.urls import path

from portal.appointments import views

urlpatterns = [
    path("", views.index, name="appointments"),
]
