import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from clients.models import Client, Organization
from portal.storage import private_storage


def document_path(instance, filename):
    # A random name: the original is kept in original_name, for display only.
    return f"documents/{instance.organization_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    class Source(models.TextChoices):
        PROVIDER = "provider", "Shared by the practice"
        CLIENT = "client", "Uploaded by the client"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="documents")
    source = models.CharField(max_length=16, choices=Source.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "source", "-created_at"])]

    def __str__(self):
        return self.original_name

    def portal_download_url(self):
        return reverse("portal:documents-download", args=[self.pk])

    def provider_download_url(self):
        return reverse("provider:document-download", args=[self.client_id, self.pk])
