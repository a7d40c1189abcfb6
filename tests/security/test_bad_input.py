"""Random keys and values posted to every form, and random queries sent to every page: never a
500, and a refused post changes nothing.

Besides random text, the values are the kinds that broke the app before: NUL bytes (PostgreSQL
cannot store them), moments at the ends of the calendar, numbers too big for a column or for
int(), non-ASCII digits ("²".isdigit() is True), line breaks for email headers. Each post is
either the form the page itself draws with one field made bad (so the bad value reaches the
code behind the form's other checks), or keys and values drawn at random.
"""

import os
import re
from html.parser import HTMLParser

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
EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "12"))

ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+)?(?:[+-]\d\d:\d\d|Z)?")
NASTY = [
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "9" * 5000,
    "2147483647",
    "9223372036854775808",
    "60000000",
    "99999999.99",
    "-1",
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "Name\r\nBcc: someone@example.test",
    '=HYPERLINK("http://example.test")',
]
# Query parameters the pages read.
QUERY_FIELDS = ["q", "group", "page", "week", "type", "who", "status", "history", "next"]

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
            *NASTY,
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
            model._meta.app_label in ("audit", "clients", "portal_settings", "portal")
            and model._meta.model_name not in IGNORED
        ):
            state[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    return state


def made_bad(value: str):
    """Bad variants of a value the page drew: the same with a NUL, its dates moved to the
    ends of the calendar, its digits made huge or non-ASCII; or any of the NASTY values."""
    variants = [value + "\x00", *NASTY]
    if ISO_MOMENT.search(value):
        variants += [
            ISO_MOMENT.sub("9999-12-31T23:59:59-14:00", value),
            ISO_MOMENT.sub("0001-01-01T00:00:00+14:00", value),
        ]
    if re.search(r"\d", value):
        variants += [re.sub(r"\d+", "²", value), re.sub(r"\d+", "9" * 5000, value)]
    return st.sampled_from(variants)


class _FormReader(HTMLParser):
    """The fields of the page's POST forms, with the values the page put in them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "").lower() == "post":
                self.forms.append((attrs.get("action") or "", {}))
            return
        if not self.forms or not attrs.get("name"):
            if tag == "option" and self._select and self._select not in self.forms[-1][1]:
                self.forms[-1][1][self._select] = attrs.get("value") or ""
            return
        fields = self.forms[-1][1]
        name = attrs["name"]
        if tag == "select":
            self._select = name
        elif tag in ("input", "textarea", "button") and name not in fields:
            kind = (attrs.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind != "file":
                fields[name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_form(http, target: str) -> dict:
    """The form the page at `target` draws that posts back to it (or its first POST form)."""
    response = http.get(target)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    reader = _FormReader()
    reader.feed(response.content.decode())
    path = target.split("?")[0]
    for action, fields in reader.forms:
        if action.split("?")[0] in ("", path):
            return {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    return {}


# Pages whose form only appears with a query (the booking page after choosing a type).
PAGE_QUERY = {"portal:appointments-book": lambda world: f"?type={world['appointment_type'].pk}"}


FORM_ROUTES = sorted(
    r.view_name
    for r in walk()
    if bucket(r) in ("portal", "provider", "account", "public") and r.view_name != "accounts:logout"
)


@pytest.mark.parametrize("view_name", FORM_ROUTES)
def test_bad_queries_and_posts_never_break_anything(view_name, organization):
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
    target = url(route, world) + PAGE_QUERY.get(view_name, lambda w: "")(world)
    drawn = sweep(http, view_name, target)
    one_field_bad = (
        st.sampled_from(sorted(drawn)).flatmap(
            lambda name: made_bad(drawn[name]).map(lambda bad: {**drawn, name: bad})
        )
        if drawn
        else POSTS
    )
    queries = st.dictionaries(
        keys=st.sampled_from(QUERY_FIELDS),
        values=st.one_of(st.sampled_from(NASTY), VALUES),
        min_size=1,
        max_size=3,
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.one_of(one_field_bad, POSTS), query=queries)
    def post(data, query):
        response = http.get(target.split("?")[0], query)
        assert response.status_code < 500, (view_name, query, response.status_code)
        before = snapshot()
        response = http.post(target, data)
        assert response.status_code < 500, (view_name, data, response.status_code)
        if not 300 <= response.status_code < 400:
            assert snapshot() == before, (view_name, data, response.status_code)

    post()


def drawn_value_made_bad(value: str) -> list[str]:
    """The bad variants of a drawn value that keep the rest of it: the ones random choice
    would rarely pick, tried one by one below."""
    variants = [value + "\x00"]
    if ISO_MOMENT.search(value):
        variants += [
            ISO_MOMENT.sub("9999-12-31T23:59:59-14:00", value),
            ISO_MOMENT.sub("0001-01-01T00:00:00+14:00", value),
        ]
    if re.search(r"\d", value):
        variants += [re.sub(r"\d+", "²", value), re.sub(r"\d+", "9" * 5000, value)]
    return variants


def sweep(http, view_name: str, target: str) -> dict:
    """Every query parameter set to each bad kind of value, then every field of the form the
    page draws made bad in each way in turn (the rest left as the page filled it): the cases
    random choice would rarely pick. Never a 500. Returns the drawn form."""
    for bad in ("\x00", "²", "9" * 5000, "9999-12-31T23:59:59-14:00"):
        query = dict.fromkeys(QUERY_FIELDS, bad)
        response = http.get(target.split("?")[0], query)
        assert response.status_code < 500, (view_name, bad, response.status_code)
    drawn = page_form(http, target)
    for name, value in sorted(drawn.items()):
        for bad in drawn_value_made_bad(value):
            response = http.post(target, {**drawn, name: bad})
            assert response.status_code < 500, (view_name, name, bad, response.status_code)
    return drawn
