"""Benchmark-only settings: the app's settings plus a bare view to measure the ceiling."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Refusals are expected under load (they are what fault_load checks); keep errors only.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "clients.security": {"level": "ERROR"},
        "axes": {"level": "ERROR"},
    },
}
