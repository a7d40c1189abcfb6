"""Benchmark-only: the same app with the portal's enforcement middleware and tab lookup removed.

Never a runtime switch: this module exists only so `make bench` can measure what enforcement
costs. Serving the portal this way would show every client every section.
"""

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import MIDDLEWARE, TEMPLATES

MIDDLEWARE = [m for m in MIDDLEWARE if m != "portal_settings.enforcement.PortalAccessMiddleware"]
TEMPLATES = [
    {
        **TEMPLATES[0],
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],
            "context_processors": [
                p
                for p in TEMPLATES[0]["OPTIONS"]["context_processors"]
                if p != "portal_settings.context_processors.portal"
            ],
        },
    }
]
