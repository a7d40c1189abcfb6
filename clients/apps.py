from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Practices and clients"

    def ready(self):
        from clients import signals

        signals.connect()
