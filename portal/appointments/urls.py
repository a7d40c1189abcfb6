from django.urls import path

from portal.appointments import views

urlpatterns = [
    path("", views.index, name="appointments"),
    path("book/", views.book, name="appointments-book"),
    path("<int:pk>/cancel/", views.cancel, name="appointments-cancel"),
]
