from django.urls import path

from portal.care_plans import views

urlpatterns = [
    path("", views.index, name="care_plans"),
]
