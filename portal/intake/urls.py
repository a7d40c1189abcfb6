from django.urls import path

from portal.intake import views

urlpatterns = [
    path("", views.index, name="forms"),
    path("<int:pk>/", views.fill, name="forms-fill"),
]
