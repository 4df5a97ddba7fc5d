"""Outbound mail against a real SMTP server: sent, refused for good, refused for now, raced."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.outbox import services
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


def _send_due_in_thread(results: list[Any]) -> None:
    """``send_due`` as another worker: its own database connection, closed when it is done (an
    open one would keep the test database from being dropped)."""
    try:
        results.append(send_due())
    finally:
        connection.close()


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
    first = threading.Thread(target=_send_due_in_thread, args=(results,))
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


def _sent_rows_reach(n: int) -> int:
    """The number of rows recorded sent, once it reaches ``n`` or after 10 s (the sender records
    from its own thread while the test waits)."""
    deadline = time.monotonic() + 10
    while (count := Delivery.objects.filter(status="sent").count()) < n:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return count


@pytest.mark.parametrize("lanes", [1, 3])
@pytest.mark.django_db(transaction=True)
def test_a_batch_records_its_sent_mail_as_it_goes_so_a_killed_worker_resends_few(
    world: World, mail_server: MailServer, settings: Any, monkeypatch: Any, lanes: int
) -> None:
    """A worker killed mid-batch leaves its unrecorded rows "sending", and they go out again
    after STALE_CLAIM: the batch records every RECORD_EVERY answers, so those already answered
    are written while the rest are still being sent (the whole batch of 200 was recorded at its
    end, so a kill then meant 200 people got the mail twice)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.OUTBOX_SMTP_CONNECTIONS = lanes
    monkeypatch.setattr(services, "RECORD_EVERY", 5)
    _queue(world, *(f"parent{i:02}@example.org" for i in range(30)))
    mail_server.hold_from = 13  # the 13th message and every later one wait for the test
    mail_server.hold = threading.Event()
    results: list[Any] = []
    sender = threading.Thread(target=_send_due_in_thread, args=(results,))
    sender.start()
    try:
        assert mail_server.arrived.wait(10)
        # 12 answered: 10 of them recorded (two rounds of 5), the rest still "sending"
        assert _sent_rows_reach(10) == 10
        assert Delivery.objects.filter(status="sending").count() == 20
    finally:
        mail_server.hold.set()
        sender.join(30)
    assert results[0].sent == 30
    assert Delivery.objects.filter(status="sent", attempts=1).count() == 30
    assert sorted(m["To"] for m in mail_server.messages) == sorted(
        f"parent{i:02}@example.org" for i in range(30)
    )


@pytest.mark.parametrize("lanes", [1, 3])
def test_an_unexpected_error_mid_batch_still_records_every_answered_mail(
    world: World, mail_server: MailServer, settings: Any, monkeypatch: Any, lanes: int
) -> None:
    settings.OUTBOX_SMTP_CONNECTIONS = lanes
    monkeypatch.setattr(services, "RECORD_EVERY", 5)
    _queue(world, *(f"parent{i:02}@example.org" for i in range(30)))
    make_message = services._message

    def broken(delivery: Delivery) -> Any:
        if delivery.to == "parent07@example.org":
            raise RuntimeError("a bug in the message")
        return make_message(delivery)

    monkeypatch.setattr(services, "_message", broken)
    with pytest.raises(RuntimeError, match="a bug in the message"):
        send_due()
    accepted = {m["To"] for m in mail_server.messages}
    assert "parent07@example.org" not in accepted and len(accepted) >= 7
    # every mail the server accepted is recorded sent; the rest wait, claimed, for STALE_CLAIM
    assert set(Delivery.objects.filter(status="sent").values_list("to", flat=True)) == accepted
    assert Delivery.objects.filter(status="sending").count() == 30 - len(accepted)


def test_when_recording_fails_mid_batch_the_sending_threads_stop(
    world: World, mail_server: MailServer, settings: Any, monkeypatch: Any
) -> None:
    """The database goes away while a batch is sent: nothing answered can be recorded, so each
    e-mail sent from then on would go twice after STALE_CLAIM. The sending threads stop after
    the message each has in hand, instead of sending the rest of the batch."""
    lanes = 3
    settings.OUTBOX_SMTP_CONNECTIONS = lanes
    monkeypatch.setattr(services, "RECORD_EVERY", 5)
    _queue(world, *(f"parent{i:02}@example.org" for i in range(30)))

    def database_gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_record", database_gone)
    # the 7th and later messages wait 1 s for their answer: by then the 5th answer's record has
    # failed, so each sending thread has one message in hand and stops after it
    mail_server.hold_from = 7
    mail_server.hold = threading.Event()
    mail_server.hold_seconds = 1
    with pytest.raises(OperationalError):
        send_due()
    assert len(mail_server.messages) <= 6 + lanes  # all 30 went out before
    assert Delivery.objects.filter(status="sending").count() == 30  # due again after STALE_CLAIM
