"""The current-password field of the password change forms is throttled like sign-in.

Someone holding a session (an unlocked computer) must not be able to guess the password
without limit through /accounts/password/ or the portal profile.
"""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NEW = "Blue-Heron-2026"


def change(http, url, old):
    return http.post(url, {"old_password": old, "new_password1": NEW, "new_password2": NEW})


@pytest.fixture(params=["provider page", "portal profile"])
def form(request, provider, client_record):
    """(signed-in browser, user, url) for each password change form."""
    if request.param == "provider page":
        return signed_in(provider), provider, reverse("accounts:password-change")
    return signed_in(client_record.user), client_record.user, reverse("portal:profile")


def test_five_wrong_current_passwords_pause_the_form(form):
    http, user, url = form
    for _ in range(4):
        response = change(http, url, "wrong")
        assert response.status_code == 200
        assert "Too many wrong current passwords" not in response.content.decode()
    paused = change(http, url, "wrong").content.decode()
    assert "Too many wrong current passwords" in paused
    assert "paused for 15 minutes" in paused
    # Even the right current password is refused now, and nothing changes.
    right = change(http, url, PASSWORD)
    assert right.status_code == 200
    assert "Too many wrong current passwords" in right.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_guesses_count_with_the_accounts_sign_in_failures(form):
    http, user, url = form
    for _ in range(5):
        change(http, url, "wrong")
    sign_in = HttpClient(REMOTE_ADDR="203.0.113.5").post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD}
    )
    assert sign_in.status_code == 429


def test_the_right_current_password_clears_the_count(form):
    http, user, url = form
    for _ in range(4):
        change(http, url, "wrong")
    assert change(http, url, PASSWORD).status_code == 302
    http.force_login(user)
    for _ in range(4):
        assert "Too many" not in change(http, url, "wrong").content.decode()
    assert change(http, url, NEW).status_code == 302


def test_the_admins_password_change_is_the_throttled_one(db):
    """The Django admin's own password page checked the current password with no limit."""
    from django.urls import reverse

    from tests.factories import UserFactory
    from tests.helpers import signed_in

    staff = UserFactory(is_staff=True)
    http = signed_in(staff)
    for method in (http.get, http.post):
        response = method("/admin/password_change/")
        assert response.status_code == 302
        assert response.url == reverse("accounts:password-change")
