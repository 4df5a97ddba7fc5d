"""Background work for the policy library: a large policy file is parsed and imported here."""

from __future__ import annotations

from django.tasks import task

from chalkline.policies import services


@task
def run_policy_import_task(import_id: int) -> None:
    services.run_policy_import(import_id=import_id)
