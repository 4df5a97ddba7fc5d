"""Sign-in, throttling, sign-out and password reset by email (through a real SMTP server)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.people.forms import GENERIC_LOGIN_ERROR
from conftest import World

PASSWORD = "correct horse battery staple"


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_with_the_right_password_reaches_home(world: World, client: Client) -> None:
    response = _login(client, "teacher_north", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert b"Prairie Valley CUSD 5" in home.content


@pytest.mark.parametrize("username", ["teacher_north", "nobody-by-this-name"])
def test_a_failed_sign_in_never_says_whether_the_account_exists(
    world: World, client: Client, username: str
) -> None:
    response = _login(client, username, "wrong password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]


def test_repeated_failures_are_throttled_even_with_the_right_password(
    world: World, client: Client, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert _login(client, "teacher_north", "wrong").status_code == 200
    response = _login(client, "teacher_north", PASSWORD)
    assert response.status_code == 200, "a throttled account must not sign in"
    assert response.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]
    # Another account is not affected by one account's lock.
    assert _login(client, "teacher_south", PASSWORD).status_code == 302


def test_throttling_is_case_insensitive_on_the_username(
    world: World, client: Client, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    _login(client, "Teacher_North", "wrong")
    _login(client, "TEACHER_NORTH ", "wrong")
    assert _login(client, "teacher_north", PASSWORD).status_code == 200


def test_inactive_account_gets_the_generic_error(world: World, client: Client) -> None:
    user = world.users["teacher_north"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _login(client, "teacher_north", PASSWORD)
    assert response.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]


def test_sign_out_requires_post_and_ends_the_session(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_north"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_production_hasher_is_argon2id_at_owasps_parameters() -> None:
    import argon2

    from chalkline import settings as production
    from chalkline.people.hashers import Argon2idHasher

    assert production.PASSWORD_HASHERS[0] == "chalkline.people.hashers.Argon2idHasher"
    hasher = Argon2idHasher()
    encoded = hasher.encode("a long passphrase", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    params = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)
    assert hasher.verify("a long passphrase", encoded)
    assert not hasher.verify("another passphrase", encoded)


def test_a_hash_with_djangos_default_argon2_parameters_signs_in_and_is_upgraded(
    world: World, client: Client, settings: Any
) -> None:
    import argon2
    from django.contrib.auth.hashers import Argon2PasswordHasher

    settings.PASSWORD_HASHERS = ["chalkline.people.hashers.Argon2idHasher"]
    user = world.users["teacher_north"]
    old = Argon2PasswordHasher()
    user.password = old.encode("correct horse battery", old.salt())
    user.save(update_fields=["password"])
    assert argon2.extract_parameters(user.password.removeprefix("argon2")).memory_cost == 102400
    response = client.post(
        reverse("login"), {"username": user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    upgraded = argon2.extract_parameters(user.password.removeprefix("argon2"))
    assert (upgraded.memory_cost, upgraded.time_cost, upgraded.parallelism) == (19 * 1024, 2, 1)


def test_password_reset_mail_arrives_over_smtp_and_works(
    world: World, client: Client, settings: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    user = world.users["teacher_north"]
    user.email = "tess.teacher@prairie.example.org"
    user.save(update_fields=["email"])
    response = client.post(reverse("password_reset"), {"email": "tess.teacher@prairie.example.org"})
    assert response.status_code == 302
    # Unknown addresses get the same answer and no mail.
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "tess.teacher@prairie.example.org"
    assert message["Subject"] == "Reset your Chalkline password"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", body)
    assert link is not None
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    new_password = "a brand new long passphrase"
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    client.logout()
    assert _login(client, "teacher_north", new_password).status_code == 302
