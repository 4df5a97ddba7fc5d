"""Rate limits on the password reset form and on every anonymous form: 429 with Retry-After."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import World

PASSWORD = "correct horse battery staple"


def _reset(client: Client, email: str, **extra: Any) -> Any:
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def _with_email(world: World, persona: str, email: str) -> None:
    user = world.users[persona]
    user.email = email
    user.save(update_fields=["email"])


def test_password_reset_is_limited_per_account(world: World, client: Client, settings: Any) -> None:
    settings.RATE_LIMIT_PASSWORD_RESET_ACCOUNT = (2, 3600)
    _with_email(world, "teacher_north", "tess@prairie.example.org")
    for n in range(2):
        assert (
            _reset(client, "tess@prairie.example.org", REMOTE_ADDR=f"192.0.2.{n}").status_code
            == 302
        )
    refused = _reset(client, "TESS@prairie.example.org", REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert b"Too many requests" in refused.content
    assert len(mail.outbox) == 2
    # An address nobody has is counted the same way: the limit reveals nothing.
    assert _reset(client, "nobody@prairie.example.org").status_code == 302


def test_password_reset_is_limited_per_client_address(
    world: World, client: Client, settings: Any
) -> None:
    settings.RATE_LIMIT_PASSWORD_RESET_ADDRESS = (3, 3600)
    for n in range(3):
        assert _reset(client, f"someone{n}@example.org").status_code == 302
    assert _reset(client, "someone-else@example.org").status_code == 429
    assert _reset(client, "someone-else@example.org", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_password_reset_does_the_same_work_in_the_request_whether_or_not_the_account_exists(
    world: World, client: Client, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _with_email(world, "teacher_north", "tess@prairie.example.org")
    known = _reset(client, "tess@prairie.example.org")
    unknown = _reset(client, "nobody@prairie.example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # Each request only queued the same task with the address asked for: no lookup, no mail yet.
    # (test_sign_in's SMTP test shows the task sends the link to an existing account.)
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.task_path for r in queued] == ["chalkline.people.tasks.send_password_reset_task"] * 2
    assert [r.args_kwargs["kwargs"]["email"] for r in queued] == [
        "tess@prairie.example.org",
        "nobody@prairie.example.org",
    ]
    assert mail.outbox == []


def test_anonymous_form_posts_are_limited_per_client_address(
    world: World, client: Client, settings: Any
) -> None:
    settings.RATE_LIMIT_ANONYMOUS_POST = (3, 60)
    settings.LOGIN_MAX_FAILURES = 100
    for _ in range(3):
        assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200
    refused = client.post(reverse("login"), {"username": "teacher_north", "password": PASSWORD})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = Client(REMOTE_ADDR="198.51.100.2")
    response = other.post(reverse("login"), {"username": "teacher_north", "password": PASSWORD})
    assert response.status_code == 302
    # Signed-in users are not counted against the anonymous limit.
    assert other.post(reverse("acks:notifications_read")).status_code != 429
