from django.apps import AppConfig


class PortalSettingsConfig(AppConfig):
    name = "portal_settings"
    verbose_name = "Client Portal Settings"

    def ready(self):
        from portal_settings import checks  # noqa: F401  (registers the system checks)
