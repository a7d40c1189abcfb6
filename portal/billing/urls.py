from django.urls import path

from portal.billing import views

urlpatterns = [
    path("", views.index, name="billing"),
    path("invoices/<int:pk>/", views.invoice, name="billing-invoice"),
    path("receipts/<int:pk>/", views.receipt, name="billing-receipt"),
]
