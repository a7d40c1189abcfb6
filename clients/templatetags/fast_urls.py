"""{% cached_url "name" %}: {% url %} for URLs without arguments, reversed once per process.

The chrome of every page links to the same few URLs; reverse() costs ~40 us each. The result
depends only on the name, the URLconf and the script prefix, which are the cache's key.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def cached_url(name: str) -> str:
    return _reverse(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=256)
def _reverse(name, urlconf, prefix):
    return reverse(name, urlconf=urlconf)
