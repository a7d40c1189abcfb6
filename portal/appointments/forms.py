import zoneinfo

from django import forms

from clients.forms import PlainLabels
from clients.models import (
    ADULT_AGE,
    CURRENCIES,
    CUTOFF_HOURS,
    UPCOMING_BOOKINGS,
    WINDOW_DAYS,
    Organization,
)
from portal.appointments.models import AppointmentType, Availability
from portal.appointments.setup_services import BOOKING_WINDOW_ERROR, DURATION_ERROR, HOURS_ERROR


class AvailabilityForm(forms.ModelForm):
    bound_field_class = PlainLabels

    class Meta:
        model = Availability
        fields = ["weekday", "start_time", "end_time"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            raise forms.ValidationError(HOURS_ERROR)
        return data


class AppointmentTypeForm(forms.ModelForm):
    bound_field_class = PlainLabels

    class Meta:
        model = AppointmentType
        fields = ["name", "duration_minutes", "description"]
        labels = {"duration_minutes": "Length (minutes)"}

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if not 5 <= value <= 480:
            raise forms.ValidationError(DURATION_ERROR)
        return value


# The form's own bounds (a positive number) would speak first, in Django's words: each says
# the range the practice may choose from instead.
PRACTICE_RANGES = {
    "cancellation_cutoff_hours": (*CUTOFF_HOURS, "hours"),
    "booking_window_days": (*WINDOW_DAYS, "days"),
    "max_upcoming_bookings": (*UPCOMING_BOOKINGS, "appointments"),
    "adult_age": (*ADULT_AGE, "years"),
}


class PracticeForm(forms.ModelForm):
    bound_field_class = PlainLabels

    time_zone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())])
    currency = forms.ChoiceField(choices=[(c, c) for c in CURRENCIES])

    class Meta:
        model = Organization
        fields = [
            "name",
            "contact_email",
            "time_zone",
            "currency",
            "cancellation_cutoff_hours",
            "booking_window_days",
            "max_upcoming_bookings",
            "adult_age",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a post, it stays as it is (older forms and scripts post without it).
        self.fields["adult_age"].required = False
        for name, (low, high, unit) in PRACTICE_RANGES.items():
            words = f"Between {low} and {high} {unit}."
            self.fields[name].error_messages.update(min_value=words, max_value=words)

    def clean_adult_age(self):
        value = self.cleaned_data.get("adult_age")
        return self.instance.adult_age if value is None else value

    def clean_booking_window_days(self):
        value = self.cleaned_data["booking_window_days"]
        if not 1 <= value <= 365:
            raise forms.ValidationError(BOOKING_WINDOW_ERROR)
        return value
