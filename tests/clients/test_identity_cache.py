"""The per-process identity copies, checked against generations in Redis on every request."""

import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from clients import identity_cache
from clients.services import client_portal_login_set
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from tests.concurrency import requires_postgres
from tests.helpers import signed_in

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ReusingRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "config.sessions"
    identity_cache.clear_local()
    yield prefix
    identity_cache.clear_local()


def warm(http, path="/portal/"):
    for _ in range(4):
        assert http.get(path).status_code == 200


def change(actor, obj, changes):
    target = Target.of(obj).reload()
    portal_settings_update(
        actor=actor, target=target, changes=changes, shown_version=target.version_token()
    )


@pytest.mark.django_db(transaction=True)
def test_a_warm_request_needs_no_query_at_all(
    redis_cache, client_record, django_assert_num_queries
):
    http = signed_in(client_record.user)
    warm(http, reverse("portal:profile"))  # the home reads what needs the client: not here
    with django_assert_num_queries(0):  # session and identity both from Redis and memory
        response = http.get(reverse("portal:profile"))
    assert client_record.user.first_name in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("level", ["client", "group", "organization"])
def test_a_settings_change_is_enforced_on_the_next_request(
    redis_cache, client_record, group, provider, level
):
    client_record.group = group
    client_record.save()
    http = signed_in(client_record.user)
    warm(http, reverse("portal:billing"))
    target = {"client": client_record, "group": group, "organization": client_record.organization}[
        level
    ]
    change(provider, target, {"billing": False})
    assert http.get(reverse("portal:billing")).status_code == 403
    change(provider, target, {"billing": None})
    assert http.get(reverse("portal:billing")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_portal_login_off_is_enforced_on_the_next_request(redis_cache, client_record, provider):
    http = signed_in(client_record.user)
    warm(http)
    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    assert http.get(reverse("portal:home")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_every_request_reads_the_database(
    settings, client_record, provider, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ReusingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "config.sessions"
    identity_cache.clear_local()
    http = signed_in(client_record.user)
    warm(http, reverse("portal:billing"))
    # the session and the identity from the database, then the page's own two (its invoices)
    with django_assert_num_queries(4):
        assert http.get(reverse("portal:billing")).status_code == 200
    change(provider, client_record, {"billing": False})
    assert http.get(reverse("portal:billing")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_copies_are_not_shared_between_requests(redis_cache, client_record):
    from clients.identity import load_user

    http = signed_in(client_record.user)
    warm(http)
    first = identity_cache.row_for(client_record.user_id)
    assert identity_cache.row_for(client_record.user_id) is first  # served from the copy...
    # ...but what one request does to its objects never reaches the next one.
    mine = load_user(client_record.user_id)
    mine.first_name = "Changed in memory"
    mine.client.portal_settings = None
    again = load_user(client_record.user_id)
    assert again.first_name == client_record.user.first_name
    assert again is not mine and again.client is not mine.client


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_is_seen_on_the_next_request(redis_cache, client_record):
    http = signed_in(client_record.user)
    warm(http, reverse("portal:billing"))
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    script = (
        "import django; django.setup()\n"
        "from clients.models import Client\n"
        "from portal_settings.services import portal_settings_update\n"
        "from portal_settings.targets import Target\n"
        f"target = Target.of(Client.objects.get(pk={client_record.pk})).reload()\n"
        "portal_settings_update(\n"
        "    actor=None, target=target, changes={'billing': False},\n"
        "    shown_version=target.version_token(),\n"
        ")\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": redis_cache,
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=os.getcwd())  # noqa: S603
    assert http.get(reverse("portal:billing")).status_code == 403
