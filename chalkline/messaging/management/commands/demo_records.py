"""demo-records: the demo records officer's retention schedule item, disposal certificate and a
legal hold, so the records pages have something to show. Safe to run again."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chalkline.messaging.models import DisposalCertificate, LegalHold, RetentionSchedule
from chalkline.messaging.services import (
    add_disposal_certificate,
    add_retention_schedule,
    place_legal_hold,
)
from chalkline.people.models import District, User


class Command(BaseCommand):
    help = (
        "Enter a demo retention schedule item, disposal certificate and legal hold as the demo "
        "records officer (run after demo-data; running it again adds nothing)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}; run demo-data first.")
        officer = User.objects.filter(username=f"records@{slug}").first()
        if officer is None:
            raise CommandError("The demo district has no demo records officer.")
        made = 0
        with transaction.atomic():
            schedule = RetentionSchedule.objects.filter(
                district=district, schedule_number="DEMO-24-0117", item_number="3"
            ).first()
            if schedule is None:
                schedule = add_retention_schedule(
                    district=district,
                    by=officer,
                    schedule_number="DEMO-24-0117",
                    item_number="3",
                    series="all",
                    title="Electronic correspondence with families and students",
                    retention_months=60,
                    approved_on=datetime.date(2024, 3, 5),
                    commission_reference="Local Records Commission (demo), meeting of 2024-03-05",
                )
                made += 1
            if not DisposalCertificate.objects.filter(
                district=district, number="DEMO-DC-1"
            ).exists():
                today = timezone.localdate()
                add_disposal_certificate(
                    district=district,
                    by=officer,
                    schedule=schedule,
                    number="DEMO-DC-1",
                    approved_on=today,
                    covers_from=None,
                    covers_through=today.replace(year=today.year - 5, month=6, day=30),
                    description="Messages of the hub sent through June 30, five years ago (demo)",
                )
                made += 1
            if not LegalHold.objects.filter(district=district, name="Demo hold").exists():
                place_legal_hold(
                    district=district,
                    by=officer,
                    name="Demo hold",
                    matter="A records request being answered (demo)",
                    scope=LegalHold.Scope.DATES,
                    date_from=datetime.date(2020, 1, 1),
                    date_to=datetime.date(2020, 12, 31),
                )
                made += 1
        self.stdout.write(f"Records: {made} demo retention records entered for records@{slug}.")
