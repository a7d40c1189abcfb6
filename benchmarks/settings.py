"""Benchmark-only settings: the app as deployed (DEBUG off), with quieter logs."""

from config.settings import *  # noqa: F403

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

# The app's URLs and the floor views (benchmarks/urls.py).
ROOT_URLCONF = "benchmarks.urls"
