from django.urls import path

from portal.documents import views

urlpatterns = [
    path("", views.index, name="documents"),
    path("<int:pk>/download/", views.download, name="documents-download"),
]
