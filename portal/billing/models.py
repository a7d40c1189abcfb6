from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clients.models import Client, Organization


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField(help_text="Numbered per practice: 1, 2, 3...")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    issued_on = models.DateField()
    due_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="invoice_number_per_practice"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"),
                name="paid_invoice_has_paid_at",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"Invoice #{self.number:05d}"

    def get_portal_url(self):
        return reverse("portal:billing-invoice", args=[self.pk])


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.description


class Payment(models.Model):
    """One attempt to pay an invoice. Declines are kept; at most one success per invoice."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Paid"
        DECLINED = "declined", "Declined"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices)
    gateway = models.CharField(max_length=32)
    gateway_reference = models.CharField(max_length=100, blank=True)
    card_last4 = models.CharField(max_length=4)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who did it in the portal: the client, or a family member acting for them.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="succeeded"),
                name="one_successful_payment_per_invoice",
            )
        ]

    def __str__(self):
        return f"{self.get_status_display()} {self.amount} {self.currency} for {self.invoice}"
