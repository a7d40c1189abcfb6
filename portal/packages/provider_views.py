"""Packages in the provider app: what the practice offers, and what a client bought."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.access import provider_required
from clients.security import scoped_get_or_404
from portal.packages import services
from portal.packages.forms import PackageForm
from portal.packages.models import Package
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def package_list(request):
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            package = services.package_create(
                organization=request.organization, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"“{package.name}” is "
                + ("offered in the portal." if package.active else "saved, not offered yet."),
            )
            return redirect("provider:package-list")
    packages = Package.objects.filter(organization=request.organization)
    context = {"form": form, "packages": packages}
    return render(
        request, "portal/packages/provider_list.html", context, status=400 if form.errors else 200
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def package_edit(request, package_pk):
    package = scoped_get_or_404(Package, pk=package_pk, organization=request.organization)
    # The form works on a copy: a refused change leaves the page's heading as it was saved.
    form = PackageForm(request.POST or None, instance=copy(package))
    if request.method == "POST" and form.is_valid():
        try:
            package = services.package_update(package=package, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"“{package.name}” was saved. "
                "Earlier purchases keep the price they were bought at.",
            )
            return redirect("provider:package-list")
    return render(
        request,
        "portal/packages/provider_edit.html",
        {"form": form, "package": package},
        status=400 if form.errors else 200,
    )


@provider_required
@require_safe
def client_packages(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    context = {
        "client": client,
        "active_tab": "packages",
        "purchases": client.package_purchases.select_related("package", "invoice"),
        "sessions": services.sessions_credited(client),
    }
    return render(request, "portal/packages/provider_client.html", context)
