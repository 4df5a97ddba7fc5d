"""Sign-in throttling behind the proxy, the lockout's real length, email sign-in, and the password
re-entry on the signing page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks.models import Signature
from chalkline.acks.tests.helpers import make_campaign, ready_to_sign
from chalkline.people.forms import GENERIC_LOGIN_ERROR
from chalkline.people.models import User
from conftest import World

PASSWORD = "correct horse battery staple"


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def advance_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[float], None]]:
    """Moves the wall clock forward for our counters and for the database cache's expiry."""
    offset = [0.0]
    real_time = time.time
    real_now = timezone.now

    def fake_time() -> float:
        return real_time() + offset[0]

    def fake_now() -> datetime:
        return real_now() + timedelta(seconds=offset[0])

    monkeypatch.setattr(time, "time", fake_time)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", fake_now)

    def advance(seconds: float) -> None:
        offset[0] += seconds

    yield advance


def test_the_lockout_lasts_login_lockout_seconds(
    world: World, client: Client, settings: Any, advance_clock: Callable[[float], None]
) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900
    for _ in range(3):
        _login(client, "teacher_north", "wrong")
    advance_clock(600)
    assert _login(client, "teacher_north", PASSWORD).status_code == 200, "still locked at 10 min"
    advance_clock(301)
    assert _login(client, "teacher_north", PASSWORD).status_code == 302


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_the_others(
    world: World, client: Client, settings: Any
) -> None:
    settings.BEHIND_TLS_PROXY = True
    settings.LOGIN_MAX_FAILURES = 1  # the address limit is ten times this
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(10):
        # The attacker forges a left-hand entry; the proxy appends the address it really saw.
        _login(
            client,
            f"guess{n}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66",
            **proxy,
        )
    response = _login(
        client, "teacher_north", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert response.status_code == 302, "another client behind the same proxy still signs in"
    client.logout()
    blocked = _login(
        client, "teacher_south", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.66", **proxy
    )
    assert blocked.status_code == 200, "the attacking address itself is locked"
    assert blocked.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(
    world: World, client: Client, settings: Any
) -> None:
    settings.BEHIND_TLS_PROXY = False
    settings.LOGIN_MAX_FAILURES = 1
    for n in range(10):
        _login(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _login(client, "teacher_north", PASSWORD).status_code == 200


def test_trusted_proxies_are_skipped_from_the_right(
    world: World, client: Client, settings: Any
) -> None:
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.LOGIN_MAX_FAILURES = 1
    for n in range(10):
        _login(
            client,
            f"guess{n}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66, 10.1.1.1",
            REMOTE_ADDR="10.0.0.2",
        )
    blocked = _login(
        client,
        "teacher_north",
        PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.66, 10.1.1.1",
        REMOTE_ADDR="10.0.0.2",
    )
    assert blocked.status_code == 200


def _with_email(world: World, persona: str, email: str) -> User:
    user = world.users[persona]
    user.email = email
    user.save(update_fields=["email"])
    return user


def test_sign_in_by_email_is_case_insensitive(world: World, client: Client) -> None:
    _with_email(world, "teacher_north", "tess.teacher@prairie.example.org")
    response = _login(client, "Tess.Teacher@Prairie.example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "teacher_north"


def test_sign_in_by_the_staff_record_email_works(world: World, client: Client) -> None:
    user = world.users["teacher_north"]
    assert user.person is not None
    assert _login(client, user.person.email.upper(), PASSWORD).status_code == 302


def test_an_email_two_accounts_share_signs_in_nobody_and_reveals_nothing(
    world: World, client: Client
) -> None:
    _with_email(world, "teacher_north", "shared@prairie.example.org")
    _with_email(world, "teacher_south", "Shared@prairie.example.org")
    shared = _login(client, "shared@prairie.example.org", PASSWORD)
    unknown = _login(client, "nobody@prairie.example.org", PASSWORD)
    assert shared.status_code == unknown.status_code == 200
    assert shared.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]
    assert unknown.context["form"].non_field_errors() == [GENERIC_LOGIN_ERROR]


def test_failures_by_email_and_by_username_count_for_the_same_account(
    world: World, client: Client, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    _with_email(world, "teacher_north", "tess.teacher@prairie.example.org")
    _login(client, "teacher_north", "wrong")
    _login(client, "TESS.teacher@prairie.example.org", "wrong")
    assert _login(client, "teacher_north", PASSWORD).status_code == 200


def test_password_re_entry_on_the_signing_page_is_throttled(
    world: World, client: Client, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    teacher = world.users["teacher_north"]
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    assignment = ready_to_sign(campaign, teacher)
    client.force_login(teacher)
    url = reverse("acks:sign", args=[assignment.pk])
    for _ in range(3):
        assert client.post(url, {"password": "nope"}).status_code == 400
    paused = client.post(url, {"password": PASSWORD})
    assert paused.status_code == 400
    assert b"paused" in paused.content
    assert not Signature.objects.filter(assignment=assignment).exists()
    # The same counters guard the sign-in form.
    client.logout()
    assert _login(Client(), "teacher_north", PASSWORD).status_code == 200


def test_a_malformed_trusted_proxy_is_a_system_check_error(settings: Any) -> None:
    from chalkline.people.checks import check_trusted_proxies

    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example.org"]
    assert [m.id for m in check_trusted_proxies()] == ["chalkline.E003"]
