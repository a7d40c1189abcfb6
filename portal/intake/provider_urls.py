from django.urls import path

from portal.intake import provider_views as views

urlpatterns = [
    path("forms/", views.form_list, name="form-list"),
    path("forms/new/", views.form_create, name="form-create"),
    path("forms/<int:pk>/", views.form_detail, name="form-detail"),
    path("forms/<int:pk>/duplicate/", views.form_duplicate, name="form-duplicate"),
    path(
        "forms/<int:pk>/questions/<int:question_pk>/move/",
        views.question_move,
        name="form-question-move",
    ),
    path(
        "forms/<int:pk>/questions/<int:question_pk>/remove/",
        views.question_remove,
        name="form-question-remove",
    ),
    path("clients/<int:pk>/forms/", views.client_forms, name="client-forms"),
    path(
        "clients/<int:pk>/forms/<int:assignment_pk>/",
        views.client_form_answers,
        name="client-form-answers",
    ),
]
