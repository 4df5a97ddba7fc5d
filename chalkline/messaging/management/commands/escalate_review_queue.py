from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from chalkline.messaging.management.commands.release_held_messages import parse_now
from chalkline.messaging.services import escalate_review_queue


class Command(BaseCommand):
    help = (
        "Send to the designee every review item a principal has not reviewed within the "
        "district's school days. Idempotent (each item is claimed by a conditional UPDATE): "
        "run it hourly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", help="Act as if it were this time (ISO 8601, with offset).")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = escalate_review_queue(now=parse_now(options["now"]))
        self.stdout.write(f"Escalated {moved:,} review items to the designee.")
