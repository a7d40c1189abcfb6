from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from portal.intake.models import FormAssignment, IntakeForm, Question


def intake_form_create(*, actor, organization, title: str, description: str = "") -> IntakeForm:
    return IntakeForm.objects.create(
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        created_by=actor,
    )


def _refuse_if_locked(form: IntakeForm) -> None:
    if form.is_locked:
        raise ValidationError(
            "This form has been assigned, so its questions are fixed and earlier answers keep "
            "their meaning. Duplicate it to make a changed version."
        )


@transaction.atomic
def question_add(
    *, form: IntakeForm, label: str, kind: str, required: bool, help_text: str = "", choices=()
) -> Question:
    form = IntakeForm.objects.select_for_update().get(pk=form.pk)
    _refuse_if_locked(form)
    choices = [c.strip() for c in choices if c.strip()]
    if kind in Question.CHOICE_KINDS:
        if len(choices) < 2:
            raise ValidationError({"choices": "Give at least two choices, one per line."})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": "Each choice must be different."})
    else:
        choices = []
    position = (form.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    return Question.objects.create(
        form=form,
        position=position,
        label=label.strip(),
        kind=kind,
        required=required,
        help_text=help_text.strip(),
        choices=choices,
    )


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    _refuse_if_locked(question.form)
    siblings = list(question.form.questions.select_for_update().order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


@transaction.atomic
def question_remove(*, question: Question) -> None:
    _refuse_if_locked(question.form)
    question.delete()


@transaction.atomic
def intake_form_duplicate(*, actor, form: IntakeForm) -> IntakeForm:
    copy = IntakeForm.objects.create(
        organization=form.organization,
        title=f"{form.title} (copy)",
        description=form.description,
        created_by=actor,
    )
    Question.objects.bulk_create(
        Question(
            form=copy,
            position=q.position,
            label=q.label,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            choices=q.choices,
        )
        for q in form.questions.all()
    )
    return copy


def form_assign(*, actor, form: IntakeForm, client) -> FormAssignment:
    if form.organization_id != client.organization_id:
        raise ValidationError("That form belongs to another practice.")
    if not form.questions.exists():
        raise ValidationError("Add at least one question before assigning this form.")
    try:
        with transaction.atomic():
            return FormAssignment.objects.create(
                organization_id=client.organization_id, form=form, client=client, assigned_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(f"“{form.title}” is already waiting for {client.name}.") from exc


@transaction.atomic
def assignment_save(
    *, assignment: FormAssignment, answers: dict, submit: bool, acted_by=None
) -> FormAssignment:
    """Keep a draft, or submit. Once submitted the answers are final."""
    assignment = FormAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.is_submitted:
        raise ValidationError("This form was already submitted; it can no longer be changed.")
    now = timezone.now()
    assignment.answers = answers
    assignment.acted_by = acted_by
    if submit:
        assignment.status = FormAssignment.Status.SUBMITTED
        assignment.submitted_at = now
    else:
        assignment.status = FormAssignment.Status.DRAFT
        assignment.draft_saved_at = now
    assignment.save(
        update_fields=["answers", "status", "submitted_at", "draft_saved_at", "acted_by"]
    )
    return assignment
