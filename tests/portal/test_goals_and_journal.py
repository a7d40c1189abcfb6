import datetime as dt
import io

import pytest
from django.urls import reverse

from portal.goals.models import Goal
from portal.journal.models import JournalEntry
from portal.journal.services import journal_entry_create
from tests.factories import ClientFactory
from tests.helpers import practice_today, signed_in
from tests.world import PDF, PNG

pytestmark = pytest.mark.django_db


def test_client_creates_and_completes_a_goal_and_the_provider_sees_it(
    client_http, client_record, provider_http
):
    response = client_http.post(
        reverse("portal:goals"), {"title": "Walk 8,000 steps a day", "target_date": "2030-06-01"}
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.created_by, goal.target_date) == (client_record.user, dt.date(2030, 6, 1))
    client_http.post(reverse("portal:goals-complete", args=[goal.pk]), {"complete": "1"})
    goal.refresh_from_db()
    assert goal.completed_at is not None
    page = provider_http.get(
        reverse("provider:client-goals", args=[client_record.pk])
    ).content.decode()
    assert "Walk 8,000 steps a day" in page and "set by the client" in page
    client_http.post(reverse("portal:goals-complete", args=[goal.pk]), {"complete": "0"})
    goal.refresh_from_db()
    assert goal.completed_at is None


def test_provider_sets_a_goal_the_client_sees(provider_http, provider, client_record, client_http):
    provider_http.post(
        reverse("provider:client-goals", args=[client_record.pk]),
        {"title": "Drink water", "target_date": ""},
    )
    goal = Goal.objects.get()
    assert goal.created_by == provider
    page = client_http.get(reverse("portal:goals")).content.decode()
    assert "Drink water" in page and provider.get_full_name() in page


def test_a_goal_needs_a_title(client_http):
    assert client_http.post(reverse("portal:goals"), {"title": ""}).status_code == 400
    assert not Goal.objects.exists()


def test_another_client_cannot_complete_the_goal(client_http, organization):
    client_http.post(reverse("portal:goals"), {"title": "Mine"})
    goal = Goal.objects.get()
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert (
        intruder.post(
            reverse("portal:goals-complete", args=[goal.pk]), {"complete": "1"}
        ).status_code
        == 404
    )
    goal.refresh_from_db()
    assert goal.completed_at is None


def photo(name="walk.png", content=PNG):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_client_writes_entries_newest_first_with_a_photo_the_provider_reads(
    client_http, client_record, provider_http
):
    today = practice_today()
    client_http.post(
        reverse("portal:journal"),
        {
            "entry_date": (today - dt.timedelta(days=2)).isoformat(),
            "category": "food",
            "text": "Oats",
        },
    )
    response = client_http.post(
        reverse("portal:journal"),
        {
            "entry_date": today.isoformat(),
            "category": "activity",
            "text": "Walked",
            "photo": photo(),
        },
    )
    assert response.status_code == 302
    entries = list(JournalEntry.objects.all())
    assert [e.text for e in entries] == ["Walked", "Oats"]
    with_photo = entries[0]
    assert with_photo.photo_type == "image/png" and "walk" not in with_photo.photo.name
    page = client_http.get(reverse("portal:journal")).content.decode()
    assert page.index("Walked") < page.index("Oats")
    image = client_http.get(with_photo.portal_photo_url())
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    provider_page = provider_http.get(
        reverse("provider:client-journal", args=[client_record.pk])
    ).content.decode()
    assert "Walked" in provider_page and with_photo.provider_photo_url() in provider_page
    assert provider_http.get(with_photo.provider_photo_url()).status_code == 200


def test_journal_pages(client_http, client_record):
    today = practice_today()
    for n in range(13):
        journal_entry_create(
            client=client_record,
            entry_date=today - dt.timedelta(days=n),
            category="note",
            text=f"entry {n:02d}",
        )
    first = client_http.get(reverse("portal:journal")).content.decode()
    second = client_http.get(reverse("portal:journal"), {"page": 2}).content.decode()
    assert "entry 00" in first and "entry 09" in first and "entry 10" not in first
    assert "entry 10" in second and "entry 12" in second and "entry 00" not in second


@pytest.mark.parametrize(("name", "content"), [("doc.png", PDF), ("scan.pdf", PDF)])
def test_a_photo_that_is_not_an_image_is_refused(client_http, name, content):
    response = client_http.post(
        reverse("portal:journal"),
        {
            "entry_date": practice_today().isoformat(),
            "category": "note",
            "text": "x",
            "photo": photo(name, content),
        },
    )
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_a_future_date_is_refused(client_http):
    tomorrow = practice_today() + dt.timedelta(days=1)
    response = client_http.post(
        reverse("portal:journal"),
        {"entry_date": tomorrow.isoformat(), "category": "note", "text": "x"},
    )
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_photos_are_private(client_record, organization, other_provider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = journal_entry_create(
        client=client_record,
        entry_date=practice_today(),
        category="food",
        text="Lunch",
        photo=SimpleUploadedFile("l.png", PNG),
    )
    assert (
        signed_in(ClientFactory(organization=organization).user)
        .get(entry.portal_photo_url())
        .status_code
        == 404
    )
    assert signed_in(other_provider).get(entry.provider_photo_url()).status_code == 404
