"""A TOTP second factor (an authenticator app) for local accounts, with django-otp.

Adding one: the account's page shows a QR code and the key, and the first code from the app
confirms it. Signing in: after the right password, an account with a confirmed device is not
signed in yet; the next page asks for the current code (django-otp checks the time window, refuses
a code used already and slows down repeated failures), and only then signs in.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django import forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.access import can_add_second_factor
from chalkline.people.models import Membership, User

PENDING = "two_factor_pending"
# How long the code page waits after the password was accepted.
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Enter the 6-digit code."},
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def begin_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right; remember who, and ask for the code before signing in."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "at": time.time(),
        "next": next_url,
    }
    return redirect("two_factor_verify")


@transaction.atomic
def confirm_second_factor(*, device: TOTPDevice, code: str, by: User) -> bool:
    """Confirm a new device with its first code; audited in the district(s) of the account."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    for district_id in (
        Membership.objects.filter(user=by, active=True).values_list("district_id", flat=True)
    ).distinct():
        record_event(
            district=district_id,
            actor=by,
            action=Action.SECOND_FACTOR_ADDED,
            target=by,
            after={"device": device.pk},
        )
    return True


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not can_add_second_factor(user):
        raise PermissionDenied("Accounts that sign in with the district's provider use its own.")
    if confirmed_device(user) is not None:
        return render(request, "people/two_factor_setup.html", {"confirmed": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_second_factor(device=device, code=form.cleaned_data["code"].strip(), by=user):
            return render(request, "people/two_factor_setup.html", {"confirmed": True})
        form.add_error("code", "That code is not right. Check the app and try again.")
    context: dict[str, Any] = {
        "form": form,
        "key": base64.b32encode(device.bin_key).decode(),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4),
    }
    return render(request, "people/two_factor_setup.html", context)


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or time.time() - float(pending["at"]) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return redirect("login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user is not None else None
    if user is None or device is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            next_url = str(pending.get("next") or "")
            del request.session[PENDING]
            login(request, user, backend=pending["backend"] or None)
            safe = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if next_url and safe else "home")
        form.add_error("code", "That code is not right, or it was used already.")
    return render(request, "people/two_factor_verify.html", {"form": form})
