"""The portal's sections keep their models in their own packages; Django finds them here."""

from portal.care_plans.models import CarePlan
from portal.documents.models import Document
from portal.intake.models import FormAssignment, IntakeForm, Question
from portal.programs.models import Enrollment, ModuleCompletion, Program, ProgramModule

__all__ = [
    "CarePlan",
    "Document",
    "Enrollment",
    "FormAssignment",
    "IntakeForm",
    "ModuleCompletion",
    "Program",
    "ProgramModule",
    "Question",
]
