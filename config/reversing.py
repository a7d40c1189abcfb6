"""reverse() for URLs without arguments, computed once per process.

The portal's chrome and tab bar link to the same few URLs on every page, and reverse() costs
25-40 us each. The result depends only on the name, the URLconf and the script prefix, which
are the cache's key (url_cache_key), so a test's own URLconf or a deployment under a prefix
never gets a stale URL.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def url_cache_key() -> tuple[str, str]:
    """The URLconf and script prefix a URL is reversed under."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def cached_reverse(name: str) -> str:
    return _reverse(name, *url_cache_key())


@lru_cache(maxsize=512)
def _reverse(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
