from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Practices and clients"

    def ready(self):
        # Connects the user_logged_in receiver that starts the session clocks, before any
        # sign-in (not only once the middleware has been loaded by a first request).
        from clients import session_timeout  # noqa: F401
