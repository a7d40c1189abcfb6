from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from portal.programs.models import Enrollment, ModuleCompletion, Program, ProgramModule
from portal.programs.progress import progress_for


def program_create(*, actor, organization, title: str, description: str = "") -> Program:
    return Program.objects.create(
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        created_by=actor,
    )


@transaction.atomic
def module_add(*, program: Program, title: str, content: str) -> ProgramModule:
    program = Program.objects.select_for_update().get(pk=program.pk)
    position = (program.modules.aggregate(m=Max("position"))["m"] or 0) + 1
    return ProgramModule.objects.create(
        program=program, position=position, title=title.strip(), content=content.strip()
    )


def module_update(*, module: ProgramModule, title: str, content: str) -> ProgramModule:
    module.title, module.content = title.strip(), content.strip()
    module.save(update_fields=["title", "content"])
    return module


def enroll(*, actor, program: Program, client) -> Enrollment:
    if program.organization_id != client.organization_id:
        raise ValidationError("That program belongs to another practice.")
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                organization_id=client.organization_id,
                program=program,
                client=client,
                enrolled_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(f"{client.name} is already enrolled in “{program.title}”.") from exc


@transaction.atomic
def module_complete(
    *, enrollment: Enrollment, module: ProgramModule, acted_by=None
) -> ModuleCompletion:
    """Mark a module done, in order: the client may complete only a module they can open."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    state = progress_for([enrollment])[0].state_of(module.pk)
    if state is None:
        raise ValidationError("That module is not part of this program.")
    if not state.available:
        raise ValidationError("Complete the modules before this one first.")
    completion, _ = ModuleCompletion.objects.get_or_create(
        enrollment=enrollment, module=module, defaults={"acted_by": acted_by}
    )
    return completion
