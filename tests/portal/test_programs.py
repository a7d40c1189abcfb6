import pytest
from django.urls import reverse

from portal.programs.models import Enrollment, ModuleCompletion
from portal.programs.services import enroll, module_add, program_create
from tests.factories import ClientFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(provider, organization):
    program = program_create(actor=provider, organization=organization, title="Better sleep")
    modules = [
        module_add(program=program, title=f"Week {n}", content=f"Lesson {n}") for n in (1, 2, 3)
    ]
    return program, modules


def test_provider_builds_a_program_and_enrolls_a_client(provider_http, client_record):
    provider_http.post(
        reverse("provider:program-create"), {"title": "Calm", "description": "Breathing"}
    )
    from portal.programs.models import Program

    program = Program.objects.get(title="Calm")
    provider_http.post(
        program.get_absolute_url(), {"title": "Day 1", "content": "Breathe in.\n\nBreathe out."}
    )
    provider_http.post(program.get_absolute_url(), {"title": "Day 2", "content": "Again."})
    assert [m.title for m in program.modules.all()] == ["Day 1", "Day 2"]
    response = provider_http.post(
        reverse("provider:client-programs", args=[client_record.pk]), {"program": program.pk}
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(client=client_record, program=program).exists()
    again = provider_http.post(
        reverse("provider:client-programs", args=[client_record.pk]), {"program": program.pk}
    )
    assert again.status_code == 400 and "already enrolled" in again.content.decode()


def test_client_opens_modules_in_order_and_marks_them_complete(
    client_record, provider, provider_http, program
):
    program, modules = program
    enrollment = enroll(actor=provider, program=program, client=client_record)
    portal = signed_in(client_record.user)
    assert "0 of 3 modules complete" in portal.get(reverse("portal:programs")).content.decode()

    locked = portal.get(reverse("portal:programs-module", args=[enrollment.pk, modules[1].pk]))
    assert locked.status_code == 302
    refused = portal.post(reverse("portal:programs-module", args=[enrollment.pk, modules[1].pk]))
    assert refused.status_code == 302
    assert not ModuleCompletion.objects.exists()

    first = portal.get(reverse("portal:programs-module", args=[enrollment.pk, modules[0].pk]))
    assert "Lesson 1" in first.content.decode()
    response = portal.post(reverse("portal:programs-module", args=[enrollment.pk, modules[0].pk]))
    assert response.url == reverse("portal:programs-module", args=[enrollment.pk, modules[1].pk])
    portal.post(reverse("portal:programs-module", args=[enrollment.pk, modules[1].pk]))
    portal.post(reverse("portal:programs-module", args=[enrollment.pk, modules[2].pk]))
    assert ModuleCompletion.objects.filter(enrollment=enrollment).count() == 3
    assert (
        "3 of 3 modules complete"
        in portal.get(reverse("portal:programs-program", args=[enrollment.pk])).content.decode()
    )

    provider_page = provider_http.get(
        reverse("provider:client-programs", args=[client_record.pk])
    ).content.decode()
    assert "3 of 3 modules complete" in provider_page


def test_marking_twice_records_once(client_record, provider, program):
    program, modules = program
    enrollment = enroll(actor=provider, program=program, client=client_record)
    portal = signed_in(client_record.user)
    url = reverse("portal:programs-module", args=[enrollment.pk, modules[0].pk])
    portal.post(url)
    portal.post(url)
    assert ModuleCompletion.objects.count() == 1


def test_another_client_cannot_open_the_enrollment(client_record, provider, program, organization):
    program, modules = program
    enrollment = enroll(actor=provider, program=program, client=client_record)
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert intruder.get(reverse("portal:programs-program", args=[enrollment.pk])).status_code == 404
    assert (
        intruder.post(
            reverse("portal:programs-module", args=[enrollment.pk, modules[0].pk])
        ).status_code
        == 404
    )
    assert not ModuleCompletion.objects.exists()


def test_a_module_of_another_program_is_not_found(client_record, provider, program, organization):
    program, _ = program
    enrollment = enroll(actor=provider, program=program, client=client_record)
    other = program_create(actor=provider, organization=organization, title="Other")
    stray = module_add(program=other, title="Stray", content="x")
    portal = signed_in(client_record.user)
    assert (
        portal.get(reverse("portal:programs-module", args=[enrollment.pk, stray.pk])).status_code
        == 404
    )


def test_progress_query_count_does_not_grow_with_enrollments(
    client_record, provider, organization, django_assert_max_num_queries
):
    for n in range(6):
        program = program_create(actor=provider, organization=organization, title=f"P{n}")
        module_add(program=program, title="M", content="c")
        enroll(actor=provider, program=program, client=client_record)
    portal = signed_in(client_record.user)
    # session, user, client+settings, enrollments, modules, completions
    with django_assert_max_num_queries(6):
        assert portal.get(reverse("portal:programs")).status_code == 200
