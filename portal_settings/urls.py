from django.urls import path

from portal_settings import views

app_name = "portal_settings"

urlpatterns = [
    path("clients/<int:pk>/settings/portal/", views.client_settings, name="client"),
    path(
        "clients/<int:pk>/settings/portal/family/<int:link_pk>/",
        views.family_settings,
        name="family",
    ),
    path("groups/<int:pk>/settings/portal/", views.group_settings, name="group"),
    path(
        "groups/<int:pk>/settings/portal/family/",
        views.group_settings,
        {"audience": "family"},
        name="group-family",
    ),
    path("settings/portal/", views.organization_settings, name="organization"),
    path(
        "settings/portal/client-emails/",
        views.organization_client_emails,
        name="organization-client-emails",
    ),
    path(
        "settings/portal/family/",
        views.organization_settings,
        {"audience": "family"},
        name="organization-family",
    ),
    path("clients/<int:pk>/preview/", views.preview_start, name="preview"),
    path("settings/presets/", views.preset_list, name="presets"),
    path("settings/presets/new/", views.preset_edit, name="preset-create"),
    path("settings/presets/<int:pk>/", views.preset_edit, name="preset-edit"),
    path("settings/presets/<int:pk>/delete/", views.preset_delete_page, name="preset-delete"),
    path(
        "clients/<int:pk>/settings/portal/preset/",
        views.client_preset_apply,
        name="client-preset",
    ),
    path("groups/<int:pk>/settings/portal/preset/", views.group_preset_apply, name="group-preset"),
    path(
        "settings/portal/preset/",
        views.organization_preset_apply,
        name="organization-preset",
    ),
    path("clients/preview/end/", views.preview_end, name="preview-end"),
    path("reports/portal-settings/", views.report, name="report"),
    path("reports/portal-settings/csv/", views.report_csv, name="report-csv"),
]
