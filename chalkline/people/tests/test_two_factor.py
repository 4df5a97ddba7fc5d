"""A TOTP second factor for local (password) accounts, with django-otp."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from conftest import World

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - offset_steps * device.step,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{value:0{device.digits}d}"


def test_a_local_administrator_adds_an_authenticator_app(world: World, client: Client) -> None:
    user = world.users["superintendent"]
    client.force_login(user)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    key = re.search(r"Key: <code>([A-Z2-7=]+)</code>", page.content.decode())
    assert key is not None
    done = client.post(reverse("two_factor_setup"), {"code": _code(device)})
    assert "asks for a code" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ADDED, actor=user).exists()


@pytest.fixture
def with_app(world: World) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=world.users["superintendent"], name="Authenticator app", confirmed=True
    )


def _password(client: Client) -> Any:
    return client.post(reverse("login"), {"username": "superintendent", "password": PASSWORD})


def test_the_password_alone_does_not_sign_in_an_account_with_an_app(
    with_app: TOTPDevice, client: Client
) -> None:
    response = _password(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("home")).status_code == 302, "not signed in yet"


def test_the_right_code_completes_the_sign_in(with_app: TOTPDevice, client: Client) -> None:
    _password(client)
    response = client.post(reverse("two_factor_verify"), {"code": _code(with_app)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused(with_app: TOTPDevice, client: Client) -> None:
    _password(client)
    response = client.post(reverse("two_factor_verify"), {"code": _code(with_app, 10)})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(
    with_app: TOTPDevice, client: Client
) -> None:
    response = client.post(reverse("two_factor_verify"), {"code": _code(with_app)})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_an_account_signing_in_with_the_provider_cannot_add_one(
    world: World, client: Client
) -> None:
    user = world.users["teacher_north"]
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)
    assert client.get(reverse("two_factor_setup")).status_code == 403


def _account_menu(client: Client) -> str:
    page = client.get(reverse("home")).content.decode()
    start = page.index('<div class="account">')
    return page[start : page.index("</div>", start)]


@pytest.mark.parametrize("persona", ["superintendent", "designee", "hr", "netadmin"])
def test_the_account_menu_links_the_page_for_local_password_accounts(
    world: World, client: Client, persona: str
) -> None:
    client.force_login(world.users[persona])
    menu = _account_menu(client)
    assert f'href="{reverse("two_factor_setup")}"' in menu
    assert "Two-step sign-in" in menu
    assert client.get(reverse("two_factor_setup")).status_code == 200, "the link leads somewhere"


def test_the_account_menu_has_no_link_for_accounts_of_the_district_provider(
    world: World, client: Client
) -> None:
    user = world.users["teacher_north"]
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)
    assert reverse("two_factor_setup") not in _account_menu(client)
    assert client.get(reverse("two_factor_setup")).status_code == 403


def test_signed_out_visitors_see_no_link(world: World, client: Client) -> None:
    assert reverse("two_factor_setup") not in client.get(reverse("login")).content.decode()
