from django import forms

from clients.forms import PlainLabels
from portal.intake.models import Question


class IntakeFormForm(forms.Form):
    bound_field_class = PlainLabels

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Shown to the client above the questions.",
    )


class QuestionForm(forms.Form):
    bound_field_class = PlainLabels

    label = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(choices=Question.Kind.choices, label="Answer type")
    required = forms.BooleanField(required=False, label="Required")
    help_text = forms.CharField(max_length=300, required=False, label="Hint (optional)")
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For single and multiple choice: one choice per line.",
    )

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class AssignForm(forms.Form):
    bound_field_class = PlainLabels

    form = forms.ModelChoiceField(queryset=None, label="Intake form", empty_label="Choose a form")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.intake.models import IntakeForm

        self.fields["form"].queryset = IntakeForm.objects.filter(organization=organization)
