from django.urls import path

from portal.packages import views

urlpatterns = [
    path("", views.index, name="packages"),
]
