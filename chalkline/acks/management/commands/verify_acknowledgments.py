from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.acks import selectors
from chalkline.acks.models import Signature
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Recompute every acknowledgment record's hash and check it against the record and its "
        "audit event (which `chalkline audit verify` proves unbroken). Exit 1 on any mismatch."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")

    def handle(self, *args: Any, **options: Any) -> None:
        records = Signature.objects.order_by("pk")
        if options["district"]:
            district = District.objects.filter(slug=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with slug {options['district']!r}.")
            records = records.filter(district=district)
        bad = 0
        count = 0
        # Each record's own hash and its audit event; the signed text's hash is recomputed on
        # the public verification page (the same selector, with check_text).
        for record, check in selectors.verify_signatures(
            records.iterator(chunk_size=2000), check_text=False
        ):
            count += 1
            if not check.intact:
                bad += 1
                self.stdout.write(f"BROKEN record {record.pk} ({record.verification_code})")
        if bad:
            raise CommandError(f"{bad:,} of {count:,} records do not verify.", returncode=1)
        self.stdout.write(f"OK: {count:,} acknowledgment records intact and in the audit log.")
