"""Background work for the directory: the import runs here, enqueued after commit."""

from __future__ import annotations

from django.tasks import task

from chalkline.people import services


@task
def run_directory_import_task(batch_id: int) -> None:
    services.run_directory_import(batch_id=batch_id)


@task
def send_password_reset_task(email: str, domain: str, use_https: bool) -> None:
    from chalkline.people.password_reset import send_password_reset

    send_password_reset(email=email, domain=domain, use_https=use_https)
