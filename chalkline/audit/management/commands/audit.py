from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from chalkline.audit.services import seal_pending, verify_chain
from chalkline.lib.sqlite import EXIT_DATABASE_BUSY, is_database_busy
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Work with the audit log. `audit verify [--district SLUG]` recomputes every hash chain; "
        "`audit seal [--district SLUG]` links events still waiting after a crash (idempotent)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="Recompute the hash chain; exit 1 on the first break, 75 if the database was busy.",
        )
        verify.add_argument("--district", help="District slug (default: every district).")
        seal = sub.add_parser("seal", help="Link waiting events into their chain.")
        seal.add_argument("--district", help="District slug (default: every district).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(**options)
        except OperationalError as exc:
            if not is_database_busy(exc):
                raise
            self.stdout.write(
                "BUSY: the database was busy (another process holds a lock); nothing was checked "
                "or changed."
            )
            raise CommandError(
                "The database was busy; run the command again.", returncode=EXIT_DATABASE_BUSY
            ) from None

    def _handle(self, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        if options["action"] == "seal":
            total = sum(seal_pending(d.pk, wait=True) for d in districts)
            self.stdout.write(f"Sealed {total:,} waiting events into their chains.")
            return
        broken = busy = False
        show_progress = sys.stderr.isatty()
        for district in districts:

            def progress(n: int, slug: str = district.slug) -> None:
                if show_progress:
                    sys.stderr.write(f"\r{slug}: {n:,} events checked")

            try:
                result = verify_chain(district.pk, progress=progress)
            except OperationalError as exc:
                if not is_database_busy(exc):
                    raise
                # A lock held by another process says nothing about the chain: never "BROKEN".
                self.stdout.write(
                    f"BUSY {district.slug}: the database was busy (another process holds a lock); "
                    "the chain was not checked."
                )
                busy = True
                continue
            if show_progress:
                sys.stderr.write("\n")
            waiting = f" ({result.pending:,} waiting to be sealed)" if result.pending else ""
            if result.ok:
                self.stdout.write(
                    f"OK {district.slug}: {result.count:,} events, chain intact{waiting}"
                )
            else:
                broken = True
                self.stdout.write(
                    f"BROKEN {district.slug}: row #{result.broken_seq} (id {result.broken_id}): "
                    f"{result.reason}. {result.count:,} events before it verified."
                )
        if broken:
            raise CommandError("The audit chain is broken.", returncode=1)
        if busy:
            raise CommandError(
                "The database was busy; run audit verify again.", returncode=EXIT_DATABASE_BUSY
            )
