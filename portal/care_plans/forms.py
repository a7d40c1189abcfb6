from django import forms

from clients.forms import PlainLabels


class CarePlanForm(forms.Form):
    bound_field_class = PlainLabels

    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    recommendations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="One recommendation per line.",
    )

    def clean_recommendations(self):
        return [
            line.strip()
            for line in self.cleaned_data["recommendations"].splitlines()
            if line.strip()
        ]
