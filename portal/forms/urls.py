from django.urls import path

from portal.forms import views

urlpatterns = [
    path("", views.index, name="forms"),
]
