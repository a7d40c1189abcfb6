from django import forms

from clients.forms import PlainLabels
from portal.programs.models import Program


class ProgramForm(forms.Form):
    bound_field_class = PlainLabels

    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ModuleForm(forms.Form):
    bound_field_class = PlainLabels

    title = forms.CharField(max_length=200, label="Module title")
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text; blank lines start new paragraphs.",
    )


class EnrollForm(forms.Form):
    bound_field_class = PlainLabels

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), empty_label="Choose a program"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(organization=organization)
