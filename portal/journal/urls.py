from django.urls import path

from portal.journal import views

urlpatterns = [
    path("", views.index, name="journal"),
    path("<int:pk>/photo/", views.photo, name="journal-photo"),
]
