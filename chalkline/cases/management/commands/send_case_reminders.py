from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.cases.services import send_case_reminders
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "E-mail the managers and investigator of every open case whose step is past its due date "
        "(paused cases wait for their resume date). Idempotent: one reminder per case and step. "
        "Run it daily."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        queued = sum(send_case_reminders(district=d) for d in districts)
        self.stdout.write(f"Queued {queued:,} case reminders.")
