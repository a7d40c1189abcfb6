"""The portal's sections keep their models in their own packages; Django finds them here."""

from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.billing.models import Invoice, InvoiceLine, Payment
from portal.care_plans.models import CarePlan
from portal.documents.models import Document
from portal.goals.models import Goal
from portal.intake.models import FormAssignment, IntakeForm, Question
from portal.journal.models import JournalEntry
from portal.packages.models import Package, PackagePurchase
from portal.programs.models import Enrollment, ModuleCompletion, Program, ProgramModule

__all__ = [
    "Appointment",
    "AppointmentType",
    "Availability",
    "CarePlan",
    "Document",
    "Enrollment",
    "FormAssignment",
    "Goal",
    "IntakeForm",
    "Invoice",
    "InvoiceLine",
    "JournalEntry",
    "ModuleCompletion",
    "Package",
    "PackagePurchase",
    "Payment",
    "Program",
    "ProgramModule",
    "Question",
]
