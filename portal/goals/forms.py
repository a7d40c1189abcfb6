from django import forms


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200, label="Goal")
    target_date = forms.DateField(
        required=False,
        label="Target date (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
