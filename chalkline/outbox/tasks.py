"""Background work: send the mail that is due."""

from __future__ import annotations

from django.tasks import task


@task
def send_mail_task() -> int:
    from chalkline.outbox.services import send_due

    return send_due().sent
