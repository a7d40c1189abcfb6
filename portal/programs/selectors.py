"""Reads of programs shared outside their own pages."""

from functools import cache

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from portal.programs.models import Enrollment, ModuleCompletion, ProgramModule


def home_summary(client) -> Enrollment | None:
    """The client's current module: in their most recent enrollment that is not complete, the
    first module not done (modules open in order). One query; the enrollment carries
    `next_module_id` and `next_module_title`, or None when every program is complete.

    The query reads all of the client's enrollments (a handful), newest first, and the first
    with a module left is picked here: filtering on the annotation in SQL repeated its nested
    subqueries in the WHERE clause, a third of this card's CPU to compile (benchmarks/README.md).
    """
    for enrollment in _unfinished_enrollments().filter(client=client):
        if enrollment.next_module_id is not None:
            return enrollment
    return None


@cache
def _unfinished_enrollments() -> QuerySet:
    """Enrollments with their next module (None for a finished one: home_summary skips it),
    most recent first: a query definition built once per process and never evaluated
    (home_summary clones it), because building its nested subqueries cost more than running
    them (benchmarks/README.md)."""
    not_done = (
        ProgramModule.objects.filter(program=OuterRef("program"))
        .exclude(
            Exists(
                ModuleCompletion.objects.filter(
                    enrollment=OuterRef(OuterRef("pk")), module=OuterRef("pk")
                )
            )
        )
        .order_by("position", "pk")
    )
    return (
        Enrollment.objects.select_related("program")
        .only("pk", "enrolled_at", "program__title")
        .annotate(
            next_module_id=Subquery(not_done.values("pk")[:1]),
            next_module_title=Subquery(not_done.values("title")[:1]),
        )
        .order_by("-enrolled_at", "-pk")
    )
