"""Each person keeps their own page frame on shared pages (errors, password, section off)."""

from functools import partial

from clients.access import membership_of

PROVIDER = "provider_base.html"
PORTAL = "portal_base.html"
SIMPLE = "simple_base.html"


def chrome(request):
    """`{% extends chrome_base %}`: the provider's header, the client's portal, or the plain one.

    A callable, so that only the pages that extend it look the person up (no query elsewhere).
    """
    return {"chrome_base": partial(chrome_base, request)}


def chrome_base(request) -> str:
    if getattr(request, "membership", None) is not None:
        return PROVIDER
    if getattr(request, "client", None) is not None:
        return PORTAL
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return SIMPLE
    membership = membership_of(user)
    if membership is not None:
        # What provider_required sets; provider_base.html reads them.
        request.membership, request.organization = membership, membership.organization
        return PROVIDER
    client = getattr(user, "client", None)
    if client is not None and client.has_portal_access:
        # What the portal's middleware sets on portal URLs; portal_base.html reads it.
        request.client = client
        return PORTAL
    return SIMPLE
