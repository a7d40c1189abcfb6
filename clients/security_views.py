"""The practice admin's security pages: the log of refused requests, and sign-in lockouts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from clients import selectors, services
from clients.access import practice_admin_required
from clients.forms import UnlockForm
from clients.models import User
from clients.security import REASON_WORDS, refusals_seen_by
from clients.throttling import cool_off_in_words


@practice_admin_required
@require_safe
def security_log(request):
    refusals = refusals_seen_by(request.organization)
    page = Paginator(refusals, 50).get_page(request.GET.get("page"))
    for refusal in page.object_list:
        refusal.shown_reason_words = REASON_WORDS.get(refusal.shown_reason, refusal.shown_reason)
    return render(request, "clients/security_log.html", {"page": page})


def _practice_emails(organization):
    return selectors.sign_in_emails(organization=organization)


@practice_admin_required
@require_safe
def lockouts(request):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    # One row per account: its failures from every address count towards its pause.
    accounts = (
        AccessAttempt.objects.filter(
            username__in=_practice_emails(request.organization), attempt_time__gte=since
        )
        .values("username")
        .annotate(
            failures=Sum("failures_since_start"),
            addresses=Count("ip_address", distinct=True),
            last_attempt=Max("attempt_time"),
        )
        .order_by("-last_attempt")
    )
    context = {
        "accounts": accounts,
        "limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": cool_off_in_words(request),
    }
    return render(request, "clients/lockouts.html", context)


@practice_admin_required
@require_POST
def unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{form.errors['email'][0]} Nothing was unlocked.")
        return redirect("clients:lockouts")
    email = User.objects.normalize_email(form.cleaned_data["email"])
    user = User.objects.filter(email=email).select_related("client").first()
    emails = set(_practice_emails(request.organization))
    if user is None or user.email not in emails:
        messages.error(request, "That account is not one of your practice's.")
        return redirect("clients:lockouts")
    services.sign_in_unlock(actor=request.user, user=user)
    messages.success(request, f"{user.email} can sign in again.")
    return redirect("clients:lockouts")
