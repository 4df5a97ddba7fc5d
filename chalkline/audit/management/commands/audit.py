from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.db.models import QuerySet

from chalkline.audit import checkpoints
from chalkline.audit.services import seal_pending, verify_chain
from chalkline.lib.sqlite import EXIT_DATABASE_BUSY, is_database_busy
from chalkline.people.models import District, User


class Command(BaseCommand):
    help = (
        "Work with the audit log. `audit verify [--district SLUG] [--checkpoints DIR]` recomputes "
        "every hash chain (and compares it with the signed checkpoints); `audit seal` links "
        "events still waiting after a crash (idempotent); `audit checkpoint` writes a signed "
        "checkpoint of each chain head; `audit record-restore --checkpoint FILE --reason TEXT` "
        "records a restore from backup to that checkpoint."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Recompute the hash chain; exit 1 on the first break."
        )
        verify.add_argument("--district", help="District slug (default: every district).")
        verify.add_argument(
            "--checkpoints",
            metavar="DIR",
            help="Also compare each chain with the signed checkpoints in DIR "
            "(needs AUDIT_CHECKPOINT_KEY_FILE).",
        )
        seal = sub.add_parser("seal", help="Link waiting events into their chain.")
        seal.add_argument("--district", help="District slug (default: every district).")
        checkpoint = sub.add_parser(
            "checkpoint",
            help="Write a signed checkpoint (seq, head hash) per district to "
            "AUDIT_CHECKPOINT_DIR, and e-mail it to AUDIT_CHECKPOINT_EMAIL if set.",
        )
        checkpoint.add_argument("--district", help="District slug (default: every district).")
        restore = sub.add_parser(
            "record-restore",
            help="After restoring the database from a backup, record that the chain went back "
            "to a checkpoint (writes a signed restore record and an audit event).",
        )
        restore.add_argument("--checkpoint", required=True, metavar="FILE")
        restore.add_argument("--reason", required=True)
        restore.add_argument("--by", metavar="USERNAME", help="The administrator recording it.")

    def _districts(self, slug: str | None) -> QuerySet[District]:
        districts = District.objects.order_by("pk")
        if slug:
            districts = districts.filter(slug=slug)
            if not districts.exists():
                raise CommandError(f"No district with slug {slug!r}.")
        return districts

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "record-restore":
                self._record_restore(options)
                return
            districts = self._districts(options["district"])
            if options["action"] == "seal":
                total = sum(seal_pending(d.pk, wait=True) for d in districts)
                self.stdout.write(f"Sealed {total:,} waiting events into their chains.")
            elif options["action"] == "checkpoint":
                self._checkpoint(districts)
            else:
                self._verify(districts, options["checkpoints"])
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
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

    def _checkpoint(self, districts: QuerySet[District]) -> None:
        key = checkpoints.load_key()
        folder = checkpoints.checkpoint_dir()
        written = [
            checkpoints.write_checkpoint(district=d, by=None, key=key, folder=folder)
            for d in districts
        ]
        for record in written:
            self.stdout.write(f"Checkpoint {record.district} #{record.seq}: {record.name}")
        self.stdout.write(f"Wrote {len(written):,} checkpoints to {folder}.")

    def _record_restore(self, options: dict[str, Any]) -> None:
        key = checkpoints.load_key()
        folder = checkpoints.checkpoint_dir()
        path = Path(options["checkpoint"])
        if not path.is_file():
            raise CommandError(f"No checkpoint file {str(path)!r}.")
        record = next(iter(checkpoints.read_records_from([path], key)))
        district = District.objects.filter(slug=record.district).first()
        if district is None:
            raise CommandError(f"{path.name}: no district {record.district!r} in this database.")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
        restore = checkpoints.record_restore(
            district=district,
            by=by,
            checkpoint=record,
            reason=options["reason"],
            key=key,
            folder=folder,
        )
        self.stdout.write(
            f"Recorded: {district.slug} restored to checkpoint #{record.seq} "
            f"({restore.name}); audit verify now accepts the gap."
        )

    def _verify(self, districts: QuerySet[District], checkpoint_folder: str | None) -> None:
        records: list[checkpoints.Record] | None = None
        if checkpoint_folder is not None:
            key = checkpoints.load_key()
            records = checkpoints.read_records(checkpoints.checkpoint_dir(checkpoint_folder), key)
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
            if not result.ok:
                broken = True
                self.stdout.write(
                    f"BROKEN {district.slug}: row #{result.broken_seq} (id {result.broken_id}): "
                    f"{result.reason}. {result.count:,} events before it verified."
                )
                continue
            if records is None:
                self.stdout.write(
                    f"OK {district.slug}: {result.count:,} events, chain intact{waiting}"
                )
                continue
            report = checkpoints.check_against_checkpoints(
                district, chain_length=result.count, records=records
            )
            for restore in report.restores:
                body = restore.record.body
                self.stdout.write(
                    f"RESTORED {district.slug}: the chain was restored to checkpoint "
                    f"#{body['checkpoint_seq']} on {restore.record.at:%Y-%m-%d %H:%M} UTC for "
                    f"reason: {body['reason']}. {len(restore.superseded):,} later checkpoints "
                    "written before the restore are superseded"
                    + (
                        " (" + ", ".join(f"#{c.seq}" for c in restore.superseded) + ")."
                        if restore.superseded
                        else "."
                    )
                )
            if not report.ok:
                broken = True
                for problem in report.problems:
                    self.stdout.write(f"BROKEN {district.slug}: {problem}.")
                continue
            latest = max(report.agreed, key=lambda r: r.seq, default=None)
            anchored = (
                f"{len(report.agreed):,} checkpoints agree (latest #{latest.seq})"
                if latest
                else "no checkpoint yet"
            )
            self.stdout.write(
                f"OK {district.slug}: {result.count:,} events, chain intact, {anchored}{waiting}"
            )
        if broken:
            raise CommandError("The audit chain is broken.", returncode=1)
        if busy:
            raise CommandError(
                "The database was busy; run audit verify again.", returncode=EXIT_DATABASE_BUSY
            )
