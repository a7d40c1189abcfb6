import pytest
from django.urls import reverse

from clients.services import client_archive, client_portal_login_set
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD, follow=False, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra}, follow=follow)


def test_sign_in_page_is_public(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_provider_lands_on_the_provider_app(client, provider):
    response = sign_in(client, provider.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clients:list")


def test_practice_admin_lands_on_the_provider_app(client, practice_admin):
    response = sign_in(client, practice_admin.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clients:list")


def test_client_lands_on_the_portal(client, client_record):
    response = sign_in(client, client_record.user.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.status_code == 200


def test_staff_without_a_practice_lands_in_the_admin(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = sign_in(client, staff.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")


def test_email_is_case_insensitive(client, provider):
    response = sign_in(client, provider.email.upper())
    assert response.status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, provider):
    response = sign_in(client, provider.email, "wrong-password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_client_with_portal_login_off_is_told_whom_to_contact(client, client_record, provider):
    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    response = sign_in(client, client_record.user.email)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your practice has paused your Client Portal access." in body
    assert client_record.organization.name in body
    assert "_auth_user_id" not in client.session


def test_archived_client_is_refused_and_told_whom_to_contact(client, client_record, provider):
    client_archive(actor=provider, client=client_record)
    body = sign_in(client, client_record.user.email).content.decode()
    assert "Your practice has archived your Client Portal account." in body
    assert client_record.organization.contact_email in body


def test_withdrawn_access_message_needs_the_right_password(client, client_record, provider):
    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    body = sign_in(client, client_record.user.email, "a-guess").content.decode()
    assert client_record.organization.name not in body
    assert "do not match an account" in body


def test_sign_out_needs_post_and_ends_the_session(client, provider):
    sign_in(client, provider.email)
    session_key = client.session.session_key
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("clients:list")).status_code == 302


def test_home_sends_anonymous_people_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == LOGIN


def test_next_parameter_is_honoured_for_own_pages(client, provider):
    response = sign_in(client, provider.email, next="/groups/")
    assert response.url == "/groups/"


def test_next_parameter_to_another_site_is_ignored(client, provider):
    response = sign_in(client, provider.email, next="https://evil.example/")
    assert "evil.example" not in response.url


def test_password_reset_sends_a_working_one_time_link(client, client_record, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": client_record.user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "N3w-secret-pass", "new_password2": "N3w-secret-pass"}
    )
    assert done.status_code == 302
    client_record.user.refresh_from_db()
    assert client_record.user.check_password("N3w-secret-pass")
    again = client.get(path, follow=True)
    assert not again.context["validlink"]


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_client_portal_login_off_client_cannot_start_a_reset(
    client, client_record, provider, mailoutbox
):
    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    client.post("/accounts/password-reset/", {"email": client_record.user.email})
    assert mailoutbox == []


def test_a_user_cannot_be_both_client_and_provider(db, organization):
    from django.core.exceptions import ValidationError

    from clients.models import Membership

    client_record = ClientFactory(organization=organization)
    with pytest.raises(ValidationError):
        Membership(user=client_record.user, organization=organization).full_clean()


def test_times_are_shown_in_the_practice_time_zone(provider, client_record, provider_http):
    import zoneinfo

    from audit.models import AuditEntry
    from clients.services import client_archive

    organization = client_record.organization
    organization.time_zone = "Asia/Tokyo"
    organization.save()
    client_archive(actor=provider, client=client_record)
    stored = AuditEntry.objects.get().created_at
    assert stored.utcoffset().total_seconds() == 0
    page = provider_http.get(
        reverse("portal_settings:client", args=[client_record.pk])
    ).content.decode()
    local = stored.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert local.strftime("%-I:%M") + (" AM" if local.hour < 12 else " PM") + " JST" in page
