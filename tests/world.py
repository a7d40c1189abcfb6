"""One of everything a practice has, to walk every URL that takes an id."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ClientFactory, ClientGroupFactory, MembershipFactory

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# Which object a route's leading `pk` means, by the route's first segment.
PK_BY_PREFIX = {
    "clients/": "client",
    "groups/": "group",
    "forms/": "intake_form",
    "programs/": "program",
}
# Every other id parameter a URL may take, and the object it names.
PARAMS = {
    "document_pk": "document",
    "question_pk": "question",
    "assignment_pk": "assignment",
    "plan_pk": "care_plan",
    "module_pk": "module",
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
    return world


def url_for(route, world) -> str:
    """The route with its ids filled from `world`; KeyError if the test does not know one."""

    def fill(match):
        name = match.group(1)
        if name == "pk":
            prefix = next(p for p in PK_BY_PREFIX if route.route.startswith(p))
            return str(world[PK_BY_PREFIX[prefix]].pk)
        return str(world[PARAMS[name]].pk)

    return "/" + PARAM.sub(fill, route.route)
