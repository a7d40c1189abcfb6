"""Walking the whole URL tree, includes and namespaces too (used by the system check and tests)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "portal/billing/"
    namespaces: tuple[str, ...]
    name: str | None
    callback: object

    @property
    def view_name(self) -> str:
        return ":".join((*self.namespaces, self.name or "?"))

    @property
    def is_portal(self) -> bool:
        return bool(self.namespaces) and self.namespaces[0] == "portal"


def walk(resolver: URLResolver | None = None, prefix: str = "", namespaces=()) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield Route(route, tuple(namespaces), entry.name, entry.callback)
