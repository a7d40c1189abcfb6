from django.urls import path

from portal.documents import provider_views

urlpatterns = [
    path("clients/<int:pk>/documents/", provider_views.client_documents, name="client-documents"),
    path(
        "clients/<int:pk>/documents/<int:document_pk>/download/",
        provider_views.download,
        name="document-download",
    ),
]
