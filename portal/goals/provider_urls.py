from django.urls import path

from portal.goals import provider_views as views

urlpatterns = [path("clients/<int:pk>/goals/", views.client_goals, name="client-goals")]
