"""Outbound mail against a real SMTP server: sent, refused for good, refused for now, raced."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import BACKOFF, queue_mail, retry_failed_mail, send_due
from conftest import World

from .conftest import MailServer


def _queue(world: World, *to: str) -> int:
    return queue_mail(
        district=world.district,
        to=list(to),
        subject="Please read",
        body="Policy 5:125 is ready for you.",
        kind="test.notice",
        ref_type="test.thing",
        ref_id=7,
        by=world.users["superintendent"],
    )


def test_queued_mail_is_sent_after_commit_and_recorded(
    world: World, mail_server: MailServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _queue(world, "ann@example.org", "bo@example.org") == 2
    assert sorted(m["To"] for m in mail_server.messages) == ["ann@example.org", "bo@example.org"]
    rows = list(Delivery.objects.order_by("to"))
    assert [d.status for d in rows] == ["sent", "sent"]
    assert all(d.attempts == 1 and d.sent_at is not None for d in rows)
    event = AuditEvent.objects.get(action="outbox.queued")
    assert '"queued":2' in event.after
    # Queueing the same thing for the same address again queues nothing.
    assert _queue(world, "ann@example.org") == 0


def test_a_refused_recipient_fails_for_good_with_the_reason_and_no_address_in_the_log(
    world: World, mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    mail_server.answer = "550 5.1.1 <gone@example.org>: mailbox unavailable"
    _queue(world, "gone@example.org")
    with caplog.at_level(logging.WARNING):
        result = send_due()
    assert (result.sent, result.retrying, result.failed) == (0, 0, 1)
    d = Delivery.objects.get()
    assert d.status == "failed" and d.attempts == 1
    assert d.last_error.startswith("550") and "mailbox unavailable" in d.last_error
    assert mail_server.messages == []
    assert f"mail delivery {d.pk}" in caplog.text
    assert "gone@example.org" not in caplog.text
    # Failed for good: later runs leave it alone.
    assert send_due(now=timezone.now() + timedelta(days=1)).failed == 0


def test_a_temporary_refusal_is_retried_after_the_backoff_and_then_sent(
    world: World, mail_server: MailServer
) -> None:
    mail_server.answer = "451 4.3.0 try again later"
    _queue(world, "ann@example.org")
    now = timezone.now()
    assert send_due(now=now).retrying == 1
    d = Delivery.objects.get()
    assert d.status == "retrying" and d.next_attempt_at == now + BACKOFF[0]
    assert d.last_error.startswith("451")
    mail_server.answer = None
    assert send_due(now=now + timedelta(seconds=30)).sent == 0  # not yet due
    assert send_due(now=now + BACKOFF[0]).sent == 1
    d.refresh_from_db()
    assert d.status == "sent" and d.attempts == 2 and d.last_error == ""
    assert [m["To"] for m in mail_server.messages] == ["ann@example.org"]


def test_temporary_refusals_back_off_then_fail(world: World, mail_server: MailServer) -> None:
    mail_server.answer = "451 4.3.0 try again later"
    _queue(world, "ann@example.org")
    clock = timezone.now()
    waits = []
    for _ in range(len(BACKOFF)):
        send_due(now=clock)
        d = Delivery.objects.get()
        waits.append(d.next_attempt_at - clock)
        clock = d.next_attempt_at
    assert waits == list(BACKOFF)
    assert send_due(now=clock).failed == 1
    d = Delivery.objects.get()
    assert d.status == "failed" and d.attempts == len(BACKOFF) + 1


def test_an_unreachable_server_leaves_mail_retrying(world: World, settings: Any) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 5},
        }
    }
    _queue(world, "ann@example.org", "bo@example.org")
    assert send_due().retrying == 2
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {
        "could not reach the mail server (ConnectionRefusedError)"
    }


def test_retrying_failed_mail_queues_it_again_and_is_audited(
    world: World, mail_server: MailServer
) -> None:
    mail_server.answer = "550 5.7.1 rejected"
    _queue(world, "ann@example.org")
    send_due()
    mail_server.answer = None
    n = retry_failed_mail(
        deliveries=Delivery.objects.all(), by=world.users["superintendent"], district=world.district
    )
    assert n == 1
    assert send_due().sent == 1
    d = Delivery.objects.get()
    assert d.status == "sent" and d.attempts == 2
    assert AuditEvent.objects.filter(action="outbox.retry_requested").count() == 1


def test_send_mail_command_sends_what_is_due(world: World, mail_server: MailServer) -> None:
    _queue(world, "ann@example.org")
    out = StringIO()
    call_command("send_mail", stdout=out)
    assert "Sent 1 e-mails; 0 will be retried, 0 failed." in out.getvalue()
    assert len(mail_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_mail_once(
    world: World, mail_server: MailServer, settings: Any
) -> None:
    # Queued with no task backend running, so that only the two workers below send.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    _queue(world, "ann@example.org")
    assert mail_server.messages == []
    mail_server.hold = threading.Event()
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(send_due()))
    first.start()
    try:
        assert mail_server.arrived.wait(10)  # the first worker is mid-send
        second = send_due()  # the second finds the row claimed
    finally:
        mail_server.hold.set()
        first.join(10)
    assert second.sent == 0
    assert results[0].sent == 1
    assert len(mail_server.messages) == 1
    assert Delivery.objects.get().attempts == 1
