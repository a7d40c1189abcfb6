"""Demo intake form: a health history, assigned to Casey and submitted by Ana."""

from portal.intake.models import FormAssignment, IntakeForm
from portal.intake.services import assignment_save, form_assign, intake_form_create, question_add

HISTORY_QUESTIONS = [
    ("Preferred name", "short_text", True, []),
    ("What brings you to the practice?", "long_text", True, []),
    (
        "Main goal",
        "single_choice",
        True,
        ["Sleep better", "More energy", "Manage stress", "Eat well"],
    ),
    (
        "Which days suit you for sessions?",
        "multiple_choice",
        False,
        ["Mon", "Tue", "Wed", "Thu", "Fri"],
    ),
    ("Are you taking any medication?", "yes_no", True, []),
    ("Date of birth", "date", False, []),
]
ANA_ANSWERS = [
    "Ana",
    "Trouble sleeping since a new job.",
    "Sleep better",
    ["Mon", "Wed"],
    False,
    "1988-03-14",
]


def _intake_form(organization, provider):
    form = IntakeForm.objects.filter(organization=organization, title="Health history").first()
    if form is None:
        form = intake_form_create(
            actor=provider,
            organization=organization,
            title="Health history",
            description="Helps your provider prepare for your first session.",
        )
        for label, kind, required, choices in HISTORY_QUESTIONS:
            question_add(form=form, label=label, kind=kind, required=required, choices=choices)
    return form


def seed(*, organization, admin, provider, clients) -> None:
    casey, ana = clients["client@demo.test"], clients["ana.lopez@demo.test"]
    form = _intake_form(organization, provider)
    if not FormAssignment.objects.filter(form=form, client=casey).exists():
        form_assign(actor=provider, form=form, client=casey)
    if not FormAssignment.objects.filter(form=form, client=ana).exists():
        assignment = form_assign(actor=provider, form=form, client=ana)
        questions = list(form.questions.all())
        assignment_save(
            assignment=assignment,
            answers={str(q.pk): v for q, v in zip(questions, ANA_ANSWERS, strict=True)},
            submit=True,
        )
