from django.urls import path

from portal.packages import views

urlpatterns = [
    path("", views.index, name="packages"),
    path("<int:pk>/buy/", views.buy, name="packages-buy"),
    path("purchases/<int:pk>/", views.receipt, name="packages-receipt"),
]
