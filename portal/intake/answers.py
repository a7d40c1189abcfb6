"""The fill-in form a client sees for an intake form, built from its questions."""

import datetime

from django import forms
from django.utils.html import format_html

from clients.forms import PlainLabels
from portal.intake.models import Question

YES_NO = [("yes", "Yes"), ("no", "No")]


def field_name(question) -> str:
    return f"q{question.pk}"


def _label(question: Question):
    if not question.required:
        return question.label
    return format_html('{} <span class="required-marker">(required)</span>', question.label)


def _field(question: Question, *, required: bool) -> forms.Field:
    common = {
        "label": _label(question),
        "help_text": question.help_text,
        "required": required,
        "error_messages": {
            "required": "Please answer this question to submit the form.",
            "invalid_choice": "Choose one of the answers listed.",
            "invalid": "Enter a date, such as 3/14/1990.",
        },
    }
    kind = question.kind
    choices = [(choice, choice) for choice in question.choices]
    if kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(max_length=500, **common)
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(
            max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Question.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    raise ValueError(f"Unknown question kind {kind!r}")


def _initial(question: Question, value):
    if value is None:
        return None
    if question.kind == Question.Kind.YES_NO:
        return "yes" if value else "no"
    if question.kind == Question.Kind.DATE:
        return datetime.date.fromisoformat(value)
    return value


def answer_form(questions, *, data=None, answers=None, enforce_required=True) -> forms.Form:
    """A Django form with one field per question; required answers only enforced on submit."""
    questions = list(questions)
    fields = {field_name(q): _field(q, required=q.required and enforce_required) for q in questions}
    for question in questions:
        if question.required:
            # Marked in the page (and for assistive technology) even while a draft may leave
            # it empty: the form is `novalidate`, and the server enforces it on submit.
            fields[field_name(question)].widget.attrs["required"] = True
    form_class = type("AnswerForm", (forms.Form,), {**fields, "bound_field_class": PlainLabels})
    answers = answers or {}
    initial = {field_name(q): _initial(q, answers.get(str(q.pk))) for q in questions}
    return form_class(data=data, initial=initial)


def to_answers(questions, cleaned_data) -> dict:
    """Cleaned form data as stored answers, keyed by question id; empty answers are left out."""
    answers = {}
    for question in questions:
        value = cleaned_data.get(field_name(question))
        if value in (None, "", []):
            continue
        if question.kind == Question.Kind.YES_NO:
            value = value == "yes"
        elif question.kind == Question.Kind.DATE:
            value = value.isoformat()
        answers[str(question.pk)] = value
    return answers


def display(question: Question, value) -> str:
    """An answer as the provider reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if question.kind == Question.Kind.YES_NO:
        return "Yes" if value else "No"
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        return ", ".join(value)
    if question.kind == Question.Kind.DATE:
        return datetime.date.fromisoformat(value).strftime("%b %-d, %Y")
    return str(value)
