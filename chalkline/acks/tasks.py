"""Background work: certificates after a record commits (e-mail goes through the outbox)."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django_tasks_db.backend import DatabaseBackend

from chalkline.acks.models import Signature


@task
def issue_certificate_task(signature_id: int) -> None:
    from chalkline.acks.services import issue_certificate

    signature = Signature.objects.filter(pk=signature_id).first()
    if signature is not None:
        issue_certificate(signature=signature)


def enqueue_certificate(signature_id: int) -> None:
    """Queue a record's certificate; call it in the record's transaction. A task queue kept in the
    database takes it in that transaction (queued if and only if the record commits, and no
    commit of its own); any other backend gets it after commit (the immediate one makes the PDF
    then, before the response)."""
    if isinstance(issue_certificate_task.get_backend(), DatabaseBackend):
        issue_certificate_task.enqueue(signature_id)
    else:
        transaction.on_commit(lambda: issue_certificate_task.enqueue(signature_id), robust=True)
