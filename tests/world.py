"""One of everything a practice has, to walk every URL that takes an id."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ClientFactory, ClientGroupFactory, MembershipFactory

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5b3b5e70000000049454e44ae426082"
)

# Which object a route's leading `pk` means, by the route's first segment.
PK_BY_PREFIX = {
    "clients/": "client",
    "groups/": "group",
    "forms/": "intake_form",
    "programs/": "program",
    # The portal's own ids, all the signed-in client's:
    "portal/documents/": "document",
    "portal/forms/": "assignment",
    "portal/programs/": "enrollment",
    "portal/billing/invoices/": "invoice",
    "portal/billing/receipts/": "payment",
    "portal/appointments/": "appointment",
    "portal/goals/": "goal",
    "portal/journal/": "journal_entry",
    "portal/packages/purchases/": "purchase",
    "portal/packages/": "package",
}
# Every other id parameter a URL may take, and the object it names.
PARAMS = {
    "document_pk": "document",
    "question_pk": "question",
    "assignment_pk": "assignment",
    "plan_pk": "care_plan",
    "module_pk": "module",
    "invoice_pk": "invoice",
    "block_pk": "availability",
    "type_pk": "appointment_type",
    "appointment_pk": "appointment",
    "package_pk": "package",
    "entry_pk": "journal_entry",
}


def make_world(organization) -> dict:
    from portal.care_plans.services import care_plan_create
    from portal.documents.services import document_share
    from portal.intake.services import form_assign, intake_form_create, question_add
    from portal.programs.services import enroll, module_add, program_create

    provider = MembershipFactory(organization=organization).user
    group = ClientGroupFactory(organization=organization)
    client = ClientFactory(organization=organization, group=group)
    intake_form = intake_form_create(actor=provider, organization=organization, title="History")
    question = question_add(form=intake_form, label="Allergies?", kind="short_text", required=True)
    program = program_create(actor=provider, organization=organization, title="Sleep")
    module = module_add(program=program, title="Week 1", content="Go to bed.")
    world = {
        "provider": provider,
        "group": group,
        "client": client,
        "intake_form": intake_form,
        "question": question,
        "assignment": form_assign(actor=provider, form=intake_form, client=client),
        "document": document_share(
            actor=provider, client=client, uploaded=SimpleUploadedFile("plan.pdf", PDF)
        ),
        "care_plan": care_plan_create(actor=provider, client=client, title="Plan"),
        "program": program,
        "module": module,
        "enrollment": enroll(actor=provider, program=program, client=client),
    }
    world.update(money_and_time(organization=organization, provider=provider, client=client))
    return world


def money_and_time(*, organization, provider, client) -> dict:
    """Billing, appointments, packages, goals and journal objects for the same client."""
    import datetime
    import uuid
    from decimal import Decimal

    from django.utils import timezone

    from portal.appointments.models import Appointment, AppointmentType, Availability
    from portal.billing.gateways import parse_card
    from portal.billing.services import Line, invoice_create, invoice_pay
    from portal.goals.services import goal_create
    from portal.journal.services import journal_entry_create
    from portal.packages.models import Package
    from portal.packages.services import package_purchase

    kind = AppointmentType.objects.create(
        organization=organization, name="Follow-up", duration_minutes=30
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    card = parse_card("4242424242424242", "12/40", "123")
    paid = invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Paid session", 1, Decimal("50.00"))],
        due_on=timezone.localdate(),
    )
    package = Package.objects.create(
        organization=organization,
        name="Three sessions",
        price=Decimal("240.00"),
        sessions_included=3,
    )
    return {
        "payment": invoice_pay(invoice=paid, card=card),
        "purchase": package_purchase(
            client=client, package=package, card=card, request_token=uuid.uuid4()
        ),
        "invoice": invoice_create(
            actor=provider,
            client=client,
            lines=[Line("Session", 1, Decimal("80.00"))],
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        ),
        "availability": Availability.objects.create(
            organization=organization,
            provider=provider,
            weekday=0,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        ),
        "appointment_type": kind,
        "appointment": Appointment.objects.create(
            organization=organization,
            client=client,
            provider=provider,
            appointment_type=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=30),
        ),
        "package": package,
        "goal": goal_create(actor=provider, client=client, title="Walk daily"),
        "journal_entry": journal_entry_create(
            client=client,
            entry_date=timezone.localdate(),
            category="mood",
            text="Good day",
            photo=SimpleUploadedFile("walk.png", PNG),
        ),
    }


def url_for(route, world) -> str:
    """The route with its ids filled from `world`; KeyError if the test does not know one."""

    def fill(match):
        name = match.group(1)
        if name == "pk":
            prefix = max((p for p in PK_BY_PREFIX if route.route.startswith(p)), key=len)
            return str(world[PK_BY_PREFIX[prefix]].pk)
        return str(world[PARAMS[name]].pk)

    return "/" + PARAM.sub(fill, route.route)
