"""The provider app: the client roster, client profiles and groups."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import selectors, services
from clients.access import practice_admin_required, provider_required
from clients.forms import (
    ClientForm,
    GroupForm,
    RosterFilterForm,
    RosterSearchForm,
    apply_validation_error,
)
from clients.models import FamilyLink

CLIENTS_PER_PAGE = 25


@provider_required
@require_GET
def client_list(request):
    archived = request.GET.get("status") == "archived"
    search = RosterSearchForm(request.GET)
    valid = search.is_valid()
    query = search.cleaned_data["q"] if valid else ""
    filters = RosterFilterForm(
        request.GET,
        groups=selectors.group_choices(organization=request.organization),
        archived=archived,
    )
    clients = selectors.client_list(
        organization=request.organization, archived=archived, query=query, **filters.filters()
    )
    if not valid:
        clients = clients.none()
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    pager_query = (
        urlencode(
            {**({"status": "archived"} if archived else {}), "q": query, **filters.query_params()}
        )
        + "&"
    )
    context = {
        "page": page,
        "archived": archived,
        "query": query,
        "filters": filters,
        "filtered": bool(filters.query_params()),
        "pager_query": pager_query,
        "search_error": " ".join(search.errors.get("q", [])),
    }
    template = "clients/client_list.html"
    if request.htmx and request.htmx.target == "client-results":
        template += "#results"
    return render(request, template, context, status=200 if valid else 400)


@provider_required
@require_http_methods(["GET", "POST"])
def client_create(request):
    form = ClientForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=request.user,
                organization=request.organization,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"{client.name} was added. An invitation to the Client Portal was sent to "
                f"{client.email}.",
            )
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@provider_required
@require_GET
def client_detail(request, pk):
    client = selectors.client_get(organization=request.organization, pk=pk)
    context = {
        "client": client,
        "active_tab": "overview",
        "invitation": client.invitations.own().first(),
        # Who has family access, and any handover at adulthood waiting for a decision.
        "family_links": list(
            client.family_links.exclude(status=FamilyLink.Status.REMOVED).select_related("user")
        ),
    }
    return render(request, "clients/client_detail.html", context)


@provider_required
@require_http_methods(["GET", "POST"])
def client_edit(request, pk):
    client = selectors.client_get(organization=request.organization, pk=pk)
    initial = {
        "first_name": client.user.first_name,
        "last_name": client.user.last_name,
        "email": client.user.email,
        "group": client.group,
        "date_of_birth": client.date_of_birth,
    }
    form = ClientForm(request.POST or None, initial=initial, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{client.name}'s details were saved.")
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@provider_required
@require_http_methods(["GET", "POST"])
def client_archive(request, pk):
    client = selectors.client_get(organization=request.organization, pk=pk)
    if request.method == "POST":
        services.client_archive(actor=request.user, client=client)
        messages.success(
            request,
            f"{client.name} was archived. Their portal access ended; their records are kept "
            "and you can restore them at any time.",
        )
        return redirect(client)
    return render(request, "clients/client_archive.html", {"client": client})


@provider_required
@require_POST
def client_restore(request, pk):
    client = selectors.client_get(organization=request.organization, pk=pk)
    services.client_restore(actor=request.user, client=client)
    messages.success(request, f"{client.name} was restored to your active clients.")
    return redirect(client)


@provider_required
@require_POST
def client_invite(request, pk):
    client = selectors.client_get(organization=request.organization, pk=pk)
    try:
        services.client_invite(
            actor=request.user, client=client, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new portal invitation was sent to {client.email}.")
    return redirect(client)


@provider_required
@require_GET
def group_list(request):
    groups = selectors.group_list(organization=request.organization)
    return render(request, "clients/group_list.html", {"groups": groups})


@practice_admin_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user, organization=request.organization, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"The group {group.name} was created.")
            return redirect(group)
    return render(request, "clients/group_form.html", {"form": form})


@provider_required
@require_GET
def group_detail(request, pk):
    group = selectors.group_get(organization=request.organization, pk=pk)
    members = selectors.client_list(organization=request.organization).filter(group=group)
    return render(request, "clients/group_detail.html", {"group": group, "members": members})


@provider_required
@require_http_methods(["GET", "POST"])
def client_portal_login(request, pk):
    """Turn the client's portal login on or off (GET shows what turning it off does)."""
    client = selectors.client_get(organization=request.organization, pk=pk)
    if request.method == "POST":
        allowed = request.POST.get("allowed")
        if allowed not in ("on", "off"):
            return render(
                request,
                "400.html",
                {"exception": "Choose on or off. Nothing was changed."},
                status=400,
            )
        services.client_portal_login_set(actor=request.user, client=client, allowed=allowed == "on")
        if allowed == "on":
            messages.success(request, f"{client.name} can sign in to the Client Portal again.")
        else:
            messages.success(
                request,
                f"{client.name}'s portal login is off. They were signed out and cannot sign in; "
                "their records are kept.",
            )
        return redirect(client)
    return render(request, "clients/client_portal_login.html", {"client": client})
