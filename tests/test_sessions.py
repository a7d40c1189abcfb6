"""Sessions in the shared cache, and what happens when the cache is down."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REDIS = {
    "BACKEND": "config.cache.ReusingRedisCache",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def test_with_redis_sessions_are_read_from_the_cache_and_kept_in_the_database(
    settings, client, client_record, django_assert_num_queries
):
    settings.CACHES = {
        "default": {**REDIS, "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": "cps-test"}
    }
    settings.SESSION_ENGINE = "config.sessions"
    sign_in(client, client_record.user)
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    with django_assert_num_queries(1):  # only the user (with client and settings): no session query
        assert client.get(reverse("portal:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_dead_cache_falls_back_to_the_database(settings, client, client_record):
    settings.CACHES = {"default": {**REDIS, "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SESSION_ENGINE = "config.sessions"
    assert sign_in(client, client_record.user).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302
