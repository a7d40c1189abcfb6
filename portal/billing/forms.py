from datetime import timedelta

from django import forms
from django.utils import timezone

from clients.forms import PlainLabels
from portal.billing.gateways import CardError, parse_card
from portal.money import MAX_AMOUNT

AT_MOST = f"{MAX_AMOUNT:,.2f}"


# Posted card details: hidden from error reports (sensitive_post_parameters on the views).
CARD_FIELDS = ("number", "expiry", "cvc")


class NotRedisplayed(forms.TextInput):
    """A card field whose value never goes back into a page (after a decline, say)."""

    def format_value(self, value):
        return None


class PayForm(forms.Form):
    bound_field_class = PlainLabels

    number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=NotRedisplayed(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
    )
    expiry = forms.CharField(
        label="Expiry (MM/YY)",
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    cvc = forms.CharField(
        label="Security code",
        max_length=4,
        widget=NotRedisplayed(attrs={"inputmode": "numeric", "autocomplete": "cc-csc"}),
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["card"] = parse_card(
                    data["number"], data["expiry"], data["cvc"], today=timezone.localdate()
                )
            except CardError as error:
                raise forms.ValidationError(str(error)) from error
        return data


class InvoiceForm(forms.Form):
    bound_field_class = PlainLabels

    due_on = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=300, required=False, label="Note to the client (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + timedelta(days=14)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due_on


class LineForm(forms.Form):
    bound_field_class = PlainLabels

    description = forms.CharField(max_length=200)
    quantity = forms.IntegerField(min_value=1, max_value=1000, initial=1)
    unit_price = forms.DecimalField(
        label="Unit price",
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={"max_value": f"The unit price can be at most {AT_MOST}."},
    )

    def clean(self):
        data = super().clean()
        price, quantity = data.get("unit_price"), data.get("quantity")
        if price is not None and quantity is not None and price * quantity > MAX_AMOUNT:
            raise forms.ValidationError(f"A line can come to at most {AT_MOST}.")
        return data


class BaseLineFormSet(forms.BaseFormSet):
    # In the product's words, not the framework's ("Please submit at least 1 form.").
    default_error_messages = {
        "too_few_forms": "Add at least one line (a description and a price) to the invoice.",
        "too_many_forms": "An invoice can have at most %(num)d lines.",
        "missing_management_form": (
            "This invoice form was incomplete when it arrived. Reload the page and try again."
        ),
    }

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = sum(
            (f.cleaned_data["unit_price"] * f.cleaned_data["quantity"])
            for f in self.forms
            if f.cleaned_data
        )
        if total > MAX_AMOUNT:
            raise forms.ValidationError(f"An invoice can come to at most {AT_MOST}.")


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=3,
    min_num=1,
    validate_min=True,
    max_num=50,
    validate_max=True,
)
