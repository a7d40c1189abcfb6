"""Benchmark-only settings: the app as deployed (DEBUG off), with quieter logs."""

import os

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

# Another of Django's session engines, to measure what it changes (benchmarks/README.md):
# `make bench BENCH_SESSION_ENGINE=django.contrib.sessions.backends.cached_db`.
SESSION_ENGINE = os.environ.get("BENCH_SESSION_ENGINE") or SESSION_ENGINE  # noqa: F405
