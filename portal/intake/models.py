from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clients.models import Client, Organization


class IntakeForm(models.Model):
    """A form a provider builds once and assigns to clients."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("provider:form-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        """Questions are fixed once the form has been assigned, so answers keep their meaning."""
        return self.assignments.exists()


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        YES_NO = "yes_no", "Yes / no"
        DATE = "date", "Date"

    CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE}

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class FormAssignment(models.Model):
    """A form given to one client; answers are kept as a draft until submitted."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "To do"
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(IntakeForm, on_delete=models.PROTECT, related_name="assignments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="form_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    # question id (as text) -> answer: text, a choice, a list of choices, true/false or an ISO date
    answers = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who last saved or submitted it in the portal: the client, or a family member acting for them.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "client"],
                condition=~Q(status="submitted"),
                name="one_open_assignment_per_form_and_client",
                violation_error_message="This form is already waiting for this client.",
            )
        ]

    def __str__(self):
        return f"{self.form} for {self.client}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED
