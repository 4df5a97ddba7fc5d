"""``chalkline import-staff PATH``: import the supplemental staff CSV (docs/staff-csv.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.management.commands.import_roster import resolve_district, run_batch


class Command(BaseCommand):
    help = "Import the supplemental staff CSV: employees the rosters leave out."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--district", help="the district's slug (needed if several)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )
        parser.add_argument(
            "--confirm-deactivations",
            action="store_true",
            help="apply even if the file deactivates more than IMPORT_MAX_DEACTIVATION_SHARE "
            "of the district's active people",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        run_batch(
            self,
            district=resolve_district(options["district"]),
            staff_csv_path=str(path),
            source_name=path.name,
            dry_run=options["dry_run"],
            confirm_deactivations=options["confirm_deactivations"],
        )
