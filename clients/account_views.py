"""Signing in and out, password reset and invitations: one sign-in page for everyone."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clients import services
from clients.access import home_url_for
from clients.family import ACTING_LINK_SESSION_KEY
from clients.forms import (
    PlainSetPasswordForm,
    ResetPasswordForm,
    SignInForm,
    ThrottledPasswordChangeForm,
)
from clients.models import Invitation
from clients.session_timeout import PAUSED_NOTICE
from clients.tokens import reset_token_generator


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(home_url_for(request.user))


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Set when a paused client's session was ended (clients.session_timeout).
        paused = self.request.session.pop(PAUSED_NOTICE, None)
        return {**super().get_context_data(**kwargs), "paused": paused}


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def invitation_accept(request, token):
    invitation = Invitation.find_usable(token)
    if invitation is None or not invitation.is_for_access:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user = invitation.invitee
    form = PlainSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user, backend="clients.backends.EmailBackend")
        if invitation.family_link_id:
            # Straight into the portal of the client they were invited to.
            request.session[ACTING_LINK_SESSION_KEY] = invitation.family_link_id
            messages.success(
                request, f"Your password is set. Welcome to {invitation.client.name}'s portal."
            )
        else:
            messages.success(request, "Your password is set. Welcome to your Client Portal.")
        return redirect("portal:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "form": form,
            "client": invitation.client,
            "family_link": invitation.family_link,
            "person": user,
            "organization": invitation.client.organization,
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetPasswordForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")
    token_generator = reset_token_generator


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = PlainSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")
    token_generator = reset_token_generator


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any signed-in person's password; Django keeps this session and ends the others."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed. Other devices were signed out.")
        return response
