"""Access withdrawn means sessions end: a session from before an archive or a login-off stays
ended after a restore or a login-on, even if it made no request in between (red-team finding)."""

import pytest
from django.urls import reverse

from clients import services
from tests.factories import PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("withdraw", ["archive", "login_off"])
def test_an_old_session_stays_ended_when_access_comes_back(
    withdraw, client_record, provider, client_http
):
    assert client_http.get(reverse("portal:home")).status_code == 200
    if withdraw == "archive":
        services.client_archive(actor=provider, client=client_record)
        services.client_restore(actor=provider, client=client_record)
    else:
        services.client_portal_login_set(actor=provider, client=client_record, allowed=False)
        services.client_portal_login_set(actor=provider, client=client_record, allowed=True)
    response = client_http.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    # and a new sign-in works as before
    client_record.user.refresh_from_db()
    assert signed_in(client_record.user).get(reverse("portal:home")).status_code == 200


def test_a_password_change_keeps_the_session_that_made_it(client_http):
    response = client_http.post(
        reverse("portal:profile"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-password-1",
            "new_password2": "a-new-long-password-1",
        },
    )
    assert response.status_code == 302
    assert client_http.get(reverse("portal:home")).status_code == 200
