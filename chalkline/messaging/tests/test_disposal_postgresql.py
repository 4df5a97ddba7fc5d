"""On PostgreSQL: two disposal runs of one certificate at the same moment dispose of each message
once, and the gate needs the transaction-local ``chalkline.disposal`` setting as well as the
running run's tombstone."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from chalkline.audit.models import AuditEvent
from chalkline.audit.services import seal_pending, verify_chain
from chalkline.messaging.models import DisposalRun, Message, Recipient, Tombstone
from chalkline.messaging.services import dispose_records
from chalkline.messaging.tests.conftest import School
from chalkline.messaging.tests.retention_helpers import (
    at,
    records_officer,
    schedule_and_certificate,
    send_family_message,
)

NOW = at(2026, 12, 6)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race and the session setting are PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_dispose_of_each_message_once(school: School) -> None:
    _postgresql_only()
    officer = records_officer(school)
    for day in range(1, 13):
        send_family_message(school, at(2019, 5, day), f"Note {day}")
    certificate = schedule_and_certificate(school, officer)
    start = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            done = dispose_records(
                certificate=certificate, by=officer, idempotency_key=f"k{n}", via="command"
            )
            results.append(done.disposed if done else 0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert sorted(results) == [0, 0, 0, 12]
    assert Message.objects.count() == 0
    assert Tombstone.objects.count() == 12
    assert DisposalRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="messaging.messages_disposed").count() == 1
    seal_pending(school.world.district.pk)
    assert verify_chain(school.world.district.pk).ok


@pytest.mark.django_db(transaction=True)
def test_without_the_session_setting_a_running_run_opens_nothing(school: School) -> None:
    _postgresql_only()
    officer = records_officer(school)
    message = send_family_message(school, at(2019, 5, 1))
    certificate = schedule_and_certificate(school, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        run = DisposalRun.objects.create(
            district=school.world.district,
            certificate=certificate,
            idempotency_key="no-flag",
            started_at=NOW,
        )
        Tombstone.objects.create(
            district=school.world.district,
            run=run,
            certificate=certificate,
            message_id=message.pk,
            thread_id=message.thread_id,
            sha256=message.sha256,
            sent_at=message.sent_at,
            disposed_at=NOW,
        )
        Recipient.objects.filter(message=message).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM messaging_message WHERE id = %s", [message.pk])
    # and a setting outside a disposal run opens nothing either
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL chalkline.disposal = 'on'")
        cursor.execute("DELETE FROM messaging_message WHERE id = %s", [message.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE messaging_tombstone")
    assert Message.objects.filter(pk=message.pk).exists()
