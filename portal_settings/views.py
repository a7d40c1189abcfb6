"""Client Portal Settings pages: a client's, a group's, and the practice defaults.

One URL serves the page and its htmx fragment. SAVE works with JavaScript off (post, redirect,
confirmation message) and through htmx (the panel is swapped with the confirmation in it).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import AuditEntry
from audit.selectors import history_for
from clients.access import practice_admin_required, provider_required
from clients.forms import apply_validation_error
from clients.models import ClientGroup, FamilyLink
from clients.security import scoped_get_or_404
from clients.selectors import client_get
from clients.services import organization_client_emails_set
from clients.validators import parse_id
from portal_settings.confirmations import describe
from portal_settings.enforcement import PREVIEW_SESSION_KEY
from portal_settings.forms import (
    INHERIT,
    NO_DATED_VALUE,
    DatedInputError,
    PresetForm,
    SettingsInputError,
    dated_field,
    parse_settings_post,
)
from portal_settings.models import Level, Preset
from portal_settings.reasons import reason_context
from portal_settings.report import active_clients, csv_lines, report_rows
from portal_settings.schedule import dated_from_json, dated_from_trail, day_words, trail_text
from portal_settings.sections import SECTIONS
from portal_settings.services import (
    STALE_PRESET_WORDS,
    STALE_WORDS,
    ReasonRequired,
    SettingsValueError,
    StalePresetError,
    StaleSettingsError,
    portal_preview_start,
    portal_settings_update,
    preset_apply,
    preset_delete,
    preset_save,
)
from portal_settings.targets import CLIENTS, FAMILY, Target, with_settings

HISTORY_PER_PAGE = 20
# The reason chosen on a preset form that was refused, for the page the redirect shows.
KEPT_REASON = "portal_settings.kept_reason"
REPORT_PER_PAGE = 50


def _rows(target: Target, kept=None, *, typed=None, refused_dates=None):
    """One row per section: its effective value and source, and its choices (the inherited
    value first, then the levels the section offers), the stored one selected, or the one the
    provider chose in `kept` (a refused SAVE, shown again); a row's dates as `typed` where a
    SAVE refused dates, `refused_dates` the row whose dates were refused."""
    inherited = target.inherited()
    own = target.own_values()
    chosen = kept.changes if kept is not None else {}
    schedule = target.own_schedule() if target.takes_dated_values else None
    kept_dated = (kept.dated or {}) if kept is not None else {}
    now = timezone.now()
    rows = []
    for key, resolution in target.effective().items():
        selected = own.get(key, INHERIT)
        if key in chosen:
            selected = INHERIT if chosen[key] is None else chosen[key].value
        choices = [(INHERIT, inherited[key].inherited_choice)]
        choices += [(level.value, level.label) for level in resolution.section.levels]
        rows.append(
            {
                "section": resolution.section,
                "resolution": resolution,
                "inherited": inherited[key],
                "overridden": key in own,
                "choices": [
                    {"value": value, "label": label, "selected": value == selected}
                    for value, label in choices
                ],
                "dated": _dated_row(
                    resolution.section,
                    schedule,
                    now,
                    kept=kept_dated,
                    typed=(typed or {}).get(key),
                    refused=key == refused_dates,
                )
                if schedule is not None
                else None,
            }
        )
    return rows


def _local_input(moment) -> str:
    """An aware moment as a datetime-local value in the active (the practice's) time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%dT%H:%M" + (":%S" if local.second else ""))


def _dated_row(section, schedule: dict, now, *, kept=None, typed=None, refused=False) -> dict:
    """A row's "Dates" controls: its dated value as stored, and where it stands now; or the
    one the provider chose in `kept` (a SAVE refused for want of a reason, shown again); or,
    where a SAVE refused dates, what the provider typed (`typed`, open; `refused`, marked)."""
    entry = schedule.get(section.key)
    dated = dated_from_json(entry) if entry else None
    status = ""
    if kept and section.key in kept:
        dated = kept[section.key]  # not saved: no status
    elif dated is not None:
        if dated.ended(now):
            status = f"{dated.words()} (ended, no longer counts)"
        elif dated.pending(now):
            status = f"{dated.words()} (not started yet)"
        else:
            status = f"{dated.words()} (in force now)"
    levels = [(NO_DATED_VALUE, "No dates")]
    levels += [(level.value, level.label) for level in section.levels]
    chosen = dated.access.value if dated else NO_DATED_VALUE
    from_value = _local_input(dated.start) if dated else ""
    until_value = _local_input(dated.end) if dated else ""
    if typed is not None:
        level = typed["level"].strip().lower()
        if (level, typed["from"].strip(), typed["until"].strip()) != (
            chosen,
            from_value,
            until_value,
        ):
            status, chosen = "", level  # not saved: no status
            from_value, until_value = typed["from"], typed["until"]
    return {
        "entry": dated,
        "open": dated is not None or refused or any((chosen, from_value, until_value)),
        "refused": refused,
        "status": status,
        "level_field": dated_field(section, "level"),
        "from_field": dated_field(section, "from"),
        "until_field": dated_field(section, "until"),
        "levels": [
            {"value": value, "label": label, "selected": value == chosen} for value, label in levels
        ],
        "from_value": from_value,
        "until_value": until_value,
    }


def _dated_history(entries, *, schedule: dict, now) -> None:
    """Say on each History entry that set a dated value when it started and ended: worked out
    when read from the entry, the newer entries of its section and the value stored now, so no
    job needs to have run. Sets `entry.dated_events` (a list of phrases)."""
    # Changes only: the scheduled run's "started" and "ended" entries carry the value's trail
    # too, but they neither set nor replace it.
    entries = [e for e in entries if e.action == AuditEntry.Action.SETTING_CHANGED]  # newest first
    for index, entry in enumerate(entries):
        dated = dated_from_trail(entry.new_value) if entry.section else None
        if dated is None:
            continue
        newer = [
            other
            for other in entries[:index]
            if other.section == entry.section and other.new_value.startswith("dated:")
        ]
        replaced_at = newer[-1].created_at if newer else None
        live = replaced_at is None and trail_text(schedule.get(entry.section)) == entry.new_value
        start = max(dated.start or entry.created_at, entry.created_at)
        events = []
        if replaced_at is not None and replaced_at <= start:
            events.append("Replaced before it started")
        elif start <= now:
            events.append(f"Started {day_words(start)}")
        else:
            events.append(f"Starts {day_words(start)}")
        if replaced_at is not None and replaced_at > start:
            if dated.end is not None and dated.end <= replaced_at:
                events.append(f"Ended {day_words(dated.end)}")
            else:
                events.append(f"Ended {day_words(replaced_at)}, when changed")
        elif replaced_at is None and not live:
            events.append("Changed later")
        elif dated.end is not None:
            ended = dated.end <= now
            events.append(f"{'Ended' if ended else 'Ends'} {day_words(dated.end)}")
            if ended:
                events.append("no longer counts")
        entry.dated_events = events


def _history_page(target: Target, number) -> Page:
    """The History page asked for. The first page is read with one row more than a page: with
    no more rows than a page, no pager is shown, so the rows are counted in Python (no COUNT
    query); with more, the pager's count is read as usual."""
    entries = history_for(
        organization=target.organization,
        level=target.level,
        target=target.obj,
        audience=target.audience,
    )
    paginator = Paginator(entries, HISTORY_PER_PAGE)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(entries[: HISTORY_PER_PAGE + 1])
    if len(rows) <= HISTORY_PER_PAGE:
        return Paginator(rows, HISTORY_PER_PAGE).page(1)
    return Page(rows[:HISTORY_PER_PAGE], 1, paginator)


def _settings_page(request, *, target: Target, can_edit: bool, context: dict):
    status = 200
    changes = None
    error = None
    kept = None
    typed, refused_dates = None, None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only a practice admin can change the practice defaults.")
        try:
            submission = parse_settings_post(
                request.POST,
                own=target.own_values(),
                own_schedule=target.own_schedule() if target.takes_dated_values else None,
                time_zone=target.organization.time_zone,
            )
            changes = portal_settings_update(
                actor=request.user,
                target=target,
                changes=submission.changes,
                shown_version=submission.version,
                note=submission.note,
                reason=submission.reason,
                reason_other=submission.reason_other,
                dated=submission.dated,
            )
        except ReasonRequired as exc:
            # Shown again with the provider's choices, so a reason and SAVE saves them.
            error, status, kept = f"{exc} Nothing was saved.", 400, submission
            context["settings_hidden_sections"] = exc.sections
        except DatedInputError as exc:
            # Shown again as the provider left it, the refused dates as typed, to correct.
            error, status, kept, typed = f"{exc} Nothing was saved.", 400, exc.kept, exc.typed
            refused_dates = exc.section
            context["chosen_reason"], context["chosen_other"] = kept.reason, kept.reason_other
        except (SettingsInputError, SettingsValueError) as exc:
            error, status = f"{exc} Nothing was saved.", 400
        except StaleSettingsError:
            error = (
                f"{STALE_WORDS} The page now shows the current settings; make your change "
                "again and click SAVE."
            )
            status = 409
        else:
            confirmation = (
                describe(changes, target=target)
                if changes
                else "Nothing changed, so nothing was saved."
            )
            if not request.htmx:
                messages.success(request, confirmation)
                return redirect(request.path)
            context["confirmation"] = confirmation
        target = target.reload()

    history = _history_page(target, request.GET.get("history"))
    if target.takes_dated_values:
        _dated_history(history.object_list, schedule=target.own_schedule(), now=timezone.now())
    context.update(
        {
            # Presets set what clients may use; the apply URLs write the clients' column.
            "presets": (
                list(Preset.objects.filter(organization=target.organization))
                if can_edit and not target.for_family
                else []
            ),
            "apply_preset_url": _apply_preset_url(target),
            **reason_context(),
            **(request.session.pop(KEPT_REASON, {}) if request.method == "GET" else {}),
            "target": target,
            "level": target.level,
            "for_family": target.for_family,
            "rows": _rows(target, kept, typed=typed, refused_dates=refused_dates),
            "note": kept.note if kept is not None else "",
            "version": target.version_token(),
            "can_edit": can_edit,
            "error": error,
            "history": history,
            "changes": changes,
        }
    )
    template = "portal_settings/settings_page.html"
    if request.htmx and request.htmx.target in ("settings-panel", "settings-history"):
        template += "#panel" if request.htmx.target == "settings-panel" else "#history"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _family_tabs(client) -> list:
    """The client's family members, one settings tab each (removed ones have none), in the
    model's order. Ordered by name here: the model's ordering starts with the client, which
    joins the clients and their users again only to sort one client's links."""
    return list(
        client.family_links.exclude(status=FamilyLink.Status.REMOVED)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_settings(request, pk):
    # Its levels of settings only: this page does not show the access status that
    # client_with_settings_get adds for the profile header (a subquery and a CASE a request).
    client = scoped_get_or_404(
        with_settings(Level.CLIENT), organization=request.organization, pk=pk
    )
    context = {"client": client, "family_tabs": _family_tabs(client)}
    return _settings_page(
        request, target=Target(Level.CLIENT, client), can_edit=True, context=context
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def family_settings(request, pk, link_pk):
    """One family member's own Client Portal Settings, a tab of their client's page."""
    link = scoped_get_or_404(
        with_settings(Level.FAMILY).exclude(status=FamilyLink.Status.REMOVED),
        organization=request.organization,
        client_id=pk,
        pk=link_pk,
    )
    context = {"client": link.client, "family_link": link, "family_tabs": _family_tabs(link.client)}
    return _settings_page(
        request, target=Target(Level.FAMILY, link, FAMILY), can_edit=True, context=context
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_settings(request, pk, audience=CLIENTS):
    group = scoped_get_or_404(
        with_settings(Level.GROUP, audience), organization=request.organization, pk=pk
    )
    return _settings_page(
        request,
        target=Target(Level.GROUP, group, audience),
        can_edit=True,
        context={"group": group},
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_settings(request, audience=CLIENTS):
    target = Target(Level.ORGANIZATION, request.organization, audience).reload()
    return _settings_page(
        request, target=target, can_edit=request.membership.is_practice_admin, context={}
    )


@practice_admin_required
@require_safe
def report(request):
    """Every active client and section, a page at a time; the CSV has them all."""
    groups = ClientGroup.objects.filter(organization=request.organization)
    group = _report_group(request, groups)
    clients = active_clients(organization=request.organization, group=group)
    page = Paginator(clients, REPORT_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(report_rows(organization=request.organization, clients=page.object_list))
    pager_query = f"group={group.pk}&" if group else ""
    context = {
        "groups": groups,
        "group": group,
        "page": page,
        "rows": rows,
        "sections": SECTIONS,
        "pager_query": pager_query,
    }
    return render(request, "portal_settings/report.html", context)


@practice_admin_required
@require_safe
def report_csv(request):
    group = _report_group(request, ClientGroup.objects.filter(organization=request.organization))
    clients = active_clients(organization=request.organization, group=group)
    response = StreamingHttpResponse(
        csv_lines(organization=request.organization, clients=clients),
        content_type="text/csv; charset=utf-8",
    )
    name = f"portal-settings-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _report_group(request, groups):
    """The group filter: none, or one of this practice's groups (anything else is a 404)."""
    value = request.GET.get("group", "")
    if not value:
        return None
    pk = parse_id(value)
    if pk is None:
        raise Http404("No such group.")
    return scoped_get_or_404(groups, pk=pk)


@provider_required
@require_POST
def preview_start(request, pk):
    """Open the client's portal as the client sees it, read-only (Actions > Preview portal)."""
    client = client_get(organization=request.organization, pk=pk)
    try:
        portal_preview_start(actor=request.user, client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(client)
    request.session[PREVIEW_SESSION_KEY] = client.pk
    return redirect("portal:home")


@provider_required
@require_POST
def preview_end(request):
    client_id = request.session.pop(PREVIEW_SESSION_KEY, None)
    if client_id is not None:
        return redirect("clients:detail", pk=client_id)
    return redirect("clients:list")


@practice_admin_required
@require_POST
def organization_client_emails(request):
    """Practice defaults page: email clients when their portal changes, on or off."""
    value = request.POST.get("emails")
    if value not in ("on", "off"):
        return render(
            request, "400.html", {"exception": "Choose on or off. Nothing was changed."}, status=400
        )
    organization_client_emails_set(
        actor=request.user, organization=request.organization, enabled=value == "on"
    )
    if value == "on":
        messages.success(
            request,
            "Clients are now emailed when a change turns a section of their portal off or on.",
        )
    else:
        messages.success(
            request,
            "Clients are no longer emailed about changes; they still see a notice on their "
            "portal home.",
        )
    return redirect("portal_settings:organization")


# Presets


@provider_required
@require_safe
def preset_list(request):
    presets = Preset.objects.filter(organization=request.organization)
    return render(request, "portal_settings/preset_list.html", {"presets": presets})


@practice_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def preset_edit(request, pk=None):
    preset = None
    if pk is not None:
        preset = scoped_get_or_404(Preset, organization=request.organization, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = PresetForm.for_preset(preset, data) if preset else PresetForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            saved = preset_save(
                actor=request.user,
                organization=request.organization,
                name=form.cleaned_data["name"],
                values=form.values,
                preset=preset,
                shown_version=form.cleaned_data["version"],
            )
        except StalePresetError:
            # The preset as it is now, to make the change again on (nothing was saved).
            preset = scoped_get_or_404(Preset, organization=request.organization, pk=pk)
            stale = (
                f"{STALE_PRESET_WORDS} It now reads: {preset.summary()}. Make your change "
                "again and save."
            )
            context = {"form": PresetForm.for_preset(preset), "preset": preset, "stale": stale}
            return render(request, "portal_settings/preset_form.html", context, status=409)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"The preset {saved.name} was saved. Clients it was applied to before keep "
                "the levels they were given.",
            )
            return redirect("portal_settings:presets")
    context = {"form": form, "preset": preset}
    status = 400 if form.errors else 200
    return render(request, "portal_settings/preset_form.html", context, status=status)


@practice_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def preset_delete_page(request, pk):
    preset = scoped_get_or_404(Preset, organization=request.organization, pk=pk)
    if request.method == "POST":
        name = preset.name
        preset_delete(actor=request.user, organization=request.organization, preset=preset)
        messages.success(
            request,
            f"The preset {name} was deleted. Clients, groups and the practice it was applied to "
            "keep the levels they were given.",
        )
        return redirect("portal_settings:presets")
    return render(request, "portal_settings/preset_confirm_delete.html", {"preset": preset})


def _apply_preset_url(target: Target) -> str:
    if target.level == Level.CLIENT:
        return reverse("portal_settings:client-preset", args=[target.obj.pk])
    if target.level == Level.GROUP:
        return reverse("portal_settings:group-preset", args=[target.obj.pk])
    return reverse("portal_settings:organization-preset")


def _apply_preset(request, *, target: Target, back: str):
    preset_id = parse_id(request.POST.get("preset", ""))
    if preset_id is None:
        messages.error(request, "Choose a preset to apply. Nothing was changed.")
        return redirect(back)
    preset = scoped_get_or_404(Preset, organization=request.organization, pk=preset_id)
    # Required: a POST that does not say which levels the provider saw (a crafted one, an old
    # page) would apply levels nobody was shown.
    shown_levels = request.POST.get(f"levels-{preset.pk}")
    if not shown_levels:
        messages.error(
            request,
            f"The preset {preset.name} was not applied: this page did not say which levels it "
            f"sets. It sets {preset.summary()}; apply it again from this page if that is what "
            "you want. Nothing was changed.",
        )
        return redirect(back)
    if shown_levels != preset.levels_token():
        messages.error(
            request,
            f"The preset {preset.name} was changed since you opened this page, so it was not "
            f"applied. It now sets {preset.summary()}; apply it again if that is what you want.",
        )
        return redirect(back)
    try:
        changes = preset_apply(
            actor=request.user,
            preset=preset,
            target=target,
            shown_version=request.POST.get("version", ""),
            reason=request.POST.get("reason", ""),
            reason_other=request.POST.get("reason_other", ""),
        )
    except StaleSettingsError:
        messages.error(
            request,
            "These settings were changed by someone else since you opened this page, so the "
            "preset was not applied. Check the current settings and apply it again.",
        )
    except SettingsValueError as exc:
        messages.error(request, f"{exc} Nothing was changed.")
        if isinstance(exc, ReasonRequired):
            # The page the redirect shows keeps the reason chosen (once; never in the URL).
            request.session[KEPT_REASON] = {
                "chosen_reason": request.POST.get("reason", "")[:50],
                "chosen_other": request.POST.get("reason_other", "")[:200],
                "preset_hidden_sections": exc.sections,
            }
    else:
        if changes:
            messages.success(
                request, f"Preset {preset.name} applied. " + describe(changes, target=target)
            )
        else:
            messages.success(
                request, f"Preset {preset.name} already matched these settings; nothing changed."
            )
    return redirect(back)


@provider_required
@require_POST
def client_preset_apply(request, pk):
    client = scoped_get_or_404(
        with_settings(Level.CLIENT), organization=request.organization, pk=pk
    )
    return _apply_preset(
        request,
        target=Target(Level.CLIENT, client),
        back=reverse("portal_settings:client", args=[pk]),
    )


@provider_required
@require_POST
def group_preset_apply(request, pk):
    group = scoped_get_or_404(with_settings(Level.GROUP), organization=request.organization, pk=pk)
    return _apply_preset(
        request,
        target=Target(Level.GROUP, group),
        back=reverse("portal_settings:group", args=[pk]),
    )


@practice_admin_required
@require_POST
def organization_preset_apply(request):
    target = Target(Level.ORGANIZATION, request.organization).reload()
    return _apply_preset(request, target=target, back=reverse("portal_settings:organization"))
