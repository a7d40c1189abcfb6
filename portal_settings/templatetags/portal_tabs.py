"""The portal's tab bar and home cards, rendered once per combination of allowed sections.

They depend only on which sections are allowed (and which is current), never on the client,
so the HTML is kept per process for each combination: there are at most a few hundred, and a
page then spends microseconds here instead of a millisecond of template work (see
benchmarks/README.md).
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from config.reversing import cached_reverse, url_cache_key
from portal_settings.sections import BY_KEY

register = template.Library()
CURRENT = mark_safe(' aria-current="page"')


def _keys(context) -> tuple[str, ...]:
    effective = getattr(context["request"], "portal_settings", None)
    return effective.enabled_keys if effective is not None else ()


@register.simple_tag(takes_context=True)
def portal_tabs(context):
    request = context["request"]
    home = request.resolver_match is not None and request.resolver_match.url_name == "home"
    return _tabs(_keys(context), context.get("portal_current_section"), home, url_cache_key())


@register.simple_tag(takes_context=True)
def portal_cards(context):
    return _cards(_keys(context), url_cache_key())


# `where` (config.reversing.url_cache_key) is only part of the cache key.
@lru_cache(maxsize=1024)
def _tabs(keys, current, home, where):
    items = [
        format_html(
            '<li><a href="{}"{}>Home</a></li>',
            cached_reverse("portal:home"),
            CURRENT if home else "",
        )
    ]
    for key in keys:
        section = BY_KEY[key]
        items.append(
            format_html(
                '<li><a href="{}"{}>{}</a></li>',
                section.url,
                CURRENT if key == current else "",
                section.tab,
            )
        )
    return format_html_join("\n", "{}", ((item,) for item in items))


@lru_cache(maxsize=1024)
def _cards(keys, where):
    return format_html_join(
        "\n",
        '<article class="card"><h2><a href="{}">{}</a></h2><p>{}</p></article>',
        ((BY_KEY[k].url, BY_KEY[k].tab, BY_KEY[k].summary) for k in keys),
    )
