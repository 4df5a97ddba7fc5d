"""``chalkline import-roster PATH``: import a OneRoster 1.1/1.2 package (zip or folder)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from chalkline.people import roster_import, services
from chalkline.people.models import District, ImportBatch


def resolve_district(slug: str | None) -> District:
    if slug:
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district with the slug {slug!r}.")
        return district
    districts = list(District.objects.all()[:2])
    if len(districts) != 1:
        raise CommandError("Say which district with --district SLUG.")
    return districts[0]


class ProgressBar:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.tty:
            return
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            text = f"[{bar}] {phase}"
        else:
            text = f"{phase}: {done:,}" if done else phase
        self.stream.write(f"\r{text[:78]:<78}")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 78 + "\r")


def print_summary(out: Any, batch: ImportBatch) -> None:
    out.write(f"Import #{batch.pk}: {batch.get_status_display()}")
    if batch.message:
        out.write(batch.message)
    if batch.counts:
        width = max(len(e) for e in batch.counts) + 2
        out.write("".ljust(width) + "".join(a.rjust(12) for a in roster_import.ACTIONS))
        for entity, per in batch.counts.items():
            out.write(
                entity.ljust(width)
                + "".join(f"{per.get(a, 0):>12,}" for a in roster_import.ACTIONS)
            )
    out.write(f"{batch.error_count} error(s), {batch.warning_count} warning(s)")
    for issue in batch.issues:
        out.write("  " + roster_import.format_issue(issue))
    hidden = sum(batch.issue_counts.values()) - len(batch.issues)
    if hidden > 0:
        out.write(f"  ... {hidden} more of the same kinds (counted, not listed)")


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.1 or 1.2 CSV package (zip or folder) into the directory. "
        "Bulk files deactivate people missing from them; nothing is ever deleted."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="a .zip file or a folder with manifest.csv")
        parser.add_argument("--district", help="the district's slug (needed if several)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )
        parser.add_argument("--staff-csv", type=Path, help="also import a supplemental staff CSV")
        parser.add_argument(
            "--take-over",
            metavar="REASON",
            help="first abandon the import holding the district's lock, even one that still "
            "looks alive (audited with this reason)",
        )
        parser.add_argument(
            "--reread",
            action="store_true",
            help="read and compare every row even if the files are identical to the last import",
        )
        parser.add_argument(
            "--confirm-deactivations",
            action="store_true",
            help="apply even if the import deactivates more than IMPORT_MAX_DEACTIVATION_SHARE "
            "of the district's active people (they lose their sign-in and roles)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        staff = Path(options["staff_csv"]) if options["staff_csv"] else None
        if staff is not None and not staff.is_file():
            raise CommandError(f"{staff} does not exist.")
        district = resolve_district(options["district"])
        if options["take_over"] is not None:
            take_over(self, district, options["take_over"])
        run_batch(
            self,
            district=district,
            package_path=str(path),
            staff_csv_path=str(staff) if staff else "",
            source_name=path.name + (f" + {staff.name}" if staff else ""),
            dry_run=options["dry_run"],
            reread=options["reread"],
            confirm_deactivations=options["confirm_deactivations"],
        )


def take_over(command: BaseCommand, district: District, reason: str) -> None:
    try:
        batch = services.take_over_import_lock(district=district, reason=reason, by=None)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    except services.NothingToTakeOver as exc:
        command.stdout.write(str(exc))
    else:
        command.stdout.write(f"Import #{batch.pk} abandoned; its lock is free.")


def run_batch(command: BaseCommand, **kwargs: Any) -> None:
    try:
        batch = services.start_directory_import(by=None, enqueue=False, **kwargs)
    except services.ImportBusyError as exc:
        raise CommandError(str(exc)) from exc
    bar = ProgressBar(sys.stderr)
    batch = services.run_directory_import(batch_id=batch.pk, progress=bar)
    bar.end()
    print_summary(command.stdout, batch)
    if batch.status == ImportBatch.Status.FAILED:
        raise CommandError(f"Import #{batch.pk} failed: {batch.message}")
