from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.acks.services import assign_new_hires
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Bring open campaigns up to date with the directory: assign new hires (due N days after "
        "hire) and close the open assignments of leavers (their records are kept). Idempotent; "
        "run it daily or after a directory import."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        assigned = closed = 0
        for district in districts:
            result = assign_new_hires(district=district, by=None)
            assigned += result.assigned
            closed += result.closed
        self.stdout.write(
            f"Assigned {assigned:,} new hires; closed {closed:,} leavers' assignments."
        )
