"""One of everything a practice has, to walk every URL that takes an id."""

import datetime
import re
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal_settings.models import Preset
from portal_settings.sections import BY_KEY, SECTIONS
from tests.factories import (
    ClientFactory,
    ClientGroupFactory,
    FamilyLinkFactory,
    MembershipFactory,
)

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
    "settings/presets/": "preset",
}
# The portal's own ids, all the signed-in client's, by section key and the path after its slug
# (the slug itself comes from the registry).
PORTAL_PK = {
    "billing": {"invoices/": "invoice", "receipts/": "payment"},
    "appointments": {"": "appointment"},
    "goals": {"": "goal"},
    "journal": {"": "journal_entry"},
    "documents": {"": "document"},
    "forms": {"": "assignment"},
    "care_plans": {},
    "programs": {"": "enrollment"},
    "packages": {"purchases/": "purchase", "": "package"},
}
PK_BY_PREFIX.update(
    {
        f"portal/{BY_KEY[key].slug}/{rest}": name
        for key, paths in PORTAL_PK.items()
        for rest, name in paths.items()
    }
)
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
    "link_pk": "family_link",
}
CARD = ("4242424242424242", "12/40", "123")


def make_world(organization) -> dict:
    """A provider, a group, a client in it, and one of everything of every section."""
    provider = MembershipFactory(organization=organization).user
    group = ClientGroupFactory(organization=organization)
    client = ClientFactory(organization=organization, group=group)
    world = {"provider": provider, "group": group, "client": client}
    world["preset"] = Preset.objects.get_or_create(
        organization=organization, name="World preset", defaults={"values": {"billing": "off"}}
    )[0]
    world["family_link"] = FamilyLinkFactory(client=client)
    for section in SECTIONS:
        world.update(SECTION_WORLDS[section.key](organization=organization, **world))
    return world


def _billing(*, organization, provider, client, **_):
    from portal.billing.gateways import parse_card
    from portal.billing.services import Line, invoice_create, invoice_pay

    paid = invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Paid session", 1, Decimal("50.00"))],
        due_on=timezone.localdate(),
    )
    return {
        "payment": invoice_pay(invoice=paid, card=parse_card(*CARD)),
        "invoice": invoice_create(
            actor=provider,
            client=client,
            lines=[Line("Session", 1, Decimal("80.00"))],
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        ),
    }


def _appointments(*, organization, provider, client, **_):
    from portal.appointments.models import Appointment
    from portal.appointments.setup_services import appointment_type_create, availability_add

    kind = appointment_type_create(organization=organization, name="Follow-up", duration_minutes=30)
    starts = timezone.now() + datetime.timedelta(days=3)
    return {
        "availability": availability_add(
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
    }


def _goals(*, provider, client, **_):
    from portal.goals.services import goal_create

    return {"goal": goal_create(actor=provider, client=client, title="Walk daily")}


def _journal(*, client, **_):
    from portal.journal.services import journal_entry_create

    entry = journal_entry_create(
        client=client,
        entry_date=timezone.localdate(),
        category="mood",
        text="Good day",
        photo=SimpleUploadedFile("walk.png", PNG),
    )
    return {"journal_entry": entry}


def _documents(*, provider, client, **_):
    from portal.documents.services import document_share

    uploaded = SimpleUploadedFile("plan.pdf", PDF)
    return {"document": document_share(actor=provider, client=client, uploaded=uploaded)}


def _forms(*, organization, provider, client, **_):
    from portal.intake.services import form_assign, intake_form_create, question_add

    form = intake_form_create(actor=provider, organization=organization, title="History")
    return {
        "intake_form": form,
        "question": question_add(form=form, label="Allergies?", kind="short_text", required=True),
        "assignment": form_assign(actor=provider, form=form, client=client),
    }


def _care_plans(*, provider, client, **_):
    from portal.care_plans.services import care_plan_create

    return {"care_plan": care_plan_create(actor=provider, client=client, title="Plan")}


def _programs(*, organization, provider, client, **_):
    from portal.programs.services import enroll, module_add, program_create

    program = program_create(actor=provider, organization=organization, title="Sleep")
    return {
        "program": program,
        "module": module_add(program=program, title="Week 1", content="Go to bed."),
        "enrollment": enroll(actor=provider, program=program, client=client),
    }


def _packages(*, organization, client, **_):
    from portal.billing.gateways import parse_card
    from portal.packages.services import package_create, package_purchase

    package = package_create(
        organization=organization,
        name="Three sessions",
        price=Decimal("240.00"),
        sessions_included=3,
    )
    purchase = package_purchase(
        client=client, package=package, card=parse_card(*CARD), request_token=uuid.uuid4()
    )
    return {"package": package, "purchase": purchase}


# One builder per registry entry: a new section adds its own (a test checks they match).
SECTION_WORLDS = {
    "billing": _billing,
    "appointments": _appointments,
    "goals": _goals,
    "journal": _journal,
    "documents": _documents,
    "forms": _forms,
    "care_plans": _care_plans,
    "programs": _programs,
    "packages": _packages,
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
