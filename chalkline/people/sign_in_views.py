"""The district's sign-in settings page: its OpenID Connect providers (add, change, turn off or
back on) and whether staff may still sign in with a Chalkline password. For holders of
``manage_sign_in`` (the superintendent and the designee). The command-line twins are
``add-sign-in-provider`` and ``set-local-passwords`` (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.people import access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.forms import LocalPasswordsForm, ProviderForm
from chalkline.people.models import IdentityProvider
from chalkline.people.roles import Capability
from chalkline.people.services.sign_in import (
    ProviderError,
    change_provider,
    configure_provider,
    set_local_passwords,
    set_provider_active,
)
from chalkline.people.sso import client_secret


def _secret_present(provider: IdentityProvider) -> bool:
    """Whether this web process finds the secret where the provider says (never shown)."""
    try:
        return bool(client_secret(provider))
    except OSError:
        return False


def _callback_url(request: DistrictRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("sso_callback", args=[provider.slug]))


def _settings_page(
    request: DistrictRequest, form: LocalPasswordsForm | None = None, status: int = 200
) -> HttpResponse:
    district = request.district
    providers = access.providers_visible_to(request.user, district).order_by("-active", "name")
    if form is None:
        form = LocalPasswordsForm(
            district=district,
            initial={
                "passwords": "off" if district.local_passwords_off else "on",
                "break_glass": district.break_glass_user_id,
            },
        )
    rows = [
        {
            "provider": p,
            "secret_present": _secret_present(p),
            "callback": _callback_url(request, p),
        }
        for p in providers
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "passwords_form": form,
        "passwords_off": district.local_passwords_off,
        "break_glass": district.break_glass_user,
    }
    return render(request, "people/sign_in_settings.html", context, status=status)


@never_cache
@require_GET
@district_required
def sign_in_settings(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_SIGN_IN)
    return _settings_page(request)


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def provider_new(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_SIGN_IN)
    form = ProviderForm(request.POST or None, district=request.district)
    if request.method == "POST" and form.is_valid():
        provider = configure_provider(
            district=request.district,
            slug=form.cleaned_data["slug"],
            by=request.user,
            **form.provider_fields(),
        )
        messages.success(
            request,
            f"{provider.name} is added. Register this callback URL at the provider: "
            f"{_callback_url(request, provider)}",
        )
        return redirect("people:sign_in")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "people/sign_in_provider.html", {"form": form, "provider": None}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def provider_edit(request: DistrictRequest, pk: int) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_SIGN_IN)
    provider = access.get_provider_for(request.user, request.district, pk)
    form = ProviderForm(request.POST or None, district=request.district, instance=provider)
    if request.method == "POST" and form.is_valid():
        change_provider(provider=provider, changes=form.provider_fields(), by=request.user)
        messages.success(request, f"{form.cleaned_data['name']} is saved.")
        return redirect("people:sign_in")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "provider": provider,
        "callback": _callback_url(request, provider),
    }
    return render(request, "people/sign_in_provider.html", context, status=status)


@require_POST
@district_required
def provider_active(request: DistrictRequest, pk: int) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_SIGN_IN)
    provider = access.get_provider_for(request.user, request.district, pk)
    active = request.POST.get("active") == "on"
    try:
        set_provider_active(provider=provider, active=active, by=request.user)
    except ProviderError as exc:
        messages.error(request, str(exc))
        return redirect("people:sign_in")
    state = "on again: its button is back on the sign-in page" if active else "off"
    messages.success(request, f"{provider.name} is {state}.")
    return redirect("people:sign_in")


@require_POST
@district_required
def local_passwords(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_SIGN_IN)
    form = LocalPasswordsForm(request.POST, district=request.district)
    if not form.is_valid():
        return _settings_page(request, form=form, status=400)
    off = form.cleaned_data["passwords"] == "off"
    set_local_passwords(
        district=request.district,
        off=off,
        break_glass=form.cleaned_data["break_glass"],
        by=request.user,
    )
    messages.success(
        request,
        "Chalkline passwords are off for the district's own domains, except the break-glass "
        "account."
        if off
        else "Chalkline passwords are allowed again.",
    )
    return redirect("people:sign_in")
