import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from clients.models import Client, Organization
from portal.storage import private_storage


def photo_path(instance, filename):
    return f"journal/{instance.organization_id}/{uuid.uuid4().hex}"


class JournalEntry(models.Model):
    class Category(models.TextChoices):
        FOOD = "food", "Food"
        MOOD = "mood", "Mood"
        ACTIVITY = "activity", "Activity"
        NOTE = "note", "Note"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="journal_entries")
    entry_date = models.DateField()
    category = models.CharField(max_length=16, choices=Category.choices)
    text = models.TextField(max_length=5000)
    photo = models.FileField(
        storage=private_storage, upload_to=photo_path, max_length=200, blank=True
    )
    photo_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who did it in the portal: the client, or a family member acting for them.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-entry_date", "-created_at", "-pk"]
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["client", "-entry_date", "-created_at"])]

    def __str__(self):
        return f"{self.get_category_display()} {self.entry_date}"

    def portal_photo_url(self):
        return reverse("portal:journal-photo", args=[self.pk])

    def provider_photo_url(self):
        return reverse("provider:journal-photo", args=[self.client_id, self.pk])
