"""Static files storage: whitenoise's hashed, compressed files, with URLs remembered.

The manifest does not change while the app runs, so the URL of a static file is computed once
per process instead of on every page (three lookups and URL joins a page).
"""

from functools import lru_cache

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        return self._cached_url(name)

    @lru_cache(maxsize=512)  # noqa: B019 (one storage per process; it lives as long as the cache)
    def _cached_url(self, name):
        return super().url(name)
