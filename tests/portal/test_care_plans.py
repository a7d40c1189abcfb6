import pytest
from django.urls import reverse

from portal.care_plans.models import CarePlan
from tests.factories import ClientFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def create(http, client_record, title, recs="Walk daily\nSleep by 11"):
    return http.post(
        reverse("provider:care-plan-create", args=[client_record.pk]),
        {"title": title, "description": "For the spring", "recommendations": recs},
    )


def act(http, plan, action):
    return http.post(
        reverse("provider:care-plan-action", args=[plan.client_id, plan.pk]), {"action": action}
    )


def test_drafts_are_private_and_activation_shows_the_plan(
    provider_http, client_record, client_http
):
    create(provider_http, client_record, "Spring plan")
    plan = CarePlan.objects.get()
    assert plan.status == "draft" and plan.recommendations == ["Walk daily", "Sleep by 11"]
    assert "Spring plan" not in client_http.get(reverse("portal:care_plans")).content.decode()
    act(provider_http, plan, "activate")
    page = client_http.get(reverse("portal:care_plans")).content.decode()
    assert "Spring plan" in page and "Walk daily" in page and "Sleep by 11" in page


def test_activating_another_plan_retires_the_first(provider_http, client_record, client_http):
    create(provider_http, client_record, "First")
    create(provider_http, client_record, "Second")
    first, second = CarePlan.objects.get(title="First"), CarePlan.objects.get(title="Second")
    act(provider_http, first, "activate")
    act(provider_http, second, "activate")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("retired", "active")
    page = client_http.get(reverse("portal:care_plans")).content.decode()
    assert "Second" in page and "First" not in page


def test_active_plans_are_read_only_and_copy_makes_a_draft(provider_http, client_record):
    create(provider_http, client_record, "Plan")
    plan = CarePlan.objects.get()
    act(provider_http, plan, "activate")
    response = provider_http.post(
        reverse("provider:care-plan-edit", args=[client_record.pk, plan.pk]),
        {"title": "Changed", "recommendations": ""},
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.title == "Plan"
    act(provider_http, plan, "copy")
    assert CarePlan.objects.filter(status="draft", title="Plan").count() == 1


def test_retire_hides_the_plan(provider_http, client_record, client_http):
    create(provider_http, client_record, "Plan")
    plan = CarePlan.objects.get()
    act(provider_http, plan, "activate")
    act(provider_http, plan, "retire")
    assert "No care plan yet" in client_http.get(reverse("portal:care_plans")).content.decode()


def test_an_unknown_action_changes_nothing(provider_http, client_record):
    create(provider_http, client_record, "Plan")
    plan = CarePlan.objects.get()
    assert act(provider_http, plan, "delete").status_code == 400
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_the_client_sees_only_their_own_plan(provider_http, client_record, organization):
    create(provider_http, client_record, "Private plan")
    act(provider_http, CarePlan.objects.get(), "activate")
    other = signed_in(ClientFactory(organization=organization).user)
    assert "Private plan" not in other.get(reverse("portal:care_plans")).content.decode()


def test_the_database_allows_one_active_plan_per_client(client_record, provider):
    from django.db import IntegrityError, transaction

    CarePlan.objects.create(
        organization=client_record.organization,
        client=client_record,
        title="A",
        status="active",
        created_by=provider,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePlan.objects.create(
            organization=client_record.organization,
            client=client_record,
            title="B",
            status="active",
            created_by=provider,
        )
