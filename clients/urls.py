from django.urls import path

from clients import family_views, security_views, views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/bulk/", views.client_bulk, name="bulk"),
    path("clients/<int:pk>/", views.client_detail, name="detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="edit"),
    path("clients/<int:pk>/archive/", views.client_archive, name="archive"),
    path("clients/<int:pk>/restore/", views.client_restore, name="restore"),
    path("clients/<int:pk>/invite/", views.client_invite, name="invite"),
    path("clients/<int:pk>/portal-login/", views.client_portal_login, name="portal-login"),
    path("clients/<int:pk>/family/", family_views.family, name="family"),
    path(
        "clients/<int:pk>/family/<int:link_pk>/",
        family_views.family_change,
        name="family-change",
    ),
    path("reports/security/", security_views.security_log, name="security-log"),
    path("reports/lockouts/", security_views.lockouts, name="lockouts"),
    path("reports/lockouts/unlock/", security_views.unlock, name="unlock"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
]
