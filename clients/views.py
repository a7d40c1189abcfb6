"""The provider app: the client roster, client profiles and groups."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients import selectors, services
from clients.access import practice_admin_required, provider_required
from clients.bulk import EXTRA_ACTIONS, MOVE_CHECKS
from clients.forms import (
    BulkActionForm,
    ClientForm,
    GroupForm,
    RosterFilterForm,
    RosterSearchForm,
    apply_validation_error,
)
from clients.models import AccessRefusal, FamilyLink
from clients.security import record_refusal
from clients.services import BulkAction
from clients.validators import parse_id

CLIENTS_PER_PAGE = 25


@provider_required
@require_safe
def client_list(request):
    archived = request.GET.get("status") == "archived"
    search = RosterSearchForm(request.GET)
    valid = search.is_valid()
    query = search.cleaned_data["q"] if valid else ""
    groups = selectors.group_choices(organization=request.organization)
    filters = RosterFilterForm(request.GET, groups=groups, archived=archived)
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
        # The bulk form repeats the search, so "select all matching" means this search.
        "bulk_search": {"q": query, **filters.query_params()},
        "bulk_actions": [
            *BulkAction.choices,
            *((extra.key, extra.label) for extra in EXTRA_ACTIONS.values()),
        ],
        "bulk_groups": groups,
        "bulk_extra_fields": [
            (extra.fields_template, extra.fields_context(request.organization))
            for extra in EXTRA_ACTIONS.values()
        ]
        if not archived
        else [],
    }
    template = "clients/client_list.html"
    if request.htmx and request.htmx.target == "client-results":
        template += "#results"
    return render(request, template, context, status=200 if valid else 400)


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
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
@require_http_methods(["GET", "HEAD", "POST"])
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
    reason = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                actor=request.user,
                client=client,
                **form.cleaned_data,
                reason=request.POST.get("reason", ""),
                reason_other=request.POST.get("reason_other", ""),
            )
        except services.MoveReasonRequired as missing:
            group = form.cleaned_data["group"]
            hidden = services.move_hidden(
                organization=request.organization,
                old_group_ids={client.pk: client.group_id},
                group=group,
            )
            reason = {**_reason_fields(request, hidden), "reason_error": " ".join(missing.messages)}
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{client.name}'s details were saved.")
            return redirect(client)
    status = 400 if reason else 200
    if not reason:
        # Asked up front: which groups' moves would hide this client's records, and the reason
        # fields, so the first Save of such a move carries its reason (no JavaScript needed).
        reason = _move_hints_context(request, client=client, groups=form.fields["group"].queryset)
    context = {"form": form, "client": client, **reason}
    return render(request, "clients/client_form.html", context, status=status)


def _move_hints_context(request, *, client, groups) -> dict:
    """The reason fields of the Edit page before any refusal, with one hint per group (or No
    group) whose move would hide some of the client's own records; {} when none would."""
    names = {group.pk: group.name for group in groups}
    targets = [pk for pk in names if pk != client.group_id]
    if client.group_id is not None:
        targets.append(None)
    hidden = services.move_hidden_by_group(
        organization=request.organization, client=client, group_ids=targets
    )
    if not hidden:
        return {}
    context = {
        "reason_templates": [check.fields_template for check in MOVE_CHECKS.values()],
        "move_hints": [
            ("No group" if pk is None else names[pk], ", ".join(dict.fromkeys(hidden[pk])))
            for pk in targets
            if pk in hidden
        ],
        "chosen_reason": request.POST.get("reason", ""),
        "chosen_other": request.POST.get("reason_other", ""),
    }
    for check in MOVE_CHECKS.values():
        context.update(check.fields_context())
    return context


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def group_list(request):
    groups = selectors.group_list(organization=request.organization)
    return render(request, "clients/group_list.html", {"groups": groups})


@practice_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def group_detail(request, pk):
    group = selectors.group_get(organization=request.organization, pk=pk)
    members = selectors.client_list(organization=request.organization).filter(group=group)
    return render(request, "clients/group_detail.html", {"group": group, "members": members})


LOGIN_DONE = {
    "on": "{name} can sign in to the Client Portal again.",
    "off": "{name}'s portal login is off. They and their family members were signed out and "
    "cannot open their portal; their records are kept.",
}


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
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
        try:
            services.client_portal_login_set(
                actor=request.user, client=client, allowed=allowed == "on"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, LOGIN_DONE[allowed].format(name=client.name))
        return redirect(client)
    return render(request, "clients/client_portal_login.html", {"client": client})


# How many names the bulk confirmation lists before "and N more".
BULK_NAMES_SHOWN = 10


class BulkRefused(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _bulk_search(data, organization, groups):
    """The roster search a "select all matching" selection was made from, repeated exactly:
    a filter that no longer applies is refused, never dropped (that would widen the
    selection). Returns (clients queryset, the search's parameters)."""
    search = RosterSearchForm(data)
    filters = RosterFilterForm(data, groups=groups, archived=False)
    if not search.is_valid() or not filters.is_valid():
        raise BulkRefused(
            "The search these clients were selected from is no longer valid. Search again "
            "and select the clients. Nothing was changed."
        )
    query = search.cleaned_data["q"]
    clients = selectors.client_list(organization=organization, query=query, **filters.filters())
    return clients, {"q": query, **filters.query_params()}


def _bulk_selection(request, groups):
    """The ids of the selected clients: every client matching the roster's search ("select
    all matching"), or the ticked checkboxes. Returns (ids, search parameters or None)."""
    if request.POST.get("scope") == "all":
        clients, search = _bulk_search(request.POST, request.organization, groups)
        return list(clients.values_list("pk", flat=True)), search
    ids = [parse_id(value) for value in request.POST.getlist("client")]
    if None in ids:
        raise BulkRefused(
            "The selection holds something that is not a client. Nothing was changed."
        )
    if not ids:
        raise BulkRefused("Select at least one client, or all clients matching the search.")
    return ids, None


def _bulk_done_message(result, group) -> str:
    n = result.changed
    clients = f"{n} client{'s' if n != 1 else ''}"
    if result.action == BulkAction.MOVE:
        where = group.name if group else "no group"
        done = f"{clients} moved to {where}."
        rest = "were already in that group" if group else "were already in no group"
    elif result.action == BulkAction.LOGIN_OFF:
        done = f"Portal login turned off for {clients}; they were signed out and cannot sign in."
        rest = "already had their portal login off"
    elif result.action == BulkAction.LOGIN_ON:
        done = f"Portal login turned on for {clients}."
        rest = "already had their portal login on"
    else:
        done = f"{clients} archived. Their portal access ended; their records are kept."
        rest = "were already archived"
    if result.unchanged:
        done += f" {result.unchanged} of the selected {rest}, so were left as they were."
    return done


@provider_required
@require_POST
def client_bulk(request):
    """A roster bulk action: the first POST shows exactly what would change and asks to
    confirm; the confirming POST makes the change (clients.services.clients_bulk_update)."""
    groups = selectors.group_choices(organization=request.organization)
    form = BulkActionForm(request.POST, groups=groups)
    try:
        ids, search = _bulk_selection(request, groups)
        if not form.is_valid():
            raise BulkRefused(
                " ".join(m for messages_ in form.errors.values() for m in messages_)
                + " Nothing was changed."
            )
        action, group = form.cleaned_data["action"], form.group
        if action in EXTRA_ACTIONS:
            return EXTRA_ACTIONS[action].view(request, client_ids=ids, search=search)
        confirmed = request.POST.get("confirm") == "1"
        stale, reason_error = False, ""
        if confirmed:
            # The service compares the fingerprint with the clients under its lock.
            try:
                result = services.clients_bulk_update(
                    actor=request.user,
                    organization=request.organization,
                    client_ids=ids,
                    action=action,
                    group=group,
                    shown_fingerprint=request.POST.get("fingerprint", ""),
                    reason=request.POST.get("reason", ""),
                    reason_other=request.POST.get("reason_other", ""),
                )
            except services.BulkStale:
                stale = True
            except services.MoveReasonRequired as missing:
                reason_error = " ".join(missing.messages)
            else:
                messages.success(request, _bulk_done_message(result, group))
                back = "?" + urlencode(search) if search else ""
                return redirect(reverse("clients:list") + back)
        clients = list(selectors.bulk_clients(organization=request.organization, client_ids=ids))
        if len(clients) != len(set(ids)):
            raise services.BulkOutOfScope("Some of the selected clients are not yours.")
        if action != BulkAction.ARCHIVE:
            services.bulk_refuse_archived(archived=sum(c.archived_at is not None for c in clients))
        fingerprint = selectors.selection_fingerprint(clients)
    except services.BulkOutOfScope:
        record_refusal(
            request,
            reason=AccessRefusal.Reason.OTHER_PRACTICE,
            detail="bulk selection with another practice's client",
        )
        context = {
            "error": "Some of the selected clients are not among your practice's clients, so "
            "nothing was changed."
        }
        return render(request, "clients/client_bulk.html", context, status=404)
    except BulkRefused as refusal:
        context = {"error": refusal.message}
        return render(request, "clients/client_bulk.html", context, status=refusal.status)
    except ValidationError as error:
        context = {"error": " ".join(error.messages)}
        return render(request, "clients/client_bulk.html", context, status=400)

    changing = services.bulk_changing(clients=clients, action=action, group=group)
    names = selectors.client_names(
        organization=request.organization,
        client_ids=[c.pk for c in changing],
        limit=BULK_NAMES_SHOWN,
    )
    context = {
        "action": action,
        "action_label": BulkAction(action).label,
        "group": group,
        "to_group": form.cleaned_data.get("to_group", ""),
        "selected": len(clients),
        "changing": len(changing),
        "unchanged": len(clients) - len(changing),
        "names": names,
        "more": len(changing) - len(names),
        "ids": ids if search is None else [],
        "search": search,
        "fingerprint": fingerprint,
        "stale": stale,
        "BulkAction": BulkAction,
        **_move_reason_context(request, changing=changing, action=action, group=group),
        "reason_error": reason_error,
    }
    status = 409 if stale else 400 if reason_error else 200
    return render(request, "clients/client_bulk.html", context, status=status)


def _move_reason_context(request, *, changing, action, group) -> dict:
    """The reason fields a move that hides clients' own records asks for (drawn by the layer
    that contributes the check, clients.bulk.MOVE_CHECKS), with what was chosen."""
    if action != BulkAction.MOVE or not changing:
        return {}
    hidden = services.move_hidden(
        organization=request.organization,
        old_group_ids={c.pk: c.group_id for c in changing},
        group=group,
    )
    return _reason_fields(request, hidden)


def _reason_fields(request, hidden) -> dict:
    if not hidden:
        return {}
    context = {
        "reason_templates": [check.fields_template for check in MOVE_CHECKS.values()],
        "hidden_sections": ", ".join(
            dict.fromkeys(name for found in hidden.values() for name in found)
        ),
        "hidden_count": len(hidden),
        "chosen_reason": request.POST.get("reason", ""),
        "chosen_other": request.POST.get("reason_other", ""),
    }
    for check in MOVE_CHECKS.values():
        context.update(check.fields_context())
    return context
