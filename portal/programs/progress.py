"""Where a client stands in a program: which modules are done, which one is next."""

from dataclasses import dataclass

from portal.programs.models import Enrollment, ProgramModule


@dataclass(frozen=True)
class ModuleState:
    module: ProgramModule
    done: bool
    available: bool  # done, or the first one not done: modules are opened in order


@dataclass(frozen=True)
class Progress:
    enrollment: Enrollment
    modules: list[ModuleState]

    @property
    def done_count(self) -> int:
        return sum(state.done for state in self.modules)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def next_module(self):
        return next((s.module for s in self.modules if not s.done), None)

    def state_of(self, module_pk: int) -> ModuleState | None:
        return next((s for s in self.modules if s.module.pk == module_pk), None)


def progress_for(enrollments) -> list[Progress]:
    """Progress of each enrollment: two queries whatever their number (modules, completions)."""
    from portal.programs.models import ModuleCompletion

    enrollments = list(enrollments)
    program_ids = {e.program_id for e in enrollments}
    modules_by_program: dict[int, list[ProgramModule]] = {pid: [] for pid in program_ids}
    for module in ProgramModule.objects.filter(program_id__in=program_ids).order_by(
        "position", "pk"
    ):
        modules_by_program[module.program_id].append(module)
    done = set(
        ModuleCompletion.objects.filter(enrollment__in=enrollments).values_list(
            "enrollment_id", "module_id"
        )
    )
    result = []
    for enrollment in enrollments:
        states, reachable = [], True
        for module in modules_by_program[enrollment.program_id]:
            is_done = (enrollment.pk, module.pk) in done
            states.append(ModuleState(module, is_done, is_done or reachable))
            if not is_done:
                reachable = False
        result.append(Progress(enrollment, states))
    return result
