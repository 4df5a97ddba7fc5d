from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.cases.services import purge_expired_cases
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Delete closed cases past their retention date (the case settings' years after closing) "
        "that no legal hold keeps, with their evidence files. --dry-run only counts them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        n = sum(purge_expired_cases(district=d, dry_run=options["dry_run"]) for d in districts)
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {n:,} cases past their retention period.")
