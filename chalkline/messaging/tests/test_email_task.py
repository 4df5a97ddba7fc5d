"""A message's e-mails leave the send request: the send stores ONE task in its own transaction
(the database task queue), the task renders and queues the e-mails and the journal copy, and a
retried task queues nothing twice (issue 18, Performance and "0 lost, 0 duplicated")."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from chalkline.messaging import access
from chalkline.messaging.models import Message, Recipient
from chalkline.messaging.services import start_thread
from chalkline.messaging.tasks import email_message_task
from chalkline.messaging.tests.conftest import School, committed
from chalkline.outbox.models import Delivery
from chalkline.outbox.tests.conftest import MailServer

TASK_PATH = "chalkline.messaging.tasks.email_message_task"
JOURNAL = "journal@archive.prairie.example.org"


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MESSAGING_JOURNAL_ADDRESS = JOURNAL


def _post(client: Client, school: School, key: str = "k1") -> Message:
    client.force_login(school.world.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Math 4: calculators",
            "body": "Bring a calculator on Monday.",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 302
    return Message.objects.get(idempotency_key=key)


def _ada(school: School, message: Message) -> Recipient:
    return Recipient.objects.get(message=message, person=school.classmate_guardian)


def test_a_send_stores_one_task_and_no_email_in_the_request(
    client: Client, school: School, db_tasks: None
) -> None:
    message = _post(client, school)
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert [r.args_kwargs["args"] for r in queued] == [[message.pk]]
    assert not Delivery.objects.exists()  # nothing rendered or queued in the request
    assert _ada(school, message).emailed_at is None
    # a double click: still one message and one task
    assert _post(client, school) == message
    assert queued.count() == 1


def test_the_task_queues_each_email_and_the_journal_copy_once_even_when_run_twice(
    client: Client, school: School, db_tasks: None
) -> None:
    message = _post(client, school)
    assert email_message_task.call(message.pk) == 2  # Ada by e-mail, and the journal copy
    ada = _ada(school, message)
    assert ada.emailed_at is not None
    email = Delivery.objects.get(ref_type="messaging.recipient")
    assert (email.ref_id, email.to) == (ada.pk, school.classmate_guardian.email)
    assert "Bring a calculator on Monday." in email.body
    journal = Delivery.objects.get(ref_type="messaging.journal")
    assert (journal.ref_id, journal.to) == (message.pk, JOURNAL)
    # the task retried (a worker lost after it committed): nothing more
    assert email_message_task.call(message.pk) == 0
    assert Delivery.objects.count() == 2
    # nor when Ada's row forgot it was e-mailed: the outbox queues a (ref, address) once
    Recipient.objects.filter(pk=ada.pk).update(emailed_at=None)
    assert email_message_task.call(message.pk) == 0
    assert Delivery.objects.count() == 2


def test_a_send_that_rolls_back_leaves_no_task(school: School, db_tasks: None) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "class_families", str(school.math.pk))
    with pytest.raises(RuntimeError), transaction.atomic():
        start_thread(
            district=w.district,
            by=teacher,
            kind=aud.kind,
            key=aud.key,
            audience_label=aud.label,
            subject="Trip",
            body="The trip is on Friday.",
            idempotency_key="gone",
        )
        assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1
        raise RuntimeError("the request failed after the send")
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()


def test_a_message_gone_before_its_task_ran_sends_nothing(school: School) -> None:
    assert email_message_task.call(10**9) == 0
    assert not Delivery.objects.exists()


def test_the_status_page_says_queued_honestly_before_and_after_the_task(
    client: Client, school: School, db_tasks: None
) -> None:
    message = _post(client, school)
    url = reverse("messaging:delivery_status", args=[message.pk])
    page = client.get(url).content.decode()
    # Ada reads by e-mail at once: queued, being prepared (not "waiting for the digest")
    assert re.search(
        r"Ada Okafor</th><td>E-mail</td><td><span class=\"badge\">Queued</span></td>"
        r"<td>The e-mail is being prepared.",
        page,
    )
    assert "daily digest" not in page
    assert re.search(r"Elena Garcia</th><td>In the app</td><td><span class=\"badge\">Sent", page)
    email_message_task.call(message.pk)
    page = client.get(url).content.decode()
    assert re.search(
        r"Ada Okafor</th><td>E-mail</td><td><span class=\"badge\">Queued</span></td><td></td>",
        page,
    )


def test_on_the_immediate_backend_the_email_goes_out_when_the_send_commits(
    client: Client, school: School, mail_server: MailServer
) -> None:
    with committed():  # the send's task, then the outbox's, each after its commit
        message = _post(client, school)
    delivery = Delivery.objects.get(ref_id=_ada(school, message).pk)
    assert delivery.status == Delivery.Status.SENT
    (mail,) = mail_server.messages
    assert mail["To"] == school.classmate_guardian.email


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_task_at_once_queue_each_email_once(school: School, db_tasks: None) -> None:
    """A task requeued while its first run still works (a worker thought lost): on PostgreSQL
    the second run waits on the recipients' rows, then finds them e-mailed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "class_families", str(school.math.pk))
    message = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Trip",
        body="The trip is on Friday.",
        idempotency_key="race",
    )
    start = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            queued.append(email_message_task.call(message.pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert errors == []
    assert Delivery.objects.filter(ref_type="messaging.recipient").count() == 1  # Ada's
    assert Delivery.objects.filter(ref_type="messaging.journal").count() == 1
    assert 2 in queued  # one run queued Ada's e-mail and the journal copy
