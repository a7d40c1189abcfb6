from django.apps import AppConfig


class PortalSettingsConfig(AppConfig):
    name = "portal_settings"
    verbose_name = "Client Portal Settings"

    def ready(self):
        from clients.signals import clients_moved
        from portal_settings import checks  # noqa: F401  (registers the system checks)
        from portal_settings.notices import on_clients_moved

        clients_moved.connect(on_clients_moved, dispatch_uid="portal_settings.notices")

        from clients.bulk import register, register_move_check
        from portal_settings.bulk_views import ACTIONS
        from portal_settings.move_reasons import MOVE_CHECK

        for action in ACTIONS:
            register(action)
        register_move_check("records", MOVE_CHECK)
