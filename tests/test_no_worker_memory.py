"""Nothing a request reads stays in worker memory (shared/ARCHITECTURE.md: nothing
correctness-critical lives in process memory).

A few query definitions are built once per process (functools.cache) because building them
cost more than running them; each call clones them. If one were ever evaluated itself (looped
over, bool()-ed, len()-ed), its rows would stay in the worker and be served to the next
request. This walks every module of the apps for such definitions and checks, after real
requests have used them, that none holds rows.
"""

import importlib
import inspect
import pkgutil

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from portal_settings.urlwalk import walk
from tests.helpers import signed_in
from tests.security.test_deny_by_default import bucket, url
from tests.world import make_world

pytestmark = pytest.mark.django_db

APPS = ("audit", "clients", "portal_settings", "portal", "config")


def _modules():
    for name in APPS:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def per_process_definitions() -> dict:
    """name -> a zero-argument callable giving the object the process keeps: each function
    cached with functools.cache or lru_cache, and each module-level QuerySet."""
    found = {}
    for module in _modules():
        for attribute, value in vars(module).items():
            where = f"{module.__name__}.{attribute}"
            if hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                assert not inspect.signature(value).parameters, (
                    f"{where} is cached per argument; check its cached values here too"
                )
                found[where] = value
            elif isinstance(value, QuerySet):
                found[where] = lambda value=value: value
    return found


def test_the_cached_query_definitions_hold_no_rows_after_serving_requests(organization):
    definitions = per_process_definitions()
    assert {
        "portal_settings.resolver._clients_for_users",
        "portal.programs.selectors._unfinished_enrollments",
    } <= set(definitions)
    world = make_world(organization)
    client_http = signed_in(world["client"].user)
    family_http = signed_in(world["family_link"].user)
    family_http.get(reverse("accounts:family"))
    for route in walk():
        if bucket(route) == "portal":
            path = url(route, world)
            client_http.get(path)
            family_http.get(path)
    served = {name: fn for name, fn in definitions.items() if hasattr(fn, "cache_info")}
    # The requests went through each cached definition (else this test proves nothing).
    assert all(fn.cache_info().hits for fn in served.values()), {
        name: fn.cache_info() for name, fn in served.items()
    }
    for name, definition in definitions.items():
        queryset = definition()
        assert isinstance(queryset, QuerySet), name
        assert queryset._result_cache is None, f"{name} keeps rows in worker memory"
        assert not queryset._prefetch_done, name
