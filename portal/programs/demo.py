"""Demo program: three weeks of better sleep, Casey enrolled with the first module done."""

from portal.programs.models import Enrollment, ModuleCompletion, Program
from portal.programs.services import enroll, module_add, module_complete, program_create

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


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    program = _program(organization, provider)
    enrollment = Enrollment.objects.filter(program=program, client=casey).first()
    if enrollment is None:
        enrollment = enroll(actor=provider, program=program, client=casey)
    if not ModuleCompletion.objects.filter(enrollment=enrollment).exists():
        module_complete(enrollment=enrollment, module=program.modules.first())
