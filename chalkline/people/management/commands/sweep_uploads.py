"""``chalkline sweep-uploads``: delete roster uploads that no live import needs (for cron)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from chalkline.people import services


class Command(BaseCommand):
    help = (
        "Take over dead import claims (their batches are marked abandoned), delete stored "
        "uploads that no queued or running import holds, and Django's stale temporary uploads. "
        "Idempotent; run it every few minutes from cron."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be deleted; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        result = services.sweep_uploads(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{len(result.abandoned)} dead import(s) {verb} abandoned, "
            f"{len(result.files)} stored upload(s) and {len(result.temp_files)} temporary "
            f"upload(s) {verb} deleted."
        )
