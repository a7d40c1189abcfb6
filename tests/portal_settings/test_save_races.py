"""Two SAVEs of one form version: exactly one is saved, at every level, even when they race;
and a form stays stale however far the row's version has moved since."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import ClientFactory, ClientGroupFactory, PracticeAdminFactory
from tests.helpers import signed_in
from tests.portal_settings.test_views import form_data


def level_path(level, organization):
    if level == "client":
        target = ClientFactory(organization=organization)
        return reverse("portal_settings:client", args=[target.pk]), {"client": target}
    if level == "group":
        target = ClientGroupFactory(organization=organization)
        return reverse("portal_settings:group", args=[target.pk]), {"group": target}
    return reverse("portal_settings:organization"), {"organization": organization}


LEVELS = ["client", "group", "organization"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("level", LEVELS)
def test_two_saves_of_one_version_racing_save_once(level, organization):
    path, row = level_path(level, organization)
    admins = [signed_in(PracticeAdminFactory(organization=organization).user) for _ in range(2)]
    pages = [http.get(path) for http in admins]
    assert pages[0].context["version"] == pages[1].context["version"]
    posts = [
        form_data(pages[0], billing="off"),  # one turns billing off
        form_data(pages[1], goals="off", reason="not_relevant"),  # the other turns goals off
    ]
    responses = run_concurrently(
        *(lambda h=h, d=d: h.post(path, d) for h, d in zip(admins, posts, strict=True))
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    values = PortalSettings.objects.get(**row).values
    assert values in ({"billing": "off"}, {"goals": "off"})
    assert AuditEntry.objects.filter(action="setting_changed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("level", LEVELS)
def test_a_form_is_stale_after_the_version_moved_twice(level, organization):
    path, row = level_path(level, organization)
    mine = signed_in(PracticeAdminFactory(organization=organization).user)
    theirs = signed_in(PracticeAdminFactory(organization=organization).user)
    old_page = mine.get(path)
    # Two saves by someone else: off, then on again, so the values are back where they were.
    assert (
        theirs.post(
            path, form_data(theirs.get(path), journal="off", reason="not_relevant")
        ).status_code
        == 302
    )
    assert theirs.post(path, form_data(theirs.get(path), journal="full")).status_code == 302
    response = mine.post(path, form_data(old_page, billing="off"))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert "billing" not in (PortalSettings.objects.get(**row).values or {})
