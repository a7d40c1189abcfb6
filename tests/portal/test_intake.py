import pytest
from django.urls import reverse

from portal.intake.models import FormAssignment, IntakeForm
from portal.intake.services import form_assign, intake_form_create, question_add
from tests.factories import ClientFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(provider, organization):
    form = intake_form_create(actor=provider, organization=organization, title="Health history")
    questions = {
        "name": question_add(form=form, label="Preferred name", kind="short_text", required=True),
        "history": question_add(
            form=form, label="Tell us about your health", kind="long_text", required=False
        ),
        "goal": question_add(
            form=form,
            label="Main goal",
            kind="single_choice",
            required=True,
            choices=["Sleep", "Energy", "Weight"],
        ),
        "days": question_add(
            form=form,
            label="Which days suit you?",
            kind="multiple_choice",
            required=False,
            choices=["Mon", "Wed", "Fri"],
        ),
        "meds": question_add(form=form, label="Taking medication?", kind="yes_no", required=True),
        "born": question_add(form=form, label="Date of birth", kind="date", required=False),
    }
    return form, questions


def answers(questions, **values):
    return {f"q{questions[key].pk}": value for key, value in values.items()}


FULL = {
    "name": "Sam",
    "history": "Fine",
    "goal": "Sleep",
    "days": ["Mon", "Fri"],
    "meds": "no",
    "born": "1990-04-02",
}


def test_provider_builds_a_form_with_every_question_kind(provider_http):
    response = provider_http.post(
        reverse("provider:form-create"), {"title": "Consent", "description": ""}
    )
    form = IntakeForm.objects.get(title="Consent")
    assert response.url == form.get_absolute_url()
    for kind, choices in [
        ("short_text", ""),
        ("long_text", ""),
        ("single_choice", "A\nB"),
        ("multiple_choice", "A\nB\nC"),
        ("yes_no", ""),
        ("date", ""),
    ]:
        response = provider_http.post(
            form.get_absolute_url(),
            {"label": f"Q {kind}", "kind": kind, "required": "on", "choices": choices},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert [q.kind for q in form.questions.all()] == [
        "short_text",
        "long_text",
        "single_choice",
        "multiple_choice",
        "yes_no",
        "date",
    ]
    assert form.questions.get(kind="multiple_choice").choices == ["A", "B", "C"]


def test_a_choice_question_needs_two_choices(provider_http, intake):
    form, _ = intake
    response = provider_http.post(
        form.get_absolute_url(), {"label": "Pick", "kind": "single_choice", "choices": "Only"}
    )
    assert response.status_code == 400
    assert "at least two choices" in response.content.decode()


def test_full_flow_assign_fill_submit_and_read(provider_http, client_record, intake):
    form, questions = intake
    response = provider_http.post(
        reverse("provider:client-forms", args=[client_record.pk]), {"form": form.pk}
    )
    assert response.status_code == 302
    assignment = FormAssignment.objects.get()
    portal = signed_in(client_record.user)
    assert "Health history" in portal.get(reverse("portal:forms")).content.decode()
    url = reverse("portal:forms-fill", args=[assignment.pk])

    missing = portal.post(url, {**answers(questions, history="Fine"), "action": "submit"})
    assert missing.status_code == 400
    assert "Please answer this question to submit the form." in missing.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "assigned"

    done = portal.post(url, {**answers(questions, **FULL), "action": "submit"})
    assert done.status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_submitted and assignment.submitted_at
    assert assignment.answers[str(questions["meds"].pk)] is False
    assert assignment.answers[str(questions["days"].pk)] == ["Mon", "Fri"]
    assert assignment.answers[str(questions["born"].pk)] == "1990-04-02"

    page = provider_http.get(
        reverse("provider:client-form-answers", args=[client_record.pk, assignment.pk])
    ).content.decode()
    for text in ("Sam", "Sleep", "Mon, Fri", "No", "Apr 2, 1990"):
        assert text in page


def test_a_draft_is_kept_and_required_answers_wait_until_submit(client_record, provider, intake):
    form, questions = intake
    assignment = form_assign(actor=provider, form=form, client=client_record)
    portal = signed_in(client_record.user)
    url = reverse("portal:forms-fill", args=[assignment.pk])
    response = portal.post(url, {**answers(questions, name="Sa"), "action": "draft"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "draft" and assignment.answers == {str(questions["name"].pk): "Sa"}
    assert 'value="Sa"' in portal.get(url).content.decode()


def test_autosave_through_htmx_keeps_a_draft(client_record, provider, intake):
    form, questions = intake
    assignment = form_assign(actor=provider, form=form, client=client_record)
    portal = signed_in(client_record.user)
    response = portal.post(
        reverse("portal:forms-fill", args=[assignment.pk]),
        {**answers(questions, history="Half written"), "action": "submit"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("Draft saved at")
    assignment.refresh_from_db()
    assert assignment.status == "draft"  # autosave never submits, whatever it is sent


def test_a_submitted_form_is_read_only(client_record, provider, intake):
    form, questions = intake
    assignment = form_assign(actor=provider, form=form, client=client_record)
    portal = signed_in(client_record.user)
    url = reverse("portal:forms-fill", args=[assignment.pk])
    portal.post(url, {**answers(questions, **FULL), "action": "submit"})
    again = portal.post(
        url, {**answers(questions, **{**FULL, "name": "Changed"}), "action": "submit"}
    )
    assert again.status_code == 200  # the read-only page, not a save
    assignment.refresh_from_db()
    assert assignment.answers[str(questions["name"].pk)] == "Sam"
    assert "can't be changed" in portal.get(url).content.decode()


def test_a_choice_that_was_not_offered_is_refused(client_record, provider, intake):
    form, questions = intake
    assignment = form_assign(actor=provider, form=form, client=client_record)
    response = signed_in(client_record.user).post(
        reverse("portal:forms-fill", args=[assignment.pk]),
        {**answers(questions, **{**FULL, "goal": "Fame"}), "action": "submit"},
    )
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert not assignment.is_submitted


def test_another_client_cannot_open_the_assignment(client_record, provider, intake, organization):
    form, _ = intake
    assignment = form_assign(actor=provider, form=form, client=client_record)
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert intruder.get(reverse("portal:forms-fill", args=[assignment.pk])).status_code == 404
    assert (
        intruder.post(
            reverse("portal:forms-fill", args=[assignment.pk]), {"action": "submit"}
        ).status_code
        == 404
    )


def test_questions_are_fixed_once_assigned_and_duplicate_allows_changes(
    provider_http, client_record, provider, intake
):
    form, _ = intake
    form_assign(actor=provider, form=form, client=client_record)
    response = provider_http.post(form.get_absolute_url(), {"label": "New?", "kind": "short_text"})
    assert response.status_code == 400
    assert form.questions.count() == 6
    copy_response = provider_http.post(reverse("provider:form-duplicate", args=[form.pk]))
    copy = IntakeForm.objects.exclude(pk=form.pk).get()
    assert copy_response.url == copy.get_absolute_url()
    assert copy.questions.count() == 6
    assert (
        provider_http.post(
            copy.get_absolute_url(), {"label": "New?", "kind": "short_text"}
        ).status_code
        == 302
    )


def test_the_same_form_cannot_wait_twice(provider_http, client_record, intake):
    form, _ = intake
    url = reverse("provider:client-forms", args=[client_record.pk])
    provider_http.post(url, {"form": form.pk})
    response = provider_http.post(url, {"form": form.pk})
    assert response.status_code == 400
    assert "already waiting" in response.content.decode()
    assert FormAssignment.objects.count() == 1


def test_another_practices_form_cannot_be_assigned(
    provider_http, client_record, other_provider, other_organization
):
    foreign = intake_form_create(
        actor=other_provider, organization=other_organization, title="Theirs"
    )
    question_add(form=foreign, label="Q", kind="short_text", required=False)
    response = provider_http.post(
        reverse("provider:client-forms", args=[client_record.pk]), {"form": foreign.pk}
    )
    assert response.status_code == 400
    assert not FormAssignment.objects.exists()


def test_reorder_questions(provider_http, intake):
    form, questions = intake
    provider_http.post(
        reverse("provider:form-question-move", args=[form.pk, questions["goal"].pk]),
        {"direction": "up"},
    )
    assert [q.label for q in form.questions.all()][:3] == [
        "Preferred name",
        "Main goal",
        "Tell us about your health",
    ]
