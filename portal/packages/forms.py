from django import forms

from portal.packages.models import Package


class PackageForm(forms.ModelForm):
    class Meta:
        model = Package
        fields = ["name", "description", "price", "sessions_included", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price <= 0:
            raise forms.ValidationError("The price must be more than zero.")
        return price

    def clean_sessions_included(self):
        value = self.cleaned_data["sessions_included"]
        if value < 1:
            raise forms.ValidationError("A package includes at least one session.")
        return value
