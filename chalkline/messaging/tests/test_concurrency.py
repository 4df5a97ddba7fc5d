"""On PostgreSQL: 8 clients each double-submitting the same send at the same moment make one
message (and one thread) each: nothing lost, nothing duplicated."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import Message, Thread
from chalkline.messaging.tests.conftest import School


@pytest.mark.django_db(transaction=True)
def test_eight_clients_double_submitting_make_one_message_each(school: School) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    teacher = school.world.users["teacher_north"]
    start = threading.Barrier(16)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            client = Client()
            client.force_login(teacher)
            start.wait()
            response = client.post(
                reverse("messaging:compose"),
                {
                    "audience": f"class_families:{school.math.pk}",
                    "subject": f"Note {n}",
                    "body": f"Reminder number {n}: bring a pencil.",
                    "idempotency_key": f"client-{n}",
                },
            )
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=send, args=(n % 8,)) for n in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert statuses == [302] * 16
    assert Message.objects.count() == 8
    assert Thread.objects.count() == 8  # the losers of each race left no empty thread
    assert AuditEvent.objects.filter(action="messaging.message_sent").count() == 8
