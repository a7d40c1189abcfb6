from django.conf import settings
from django.db import models
from django.urls import reverse

from clients.models import Client, Organization


class Program(models.Model):
    """A course of modules a provider builds once and enrolls clients in."""

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
        return reverse("provider:program-detail", args=[self.pk])


class ProgramModule(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="modules")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="Plain text; blank lines start new paragraphs.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Enrollment(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "client"],
                name="one_enrollment_per_program_and_client",
                violation_error_message="This client is already enrolled in this program.",
            )
        ]

    def __str__(self):
        return f"{self.client} in {self.program}"


class ModuleCompletion(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="completions")
    module = models.ForeignKey(ProgramModule, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)
    # Who did it in the portal: the client, or a family member acting for them.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module"], name="one_completion_per_module"
            )
        ]

    def __str__(self):
        return f"{self.module} done"
