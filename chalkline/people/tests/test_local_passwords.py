"""A district that signs its staff in with its own provider can turn local passwords off for
its own domains, keeping one break-glass superintendent account; families keep theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import District, IdentityProvider, Person, User
from conftest import World

PASSWORD = "correct horse battery staple"
DOMAIN = "prairie.example.org"


def _login(client: Client, username: str) -> int:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return int(response.status_code)


def _give_address(user: User, address: str) -> None:
    User.objects.filter(pk=user.pk).update(email=address)


@pytest.fixture
def passwords_off(world: World) -> World:
    _give_address(world.users["superintendent"], f"superintendent@{DOMAIN}")
    Person.objects.filter(pk=world.guardian_north.pk).update(email="elena.garcia@gmail.example")
    call_command(
        "set_local_passwords", "--district", "prairie", "--off", "--break-glass", "superintendent"
    )
    return world


def test_staff_in_the_district_domains_cannot_use_a_password(
    passwords_off: World, client: Client
) -> None:
    assert _login(client, "teacher_north") == 200, "refused with the generic error"
    person = passwords_off.users["teacher_north"].person
    assert person is not None
    assert _login(client, person.email) == 200


def test_the_break_glass_superintendent_keeps_the_password(
    passwords_off: World, client: Client
) -> None:
    assert _login(client, "superintendent") == 302


def test_families_on_their_own_addresses_keep_their_passwords(
    passwords_off: World, client: Client
) -> None:
    assert _login(client, "guardian_north") == 302


def test_no_password_reset_mail_for_an_account_that_cannot_use_a_password(
    passwords_off: World, client: Client, settings: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    _give_address(passwords_off.users["teacher_north"], f"tess.teacher@{DOMAIN}")
    assert (
        client.post(reverse("password_reset"), {"email": f"tess.teacher@{DOMAIN}"}).status_code
        == 302
    )
    guardian = "elena.garcia@gmail.example"
    _give_address(passwords_off.users["guardian_north"], guardian)
    assert client.post(reverse("password_reset"), {"email": guardian}).status_code == 302
    assert [m["To"] for m in received] == [guardian], "the family still gets one"


def test_another_district_is_not_affected(passwords_off: World, client: Client) -> None:
    _give_address(passwords_off.users["outsider"], "head@elsewhere.example.org")
    assert _login(client, "outsider") == 302


def test_turning_passwords_off_is_audited_and_can_be_undone(
    passwords_off: World, client: Client
) -> None:
    assert AuditEvent.objects.filter(action=Action.LOCAL_PASSWORDS_SET).count() == 1
    call_command("set_local_passwords", "--district", "prairie", "--on")
    assert _login(client, "teacher_north") == 302
    assert not District.objects.get(slug="prairie").local_passwords_off


def test_it_refuses_to_turn_passwords_off_without_a_superintendent_break_glass(
    world: World,
) -> None:
    with pytest.raises(CommandError, match="superintendent"):
        call_command("set_local_passwords", "--district", "prairie", "--off")
    with pytest.raises(CommandError, match="superintendent"):
        call_command("set_local_passwords", "--district", "prairie", "--off", "--break-glass", "hr")
    assert not District.objects.get(slug="prairie").local_passwords_off


def test_a_provider_is_added_by_command_with_its_secret_outside_the_database(
    world: World,
) -> None:
    call_command(
        "add_sign_in_provider",
        "--district=prairie",
        "--slug=prairie-entra",
        "--name=Prairie Valley Microsoft account",
        "--kind=entra",
        "--issuer=https://login.microsoftonline.com/tenant-1/v2.0",
        "--client-id=abc",
        "--secret-env=PRAIRIE_ENTRA_SECRET",
        "--tenant-id=tenant-1",
    )
    provider = IdentityProvider.objects.get(slug="prairie-entra")
    assert provider.client_secret_env == "PRAIRIE_ENTRA_SECRET"
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_PROVIDER_CONFIGURED).exists()
    with pytest.raises(CommandError, match="tenant"):
        call_command(
            "add_sign_in_provider",
            "--district=prairie",
            "--slug=prairie-entra-2",
            "--name=x",
            "--kind=entra",
            "--issuer=https://login.microsoftonline.com/x/v2.0",
            "--client-id=abc",
            "--secret-env=X",
        )


def test_a_provider_without_its_secret_is_a_system_check_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.checks import run_checks

    monkeypatch.delenv("PRAIRIE_GOOGLE_SECRET", raising=False)
    call_command(
        "add_sign_in_provider",
        "--district=prairie",
        "--slug=prairie-google",
        "--name=Prairie Valley Google account",
        "--kind=google",
        "--issuer=https://accounts.google.com",
        "--client-id=abc",
        "--secret-env=PRAIRIE_GOOGLE_SECRET",
        f"--hd={DOMAIN}",
    )
    ids = [m.id for m in run_checks(databases=["default"])]
    assert "chalkline.E010" in ids
    monkeypatch.setenv("PRAIRIE_GOOGLE_SECRET", "s3cret")
    assert "chalkline.E010" not in [m.id for m in run_checks(databases=["default"])]
