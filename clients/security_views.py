"""The practice admin's security pages: the log of refused requests, and sign-in lockouts."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from audit.services import audit_record
from clients.access import practice_admin_required
from clients.models import AccessRefusal, User


@practice_admin_required
@require_GET
def security_log(request):
    organization = request.organization
    refusals = AccessRefusal.objects.filter(
        Q(organization=organization) | Q(target_organization=organization)
    )
    page = Paginator(refusals, 50).get_page(request.GET.get("page"))
    return render(request, "clients/security_log.html", {"page": page})


def _practice_emails(organization):
    return User.objects.filter(
        Q(membership__organization=organization) | Q(client__organization=organization)
    ).values_list("email", flat=True)


@practice_admin_required
@require_GET
def lockouts(request):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        username__in=_practice_emails(request.organization), attempt_time__gte=since
    ).order_by("-attempt_time")
    context = {"attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "clients/lockouts.html", context)


@practice_admin_required
@require_POST
def unlock(request):
    email = User.objects.normalize_email(request.POST.get("email", ""))
    user = User.objects.filter(email=email).select_related("client").first()
    emails = set(_practice_emails(request.organization))
    if user is None or user.email not in emails:
        messages.error(request, "That account is not one of your practice's.")
        return redirect("clients:lockouts")
    count = reset(username=user.email)
    client = getattr(user, "client", None)
    audit_record(
        actor=request.user,
        organization=request.organization,
        action=AuditEntry.Action.SIGN_IN_UNLOCKED,
        client=client,
        new_value=user.email,
        note=f"{count} failed attempt record(s) cleared",
    )
    messages.success(request, f"{user.email} can sign in again.")
    return redirect("clients:lockouts")
