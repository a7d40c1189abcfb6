from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from clients.forms import PlainLabels
from portal.documents.validation import ALLOWED_SUMMARY


class DocumentForm(forms.Form):
    bound_field_class = PlainLabels

    file = forms.FileField()
    description = forms.CharField(max_length=300, required=False, label="Description (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.DOCUMENT_MAX_BYTES)
        self.fields["file"].help_text = f"{ALLOWED_SUMMARY}; up to {limit}."
