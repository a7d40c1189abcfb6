from django.urls import path

from portal.billing import provider_views as views

urlpatterns = [
    path("clients/<int:pk>/billing/", views.client_billing, name="client-billing"),
    path("clients/<int:pk>/billing/new/", views.invoice_create, name="invoice-create"),
    path(
        "clients/<int:pk>/billing/<int:invoice_pk>/void/", views.invoice_void, name="invoice-void"
    ),
]
