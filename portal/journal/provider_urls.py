from django.urls import path

from portal.journal import provider_views as views

urlpatterns = [
    path("clients/<int:pk>/journal/", views.client_journal, name="client-journal"),
    path("clients/<int:pk>/journal/<int:entry_pk>/photo/", views.photo, name="journal-photo"),
]
