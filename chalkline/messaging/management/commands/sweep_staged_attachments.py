from __future__ import annotations

import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from chalkline.messaging.attachments import staged_lifetime, sweep_staged_files
from chalkline.messaging.management.commands.release_held_messages import parse_now

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Delete the files attached in the composer but never sent, once their token has expired "
        "(MESSAGING_STAGED_FILE_HOURS, 24 h, plus an hour). A file a sent message's attachment "
        "references is never touched. Idempotent: run it hourly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", help="Act as if it were this time (ISO 8601, with offset).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) or timezone.now()
        dry_run = bool(options["dry_run"])
        swept = sweep_staged_files(now=now, dry_run=dry_run)
        hours = staged_lifetime().total_seconds() / 3600
        verb = "Would delete" if dry_run else "Deleted"
        summary = (
            f"{verb} {swept.files:,} staged files never sent ({swept.bytes / 1024 / 1024:,.1f} MB, "
            f"older than {hours:g} h); kept {swept.kept:,} old files that sent messages hold."
        )
        log.info(summary)
        self.stdout.write(summary)
