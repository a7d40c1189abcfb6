"""{% cached_url "name" %}: {% url %} for URLs without arguments, reversed once per process
(config.reversing)."""

from django import template

from config.reversing import cached_reverse

register = template.Library()


@register.simple_tag
def cached_url(name: str) -> str:
    return cached_reverse(name)
