from django.urls import path

from portal.billing import views

urlpatterns = [
    path("", views.index, name="billing"),
]
