from django import forms

from clients.forms import PlainLabels
from portal.money import MAX_AMOUNT
from portal.packages.models import Package
from portal.packages.services import PRICE_ERROR, PRICE_LIMIT_ERROR, SESSIONS_ERROR


class PackageForm(forms.ModelForm):
    """What the provider fills in; package_create / package_update apply the same rules."""

    bound_field_class = PlainLabels

    class Meta:
        model = Package
        fields = ["name", "description", "price", "sessions_included", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price <= 0:
            raise forms.ValidationError(PRICE_ERROR)
        if price > MAX_AMOUNT:
            raise forms.ValidationError(PRICE_LIMIT_ERROR)
        return price

    def clean_sessions_included(self):
        value = self.cleaned_data["sessions_included"]
        if value < 1:
            raise forms.ValidationError(SESSIONS_ERROR)
        return value
