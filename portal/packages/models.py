from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clients.models import Client, Organization
from portal.billing.models import Invoice


class Package(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    sessions_included = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True, help_text="Offered to clients in the portal.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="package_price_positive"),
            models.CheckConstraint(
                condition=Q(sessions_included__gte=1), name="package_has_sessions"
            ),
        ]

    def __str__(self):
        return self.name


class PackagePurchase(models.Model):
    """A package bought in the portal: its paid invoice and the sessions it credited."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="package_purchases")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="purchases")
    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="package_purchase"
    )
    sessions_credited = models.PositiveSmallIntegerField()
    # The purchase form's one-time token: a second press of "Buy" finds the first purchase.
    request_token = models.UUIDField(unique=True)
    purchased_at = models.DateTimeField(auto_now_add=True)
    # Who did it in the portal: the client, or a family member acting for them.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-purchased_at", "-pk"]

    def __str__(self):
        return f"{self.package} for {self.client}"

    def get_portal_url(self):
        return reverse("portal:packages-receipt", args=[self.pk])
