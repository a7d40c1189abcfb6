from django.urls import path

from portal.journal import views

urlpatterns = [
    path("", views.index, name="journal"),
]
