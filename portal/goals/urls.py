from django.urls import path

from portal.goals import views

urlpatterns = [
    path("", views.index, name="goals"),
    path("<int:pk>/complete/", views.toggle, name="goals-complete"),
]
