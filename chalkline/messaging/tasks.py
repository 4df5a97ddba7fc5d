"""Background work of the messaging hub: a sent message's e-mails, off the send request."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django_tasks_db.backend import DatabaseBackend


@task
def email_message_task(message_id: int) -> int:
    """Render and queue (outbox) the e-mails of one sent message and its journal copy. Safe to
    run twice: a recipient already e-mailed, or a delivery already queued, is skipped."""
    from chalkline.messaging.services.email_delivery import email_sent_message

    return email_sent_message(message_id=message_id)


def enqueue_message_emails(message_id: int) -> None:
    """Queue a message's e-mails; call it in the send's transaction. A task queue kept in the
    database stores the task in that transaction (queued if and only if the message commits, and
    nothing lost between the two); any other backend gets it after commit (the immediate one
    then renders and queues the e-mails before the response, as before)."""
    if isinstance(email_message_task.get_backend(), DatabaseBackend):
        email_message_task.enqueue(message_id)
    else:
        transaction.on_commit(lambda: email_message_task.enqueue(message_id), robust=True)
