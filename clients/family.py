"""Family members in the portal: which client a signed-in family member is acting for.

The session keeps the id of the family link the person chose (`ACTING_LINK_SESSION_KEY`); it is
only a choice, never a grant: every portal request loads the link again, for this user, and
refuses it unless it is active, its client can sign in and both are of one practice
(portal_settings.enforcement). Nothing about access is kept between requests.
"""

from datetime import datetime

from django.db.models import QuerySet

from clients.models import FamilyLink

ACTING_LINK_SESSION_KEY = "portal_family_link"
# Told when the portal a family member acts for is no longer theirs to open and no change
# since they signed in says why (family_ended_notice).
FAMILY_ACCESS_GONE = (
    "Your family access to this Client Portal is not available now, so you were signed out. "
    "Sign in again to see the portals you can open."
)


def acting_links(user) -> QuerySet:
    """The links a family member may act through now, with their client: for the chooser."""
    return (
        FamilyLink.objects.active()
        .filter(user_id=user.pk)
        .select_related("client__user", "organization")
        .order_by("client__user__first_name", "client__user__last_name", "pk")
    )


def acting_link_queryset(user, link_id) -> QuerySet:
    """The link chosen in the session, of this user only, with everything the portal shows
    (the client, their practice, group and user). Callers check that it is in force."""
    return FamilyLink.objects.select_related(
        "client__organization", "client__group", "client__user", "organization"
    ).filter(pk=link_id, user_id=user.pk)


def link_in_force(link: FamilyLink | None) -> bool:
    """Active, the client able to sign in themself (not archived, login not off), the link and
    the client of one practice. (Archiving and login off suspend the links too: this holds
    whatever wrote the client's row.)"""
    return (
        link is not None
        and link.status == FamilyLink.Status.ACTIVE
        and link.client.has_portal_access
        and link.organization_id == link.client.organization_id
    )


def family_ended_notice(user_id, *, since: datetime | None = None) -> str | None:
    """What to tell a family member whose access ended, and whom to contact; else None.

    `since`: when the session being ended began. Only a pause, removal or suspension from then
    on is named: one from before it cannot be why it ended (the person signed in after it)."""
    links = FamilyLink.objects.filter(user_id=user_id).exclude(status=FamilyLink.Status.ACTIVE)
    if since is not None:
        links = links.filter(status_changed_at__gte=since)
    link = (
        links.select_related("client__user", "organization").order_by("-status_changed_at").first()
    )
    if link is None:
        return None
    words = {
        FamilyLink.Status.PAUSED: "paused",
        FamilyLink.Status.SUSPENDED: "suspended",
        FamilyLink.Status.REMOVED: "ended",
    }[link.status]
    return (
        f"{link.organization.name} has {words} your family access to {link.client.name}'s "
        f"Client Portal. You were signed out. To ask about it, contact "
        f"{link.organization.contact_label}."
    )
