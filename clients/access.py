"""Who may reach the provider app. Deny by default: a view is for providers only if it says so."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from clients.middleware import activate_practice_timezone


def membership_of(user):
    """The user's provider membership, or None (clients, staff without a practice, anonymous)."""
    if not user.is_authenticated:
        return None
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "membership", None)


def provider_required(view):
    """Signed-in providers of a practice only; sets request.membership and request.organization."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_of(request.user)
        if membership is None:
            raise PermissionDenied("This page is for the practice's providers.")
        request.membership = membership
        request.organization = membership.organization
        activate_practice_timezone(membership.organization)
        return view(request, *args, **kwargs)

    return wrapper


def practice_admin_required(view):
    """Practice admins only (on top of provider_required)."""

    @wraps(view)
    def check_admin(request, *args, **kwargs):
        if not request.membership.is_practice_admin:
            raise PermissionDenied("Only a practice admin can do this.")
        return view(request, *args, **kwargs)

    return provider_required(check_admin)
