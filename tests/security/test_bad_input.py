"""Random keys and values posted to every form: never a 500, and a refused post changes nothing."""

import os

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal_settings.sections import KEYS
from portal_settings.urlwalk import walk
from tests.factories import PracticeAdminFactory
from tests.helpers import signed_in
from tests.security.test_deny_by_default import bucket, url
from tests.world import make_world

pytestmark = pytest.mark.django_db

# Random posts per form; BAD_INPUT_EXAMPLES=200 for a long hunt.
EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "6"))

FIELDS = [
    "version",
    "note",
    "use_default",
    "save",
    "title",
    "description",
    "first_name",
    "last_name",
    "email",
    "group",
    "allowed",
    "action",
    "slot",
    "type",
    "number",
    "expiry",
    "cvc",
    "token",
    "due_on",
    "lines-TOTAL_FORMS",
    "lines-INITIAL_FORMS",
    "lines-0-description",
    "lines-0-quantity",
    "lines-0-unit_price",
    "entry_date",
    "category",
    "text",
    "label",
    "kind",
    "required",
    "choices",
    "form",
    "program",
    "content",
    "weekday",
    "start_time",
    "end_time",
    "name",
    "duration_minutes",
    "price",
    "sessions_included",
    "active",
    "direction",
    "complete",
    "username",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "time_zone",
    "currency",
    "cancellation_cutoff_hours",
    "booking_window_days",
    "contact_email",
    "recommendations",
    "organization",
    "client",
    "id",
    "pk",
    "is_staff",
    *(f"section-{key}" for key in KEYS),
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "on",
            "off",
            "true",
            "1",
            "0",
            "-1",
            "",
            "submit",
            "draft",
            "up",
            "9" * 30,
            "2026-02-30",
            "12/99",
            "4242424242424242",
            "o0.g-.c0",
            "<script>",
            "null",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)
POSTS = st.dictionaries(
    keys=st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)),
    values=st.one_of(VALUES, st.lists(VALUES, min_size=1, max_size=3)),
    max_size=10,
)
# What a post may legitimately write even when it is refused: the security log and sign-in
# records (a failed sign-in is exactly what they record), and sessions.
IGNORED = {"accessrefusal", "accessattempt", "accesslog", "accessfailurelog", "session"}


def snapshot():
    state = {}
    for model in apps.get_models():
        if (
            model._meta.app_label in ("clients", "portal_settings", "portal")
            and model._meta.model_name not in IGNORED
        ):
            state[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    return state


FORM_ROUTES = sorted(
    r.view_name
    for r in walk()
    if bucket(r) in ("portal", "provider", "account", "public") and r.view_name != "accounts:logout"
)


@pytest.mark.parametrize("view_name", FORM_ROUTES)
def test_random_posts_never_break_anything(view_name, organization):
    world = make_world(organization)
    route = next(r for r in walk() if r.view_name == view_name)
    if bucket(route) == "portal":
        http = signed_in(world["client"].user)
    elif bucket(route) == "public":
        from django.test import Client as HttpClient

        http = HttpClient()
    else:
        http = signed_in(PracticeAdminFactory(organization=organization).user)
    http.raise_request_exception = False
    target = url(route, world)

    @settings(
        max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data=POSTS)
    def post(data):
        before = snapshot()
        response = http.post(target, data)
        assert response.status_code < 500, (view_name, data, response.status_code)
        if not 300 <= response.status_code < 400:
            assert snapshot() == before, (view_name, data, response.status_code)

    post()
