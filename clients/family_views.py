"""Family members: the provider's pages on a client's profile, and the family member's chooser
of whose portal to open."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients import selectors, services
from clients.access import home_url_for, provider_required
from clients.family import ACTING_LINK_SESSION_KEY, acting_links
from clients.forms import FamilyMemberForm, apply_validation_error
from clients.models import Client, FamilyLink
from clients.security import scoped_get_or_404
from clients.validators import parse_id

DONE = {
    "pause": "{name}'s family access is paused. They were signed out and cannot open "
    "{client}'s portal until you resume it.",
    "resume": "{name} can open {client}'s portal again.",
    "remove": "{name} no longer has family access to {client}'s portal. They were signed out.",
}


def _family_page(request, client, form, *, status=200):
    links = list(
        client.family_links.select_related("user", "client__user", "organization").exclude(
            status=FamilyLink.Status.REMOVED
        )
    )
    context = {
        "client": client,
        "active_tab": "family",
        "links": links,
        "form": form,
    }
    return render(request, "clients/family.html", context, status=status)


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def family(request, pk):
    """A client's family members, and adding one (Actions > Add family member)."""
    client = selectors.client_get(organization=request.organization, pk=pk)
    form = FamilyMemberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                link = services.family_member_add(
                    actor=request.user,
                    client=client,
                    base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    f"{link.name or link.user.email} has family access to {client.name}'s "
                    f"portal, as {link.relationship_label}. An email was sent to "
                    f"{link.user.email}.",
                )
                return redirect("clients:family", pk=client.pk)
        return _family_page(request, client, form, status=400)
    return _family_page(request, client, form)


@provider_required
@require_POST
def family_change(request, pk, link_pk):
    """Pause, resume, remove, resend the email, or keep suspended after review."""
    client = selectors.client_get(organization=request.organization, pk=pk)
    link = scoped_get_or_404(
        FamilyLink.objects.select_related("user", "client__user", "organization"),
        pk=link_pk,
        client=client,
        organization=request.organization,
    )
    action = request.POST.get("action")
    name = link.name or link.user.email
    try:
        if action == "review":
            services.family_link_review(actor=request.user, link=link)
            messages.success(request, f"{name}'s family access stays suspended.")
        elif action == "invite":
            services.family_member_invite(
                actor=request.user, link=link, base_url=request.build_absolute_uri("/")
            )
            messages.success(request, f"A new email was sent to {link.user.email}.")
        elif action in services.FAMILY_ACTIONS:
            services.family_link_change(actor=request.user, link=link, action=action)
            messages.success(request, DONE[action].format(name=name, client=client.name))
        else:
            return render(
                request,
                "400.html",
                {"exception": "Choose pause, resume or remove. Nothing was changed."},
                status=400,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("clients:family", pk=client.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def family_choose(request):
    """Whose portal a family member opens: straight in with one, a choice with several.

    The choice is kept in the session and checked again on every portal request.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    links = list(acting_links(user))
    own = Client.objects.filter(user=user).select_related("organization").first()
    own = own if own is not None and own.has_portal_access else None
    if request.method == "POST":
        choice = request.POST.get("open", "")
        if choice == "own" and own is not None:
            request.session.pop(ACTING_LINK_SESSION_KEY, None)
            return redirect("portal:home")
        chosen = parse_id(choice)
        link = next((link for link in links if link.pk == chosen), None)
        if link is None:
            messages.error(request, "Choose one of the portals listed.")
            return _chooser(request, links, own, status=400)
        request.session[ACTING_LINK_SESSION_KEY] = link.pk
        return redirect("portal:home")
    if len(links) == 1 and own is None:
        request.session[ACTING_LINK_SESSION_KEY] = links[0].pk
        return redirect("portal:home")
    if not links and own is not None:
        request.session.pop(ACTING_LINK_SESSION_KEY, None)
        return redirect("portal:home")
    if not links and not user.family_links.exists():
        # Providers and staff have their own app.
        return redirect(home_url_for(user))
    return _chooser(request, links, own)


def _chooser(request, links, own, *, status=200):
    current = request.session.get(ACTING_LINK_SESSION_KEY)
    context = {"links": links, "own": own, "current": current}
    return render(request, "accounts/family_choose.html", context, status=status)
