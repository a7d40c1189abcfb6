from django import forms

from clients.forms import PlainLabels


class GoalForm(forms.Form):
    bound_field_class = PlainLabels

    title = forms.CharField(max_length=200, label="Goal")
    target_date = forms.DateField(
        required=False,
        label="Target date (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
