from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from chalkline.outbox.services import send_due


class Command(BaseCommand):
    help = (
        "Send the e-mail that is due: queued mail, and retries whose wait is over. Safe to run "
        "from cron every minute and from several hosts at once (rows are claimed before sending)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=50_000, help="Stop after this many attempts."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due(limit=options["limit"])
        self.stdout.write(
            f"Sent {result.sent:,} e-mails; {result.retrying:,} will be retried, "
            f"{result.failed:,} failed."
        )
