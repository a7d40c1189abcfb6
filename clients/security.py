"""Refused requests are written down: the practice's security log (AccessRefusal).

Refusals reach here three ways: the portal's enforcement refuses a section (it calls
record_refusal), a view raises PermissionDenied for the wrong role, or a lookup finds that the
id asked for belongs to another practice or client (scoped_get_or_404 raises OutOfScope, a
404). The middleware records the last two with the request, then lets Django answer as usual.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    F,
    GenericIPAddressField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from clients.models import AccessRefusal

logger = logging.getLogger("clients.security")


class RecordNotFound(Http404):
    """No record with that id: a 404, and a line in the asker's practice's log."""

    reason = AccessRefusal.Reason.NOT_FOUND

    def __init__(self, model, pk, organization_id=None):
        super().__init__(f"No {model._meta.verbose_name} found.")
        self.model, self.pk, self.organization_id = model, pk, organization_id


class OutOfScope(RecordNotFound):
    """The record exists, but not for whoever asked: the same 404 to them, and a line in the
    log that their practice reads as RecordNotFound's (refusals_seen_by) and the record's
    practice as someone else's attempt."""

    reason = AccessRefusal.Reason.OTHER_PRACTICE


def scoped_get_or_404(queryset, **lookup):
    """get_object_or_404 whose lookup includes the asker's scope (practice or client).

    When nothing matches but a row with that primary key exists, someone asked for a record of
    another practice or client: OutOfScope, still a 404, so nothing is revealed. When no row
    has it, RecordNotFound: also logged, so that the asker's own log cannot tell the two apart.
    """
    try:
        return get_object_or_404(queryset, **lookup)
    except Http404:
        model = getattr(queryset, "model", queryset)
        pk = lookup.get("pk")
        if pk is None:
            raise
        fields = {f.name for f in model._meta.concrete_fields}
        columns = ["pk", "organization_id"] if "organization" in fields else ["pk"]
        row = model._default_manager.filter(pk=pk).values(*columns).first()
        if row is None:
            raise RecordNotFound(model, pk) from None
        raise OutOfScope(model, pk, row.get("organization_id")) from None


def _organization_of(request, user):
    client = getattr(request, "client", None)  # set on portal requests: no query
    if client is not None:
        return client.organization_id
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.organization_id
    client = getattr(user, "client", None)
    return client.organization_id if client is not None else None


def record_refusal(request, *, reason, detail="", target_organization_id=None) -> None:
    user = request.user if request.user.is_authenticated else None
    try:
        AccessRefusal.objects.create(
            user=user,
            user_label=(f"{user.get_full_name()} <{user.email}>" if user else "anonymous")[:300],
            organization_id=_organization_of(request, user) if user else None,
            target_organization_id=target_organization_id,
            method=request.method[:10],
            path=request.get_full_path()[:500],
            reason=reason,
            detail=detail[:300],
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
    except Exception:
        # The refusal stands even if it cannot be written down; say so where operators look.
        logger.exception("Could not record a refused request to %s", request.path)
    logger.warning(
        "Refused %s %s for %s: %s %s",
        request.method,
        request.path,
        user or "anonymous",
        reason,
        detail,
    )


class RefusalLogMiddleware:
    """Record refusals raised as exceptions (wrong role, another practice's record)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RecordNotFound):
            record_refusal(
                request,
                reason=exception.reason,
                detail=f"{exception.model._meta.verbose_name} {exception.pk}",
                target_organization_id=exception.organization_id,
            )
        elif isinstance(exception, PermissionDenied) and request.user.is_authenticated:
            record_refusal(request, reason=AccessRefusal.Reason.WRONG_ROLE, detail=str(exception))
        return None


SOMEONE_ELSE = "Someone from another practice"
SOMEONE_OUTSIDE = "Someone outside your practice"
REACHED_FROM_OUTSIDE = "reached_from_outside"
REASON_WORDS = {
    **dict(AccessRefusal.Reason.choices),
    REACHED_FROM_OUTSIDE: "Your practice's record, asked for from outside your practice",
}


def refusals_seen_by(organization) -> QuerySet:
    """The security log as a practice reads it (the app's page and the admin, for staff).

    Its rows are those of its people and those reaching for its records, annotated with what
    it is told: `shown_reason` (a key of REASON_WORDS), `shown_user`, `shown_ip`. Its person
    asking for another practice's record reads exactly as asking for an id that does not
    exist ("Record not found", no record's practice): both were the same 404, and the log must
    not tell which ids exist elsewhere. Someone outside the practice reaching for its record
    is "Someone from another practice", without name, email or address (another practice's
    people are not its to know); a superuser sees who it was.
    """
    asked_elsewhere = (
        Q(organization=organization)
        & Q(target_organization__isnull=False)
        & ~Q(target_organization=organization)
    )
    from_outside = Q(target_organization=organization) & ~Q(organization=organization)
    return AccessRefusal.objects.filter(
        Q(organization=organization) | Q(target_organization=organization)
    ).annotate(
        shown_reason=Case(
            When(asked_elsewhere, then=Value(AccessRefusal.Reason.NOT_FOUND.value)),
            When(from_outside, then=Value(REACHED_FROM_OUTSIDE)),
            default=F("reason"),
        ),
        shown_user=Case(
            When(from_outside & Q(organization__isnull=True), then=Value(SOMEONE_OUTSIDE)),
            When(from_outside, then=Value(SOMEONE_ELSE)),
            default=F("user_label"),
        ),
        shown_ip=Case(
            When(from_outside, then=Value(None)),
            default=F("ip_address"),
            output_field=GenericIPAddressField(),
        ),
        shown_target_organization=Case(
            When(asked_elsewhere, then=Value(None)),
            default=F("target_organization"),
            output_field=IntegerField(),
        ),
    )


def refusals_seen_by_superuser() -> QuerySet:
    """Every refusal, as it was written."""
    return AccessRefusal.objects.annotate(
        shown_reason=F("reason"),
        shown_user=F("user_label"),
        shown_ip=F("ip_address"),
        shown_target_organization=F("target_organization"),
    )


def axes_username(request, credentials) -> str:
    """The sign-in email as django-axes counts failures against it: one account, any case.

    authenticate()'s keyword is `username`; axes' own lock check passes it on as `email` (the
    user model's USERNAME_FIELD); the sign-in form posts `username`.
    """
    credentials = credentials or {}
    value = (
        credentials.get("username") or credentials.get("email") or request.POST.get("username", "")
    )
    return str(value).strip().lower()
