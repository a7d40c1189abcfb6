from datetime import date

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import timezone

from clients.bulk import EXTRA_ACTIONS
from clients.family import family_ended_notice
from clients.models import ClientGroup, FamilyLink
from clients.selectors import AccessStatus
from clients.services import BulkAction
from clients.throttling import cool_off_in_words, sign_in_failures_clear
from clients.validators import validate_email_characters, validate_single_line

SEARCH_MAX_LENGTH = 100


class PlainLabels(forms.BoundField):
    """A field labelled without Django's trailing colon ("First name", not "First name:"), as
    the app's hand-written forms (the settings page, the roster, presets) are. Every form of
    the app sets it as its bound_field_class; the Django admin's forms keep their own look."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, "" if label_suffix is None else label_suffix, tag)


def apply_validation_error(form, error) -> None:
    """Show a service's ValidationError on the form: on its field if the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def paused_access_message(client) -> str:
    if client.is_archived:
        return "Your practice has archived your Client Portal account."
    return "Your practice has paused your Client Portal access."


class EmailAddressField(forms.EmailField):
    """Every form that takes a person's address: at most 254 characters, and refused if its
    mail would go to another address (an invisible character, a look-alike domain)."""

    default_validators = [*forms.EmailField.default_validators, validate_email_characters]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "error_messages", {"max_length": "An email address has at most 254 characters."}
        )
        super().__init__(**kwargs)


class SignInForm(AuthenticationForm):
    bound_field_class = PlainLabels

    username = EmailAddressField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an account. Check both and try again."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                self._refuse_withdrawn_access()
            raise

    def _refuse_withdrawn_access(self):
        """Say why a correct password is refused, naming the practice to contact.

        Only reached with the right password, so it tells nothing to someone guessing. The
        backend checked the password (clients.backends.EmailBackend): it is not hashed again,
        so this answer takes as long as any other.
        """
        user = getattr(self.request, "withdrawn_access_user", None)
        if user is None:
            return
        client = getattr(user, "client", None)
        if client is not None:
            organization = client.organization
            raise forms.ValidationError(
                f"{paused_access_message(client)} "
                f"To ask about it, contact {organization.contact_label}.",
                code="portal_access_off",
            )
        notice = family_ended_notice(user.pk)
        if notice is not None:
            raise forms.ValidationError(
                notice.replace(" You were signed out.", ""), code="portal_access_off"
            )
        raise forms.ValidationError(
            "This account is disabled. Please contact your practice admin.", code="inactive"
        )


class RosterSearchForm(forms.Form):
    """The roster's search box. Long input is cut rather than refused: it is only a search."""

    bound_field_class = PlainLabels

    q = forms.CharField(required=False)

    def clean_q(self):
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]


class UnlockForm(forms.Form):
    bound_field_class = PlainLabels

    email = forms.EmailField(max_length=254, validators=[validate_email_characters])


class ClientForm(forms.Form):
    bound_field_class = PlainLabels

    # Names go into email greetings and may go into subjects: one line only.
    first_name = forms.CharField(max_length=150, validators=[validate_single_line])
    last_name = forms.CharField(max_length=150, validators=[validate_single_line])
    email = EmailAddressField(
        help_text="The client signs in to the portal with this address.",
    )
    group = forms.ModelChoiceField(
        queryset=ClientGroup.objects.none(),
        required=False,
        empty_label="No group",
        help_text="A client is in at most one group; the group's portal settings apply to them.",
    )
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date of birth as YYYY-MM-DD."},
        help_text="Optional. Parents' and guardians' family access is handed over to the client "
        "when they reach your practice's age of adulthood.",
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if not str(self.data.get(self.add_prefix("date_of_birth"), "")).isascii():
            raise forms.ValidationError("Enter a date of birth as YYYY-MM-DD.")
        if born is not None and not (date(1900, 1, 1) <= born <= timezone.localdate()):
            raise forms.ValidationError("Enter a date of birth between 1900 and today.")
        return born

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this practice's groups are choices: another practice's group id is "not a choice".
        self.fields["group"].queryset = ClientGroup.objects.filter(organization=organization)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"


class GroupForm(forms.Form):
    bound_field_class = PlainLabels

    name = forms.CharField(max_length=100, validators=[validate_single_line])
    description = forms.CharField(max_length=300, required=False)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The password change form, whose current-password field is throttled like sign-in.

    The current password is checked through authenticate(), so django-axes counts a wrong one
    against the account with its sign-in failures (clients.throttling): 5 wrong in 15 minutes
    pause both. The right one clears the account's failures.
    """

    bound_field_class = PlainLabels

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.email, password=old_password)
        paused = getattr(self.request, "axes_locked_out", False)
        # This form says so itself, rather than axes swapping in the sign-in paused page.
        self.request.axes_locked_out = False
        if paused:
            raise forms.ValidationError(
                "Too many wrong current passwords. For your security, changing the password is "
                f"paused for {cool_off_in_words(self.request)}.",
                code="password_paused",
            )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        sign_in_failures_clear(username=self.user.email)
        return old_password


class RosterFilterForm(forms.Form):
    """The roster's filters, from GET. An unknown value (another practice's group, say) is
    refused with a message and that filter is not applied."""

    bound_field_class = PlainLabels

    NO_GROUP = "none"

    group = forms.ChoiceField(
        required=False,
        label="Group",
        error_messages={"invalid_choice": "Choose one of your practice's groups."},
    )
    access = forms.ChoiceField(
        required=False,
        label="Access",
        error_messages={"invalid_choice": "Choose an access status from the list."},
    )

    def __init__(self, data, *, groups, archived: bool):
        super().__init__(data)
        self.groups = {str(group.pk): group for group in groups}
        self.fields["group"].choices = [
            ("", "All groups"),
            *((pk, group.name) for pk, group in self.groups.items()),
            (self.NO_GROUP, "No group"),
        ]
        self.fields["access"].choices = [("", "Any access")] + [
            (status.value, status.label)
            for status in AccessStatus
            if status != AccessStatus.ARCHIVED
        ]
        if archived:  # every archived client has the same status
            del self.fields["access"]

    def filters(self) -> dict:
        """Keyword arguments for selectors.client_list, from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        chosen = data.get("group", "")
        return {
            "group": self.groups.get(chosen),
            "no_group": chosen == self.NO_GROUP,
            "access_status": data.get("access", ""),
        }

    def query_params(self) -> dict:
        """The valid filters as GET parameters, for the pager's links."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class BulkActionForm(forms.Form):
    """What to do with the clients selected on the roster (the selection is read separately:
    clients.views._bulk_selection)."""

    bound_field_class = PlainLabels

    NO_GROUP = "none"

    action = forms.ChoiceField(
        label="With the selected clients",
        error_messages={
            "required": "Choose what to do with the selected clients.",
            "invalid_choice": "Choose an action from the list.",
        },
    )
    to_group = forms.ChoiceField(
        label="Move them to",
        required=False,
        error_messages={"invalid_choice": "Choose one of your practice's groups."},
    )

    def __init__(self, data, *, groups):
        super().__init__(data)
        self.groups = {str(group.pk): group for group in groups}
        self.fields["action"].choices = [
            ("", "Choose an action"),
            *BulkAction.choices,
            *((extra.key, extra.label) for extra in EXTRA_ACTIONS.values()),
        ]
        self.fields["to_group"].choices = [
            ("", "Choose a group"),
            *((pk, group.name) for pk, group in self.groups.items()),
            (self.NO_GROUP, "No group"),
        ]

    def clean(self):
        data = super().clean()
        # An unknown group already says "Choose one of your practice's groups.": one message.
        if (
            data.get("action") == BulkAction.MOVE
            and not data.get("to_group")
            and "to_group" not in self.errors
        ):
            self.add_error("to_group", "Choose the group to move the clients to.")
        return data

    @property
    def group(self):
        """The group chosen for a move (None for "No group")."""
        return self.groups.get(self.cleaned_data.get("to_group", ""))


class FamilyMemberForm(forms.Form):
    """A provider adds a family member to a client: name, email and relationship."""

    bound_field_class = PlainLabels

    # Names go into email greetings: one line only.
    first_name = forms.CharField(max_length=150, validators=[validate_single_line])
    last_name = forms.CharField(max_length=150, validators=[validate_single_line])
    email = EmailAddressField(
        help_text="They sign in with this address. Someone already known to your practice "
        "(a parent of a sibling, or a client) keeps their one account.",
    )
    relationship = forms.ChoiceField(
        choices=FamilyLink.Relationship.choices,
        error_messages={"invalid_choice": "Choose parent, guardian, spouse/partner or other."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"


class PlainSetPasswordForm(SetPasswordForm):
    bound_field_class = PlainLabels


class ResetPasswordForm(PasswordResetForm):
    bound_field_class = PlainLabels

    email = EmailAddressField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
