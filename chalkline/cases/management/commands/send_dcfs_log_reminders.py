from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chalkline.cases.services import send_dcfs_log_reminders


class Command(BaseCommand):
    help = (
        "24 hours after Check a draft showed an employee the abuse prompt, ask whether they "
        "reported to DCFS and, if so, to log it (once per prompt; none when a log entry "
        "followed). A reminder only. Run it hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_dcfs_log_reminders()
        self.stdout.write(f"Queued {sent:,} DCFS log reminders.")
