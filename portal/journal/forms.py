from django import forms
from django.utils import timezone

from clients.forms import PlainLabels
from portal.journal.models import JournalEntry


class JournalForm(forms.Form):
    bound_field_class = PlainLabels

    entry_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(choices=JournalEntry.Category.choices)
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), label="Entry")
    photo = forms.FileField(
        required=False, label="Photo (optional)", help_text="PNG, JPEG, GIF or WebP."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_date"].initial = timezone.localdate()

    def clean_entry_date(self):
        value = self.cleaned_data["entry_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value
