"""Demo content for the portal's sections, so `make run` shows a lived-in practice.

Called by `manage.py seed_demo`; every step checks before it creates, so it is idempotent.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import Client
from portal.care_plans.models import CarePlan
from portal.care_plans.services import care_plan_activate, care_plan_create
from portal.documents.models import Document
from portal.documents.services import document_share, document_upload
from portal.intake.models import FormAssignment, IntakeForm
from portal.intake.services import assignment_save, form_assign, intake_form_create, question_add
from portal.programs.models import Enrollment, ModuleCompletion, Program
from portal.programs.services import enroll, module_add, module_complete, program_create

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

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

SLEEP_MODULES = [
    (
        "Week 1: Your sleep diary",
        "Each morning, write down when you went to bed and woke up.\n\n"
        "Bring it to your next session.",
    ),
    (
        "Week 2: Wind-down routine",
        "Choose three calm things to do in the hour before bed, and do them in the same order.",
    ),
    (
        "Week 3: Light and caffeine",
        "Get daylight within an hour of waking. No caffeine after 2 pm.",
    ),
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


def _program(organization, provider):
    program = Program.objects.filter(organization=organization, title="Better sleep").first()
    if program is None:
        program = program_create(
            actor=provider,
            organization=organization,
            title="Better sleep",
            description="Three weeks of small changes for deeper, steadier sleep.",
        )
        for title, content in SLEEP_MODULES:
            module_add(program=program, title=title, content=content)
    return program


def _money_and_time(*, organization, provider, admin, casey, ana) -> None:
    import datetime as dt
    import uuid
    import zoneinfo
    from decimal import Decimal

    from django.utils import timezone

    from portal.appointments.models import Appointment, AppointmentType, Availability
    from portal.billing.gateways import parse_card
    from portal.billing.models import Invoice
    from portal.billing.services import Line, invoice_create, invoice_pay
    from portal.goals.models import Goal
    from portal.goals.services import goal_create, goal_set_complete
    from portal.journal.models import JournalEntry
    from portal.journal.services import journal_entry_create
    from portal.packages.models import Package, PackagePurchase
    from portal.packages.services import package_purchase

    today = timezone.localdate()
    card = parse_card("4242424242424242", "12/40", "123")
    if not Invoice.objects.filter(client=casey).exists():
        paid = invoice_create(
            actor=provider,
            client=casey,
            lines=[Line("Initial consultation", 1, Decimal("120.00"))],
            due_on=today,
            issued_on=today - dt.timedelta(days=20),
        )
        invoice_pay(invoice=paid, card=card)
        invoice_create(
            actor=provider,
            client=casey,
            lines=[
                Line("Follow-up session", 1, Decimal("80.00")),
                Line("Meal plan", 1, Decimal("15.50")),
            ],
            due_on=today + dt.timedelta(days=14),
        )
    if not Invoice.objects.filter(client=ana).exists():
        invoice_create(
            actor=provider,
            client=ana,
            lines=[Line("Follow-up session", 2, Decimal("80.00"))],
            due_on=today + dt.timedelta(days=7),
        )

    kinds = {}
    for name, minutes in (("Initial consultation", 60), ("Follow-up", 30)):
        kinds[name], _ = AppointmentType.objects.get_or_create(
            organization=organization, name=name, defaults={"duration_minutes": minutes}
        )
    if not Availability.objects.filter(organization=organization).exists():
        for weekday in range(5):
            Availability.objects.create(
                organization=organization,
                provider=provider,
                weekday=weekday,
                start_time=dt.time(9),
                end_time=dt.time(17),
            )
        for weekday in (1, 3):
            Availability.objects.create(
                organization=organization,
                provider=admin,
                weekday=weekday,
                start_time=dt.time(13),
                end_time=dt.time(18),
            )
    if not Appointment.objects.filter(client=casey).exists():
        zone = zoneinfo.ZoneInfo(organization.time_zone)
        day = today + dt.timedelta(days=2)
        while day.weekday() > 4:
            day += dt.timedelta(days=1)
        starts = dt.datetime.combine(day, dt.time(10), tzinfo=zone)
        Appointment.objects.create(
            organization=organization,
            client=casey,
            provider=provider,
            appointment_type=kinds["Follow-up"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=30),
        )
        past = dt.datetime.combine(today - dt.timedelta(days=12), dt.time(9), tzinfo=zone)
        Appointment.objects.create(
            organization=organization,
            client=casey,
            provider=provider,
            appointment_type=kinds["Initial consultation"],
            starts_at=past,
            ends_at=past + dt.timedelta(minutes=60),
        )

    for name, price, sessions, description in (
        (
            "Three-session pack",
            "240.00",
            3,
            "Three follow-up sessions, to use within three months.",
        ),
        ("Six-session pack", "450.00", 6, "Six follow-up sessions at a lower price per session."),
    ):
        Package.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={
                "price": Decimal(price),
                "sessions_included": sessions,
                "description": description,
            },
        )
    if not PackagePurchase.objects.filter(client=ana).exists():
        package_purchase(
            client=ana,
            package=Package.objects.get(organization=organization, name="Three-session pack"),
            card=card,
            request_token=uuid.uuid4(),
        )

    if not Goal.objects.filter(client=casey).exists():
        goal_create(
            actor=casey.user,
            client=casey,
            title="Eat breakfast before school",
            target_date=today + dt.timedelta(days=30),
        )
        done = goal_create(actor=provider, client=casey, title="Bed by 10:30 pm on school nights")
        goal_set_complete(goal=done, complete=True)
        goal_create(
            actor=provider,
            client=casey,
            title="Walk 20 minutes after school",
            target_date=today + dt.timedelta(days=60),
        )
    if not JournalEntry.objects.filter(client=casey).exists():
        for days_ago, category, text in (
            (3, "food", "Oats with berries, a sandwich and soup."),
            (2, "mood", "Tired in the morning, better after lunch."),
            (1, "activity", "Walked home from school: 25 minutes."),
            (0, "note", "Remember to ask about the sleep diary."),
        ):
            journal_entry_create(
                client=casey,
                entry_date=today - dt.timedelta(days=days_ago),
                category=category,
                text=text,
            )


def seed_sections(*, organization, provider, admin=None) -> None:
    casey = Client.objects.get(user__email="client@demo.test")
    ana = Client.objects.get(user__email="ana.lopez@demo.test")

    if not Document.objects.filter(client=casey).exists():
        document_share(
            actor=provider,
            client=casey,
            uploaded=SimpleUploadedFile("Welcome pack.pdf", PDF),
            description="What to expect from your first month",
        )
        document_upload(
            client=casey,
            uploaded=SimpleUploadedFile(
                "Food diary.txt", b"Mon: oats, salad, soup\nTue: eggs, rice, stew\n"
            ),
            description="Last week",
        )

    form = _intake_form(organization, provider)
    if not FormAssignment.objects.filter(form=form, client=casey).exists():
        form_assign(actor=provider, form=form, client=casey)
    if not FormAssignment.objects.filter(form=form, client=ana).exists():
        assignment = form_assign(actor=provider, form=form, client=ana)
        questions = list(form.questions.all())
        values = [
            "Ana",
            "Trouble sleeping since a new job.",
            "Sleep better",
            ["Mon", "Wed"],
            False,
            "1988-03-14",
        ]
        assignment_save(
            assignment=assignment,
            answers={str(q.pk): v for q, v in zip(questions, values, strict=True)},
            submit=True,
        )

    if not CarePlan.objects.filter(client=casey).exists():
        plan = care_plan_create(
            actor=provider,
            client=casey,
            title="Spring plan",
            description="Steadier energy through the school term.",
            recommendations=[
                "Breakfast with protein every day",
                "20 minutes outside after school",
                "Screens off at 9:30 pm",
            ],
        )
        care_plan_activate(plan=plan)

    program = _program(organization, provider)
    enrollment = Enrollment.objects.filter(program=program, client=casey).first()
    if enrollment is None:
        enrollment = enroll(actor=provider, program=program, client=casey)
    if not ModuleCompletion.objects.filter(enrollment=enrollment).exists():
        module_complete(enrollment=enrollment, module=program.modules.first())

    _money_and_time(
        organization=organization, provider=provider, admin=admin or provider, casey=casey, ana=ana
    )
