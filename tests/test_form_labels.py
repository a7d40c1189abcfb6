"""The app's forms drawn by Django ({{ form }}) label their fields as its hand-written forms do
(the settings page, the roster, presets): "First name", not "First name:". The Django admin
keeps its own look."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import clients
import portal
import portal_settings
from clients.forms import PlainLabels
from tests.helpers import signed_in

APPS = (clients, portal, portal_settings)


def app_forms():
    for app in APPS:
        for module in pkgutil.walk_packages(app.__path__, app.__name__ + "."):
            if "admin" not in module.name and "migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        name = cls.__module__
        if name.split(".")[0] in {a.__name__ for a in APPS} and "admin" not in name:
            found.append(cls)
    return found


def test_every_app_form_draws_its_labels_without_a_colon():
    found = app_forms()
    assert len(found) > 20  # the walk found the forms at all
    colons = [
        f"{c.__module__}.{c.__qualname__}" for c in found if c.bound_field_class is not PlainLabels
    ]
    assert colons == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, page",
    [
        ("provider", lambda c: reverse("clients:edit", args=[c.pk])),
        ("provider", lambda c: reverse("clients:create")),
        ("provider", lambda c: reverse("clients:family", args=[c.pk])),
        ("admin", lambda c: reverse("clients:group-create")),
        ("provider", lambda c: reverse("accounts:password-change")),
        ("client", lambda c: reverse("portal:profile")),
        (None, lambda c: reverse("accounts:login")),
        (None, lambda c: reverse("accounts:password-reset")),
    ],
)
def test_form_pages_label_fields_without_a_colon(
    who, page, provider, practice_admin, client_record
):
    from django.test import Client

    user = {"provider": provider, "admin": practice_admin, "client": client_record.user}.get(who)
    http = signed_in(user) if user else Client()
    body = http.get(page(client_record)).content.decode()
    assert "<label" in body
    assert ":</label>" not in body
