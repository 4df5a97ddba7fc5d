from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.messaging.models import DisposalCertificate
from chalkline.messaging.services import DEFAULT_RUN_LIMIT, dispose_records, eligibility
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Dispose of the messages a Local Records Disposal Certificate covers (50 ILCS 205/7): "
        "past the schedule's retention period, within the certificate's dates, on no legal hold. "
        "Each run of --batch messages is one transaction that leaves a tombstone per message and "
        "one audit event. Idempotent: disposed messages are gone, a second run finds nothing. "
        "--dry-run only counts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--certificate", required=True, help="The certificate's number.")
        parser.add_argument("--district", help="District slug (needed when several districts).")
        parser.add_argument("--dry-run", action="store_true", help="Count, dispose of nothing.")
        parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_RUN_LIMIT,
            help=f"Messages per run (one transaction each; default {DEFAULT_RUN_LIMIT:,}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        certificates = DisposalCertificate.objects.filter(number=options["certificate"])
        if options["district"]:
            district = District.objects.filter(slug=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with slug {options['district']!r}.")
            certificates = certificates.filter(district=district)
        found = list(certificates.select_related("schedule", "district")[:2])
        if not found:
            raise CommandError(f"No disposal certificate numbered {options['certificate']!r}.")
        if len(found) > 1:
            raise CommandError("Several districts have that certificate number: name --district.")
        if options["batch"] < 1:
            raise CommandError("--batch: at least 1.")
        certificate = found[0]
        if options["dry_run"]:
            e = eligibility(certificate)
            self.stdout.write(
                f"Would dispose of {e.eligible:,} messages under certificate "
                f"{certificate.number} ({e.held:,} more kept by legal holds)."
            )
            return
        disposed = runs = 0
        while True:
            run = dispose_records(
                certificate=certificate,
                by=None,
                via="command",
                idempotency_key=f"cmd-{uuid.uuid4().hex}",
                limit=options["batch"],
            )
            if run is None:
                break
            runs += 1
            disposed += run.disposed
            if options["verbosity"] > 1:
                self.stderr.write(f"  run {runs}: {disposed:,} messages so far")
        self.stdout.write(
            f"Disposed of {disposed:,} messages in {runs:,} runs under certificate "
            f"{certificate.number}."
        )
