"""Who may reach the provider app. Deny by default: a view is for providers only if it says so."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clients.middleware import activate_practice_timezone
from clients.models import Membership


def membership_of(user):
    """The user's provider membership with its practice (one query), or None for clients,
    staff without a practice and anonymous users."""
    if not user.is_authenticated:
        return None
    # get() on the one-to-one's unique key: first() would sort by the model's ordering, which
    # joins the users table (about a third of this query's CPU, on every provider request).
    try:
        return Membership.objects.select_related("organization").get(user_id=user.pk)
    except Membership.DoesNotExist:
        return None


def home_url_for(user) -> str:
    """Where a signed-in person belongs: providers in the provider app, clients in the portal."""
    if membership_of(user) is not None:
        return reverse("clients:list")
    if hasattr(user, "client"):
        return reverse("portal:home")
    if user.family_links.exists():
        # The chooser opens the one client's portal straight away, or asks whose.
        return reverse("accounts:family")
    if user.is_staff:
        return reverse("admin:index")
    raise PermissionDenied("This account is not linked to a practice.")


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
