"""``chalkline screen --roster PATH --in messages.jsonl --out findings.jsonl``"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.screening.cli import run, summary_line
from chalkline.screening.types import RosterError, ScreeningInputError

ROSTER_EXIT_CODE = 2  # the roster cannot be read or holds no students (docs/screening.md)


class Command(BaseCommand):
    help = (
        "Screen messages (JSON Lines) against a OneRoster roster and write findings (JSON Lines). "
        "See docs/screening.md for both formats."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--roster", required=True, help="OneRoster folder, .zip or users.csv")
        parser.add_argument(
            "--in", dest="in_path", required=True, help="messages, one JSON object a line"
        )
        parser.add_argument("--out", dest="out_path", required=True, help="where to write findings")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = run(options["roster"], options["in_path"], options["out_path"])
        except RosterError as exc:
            raise CommandError(str(exc), returncode=ROSTER_EXIT_CODE) from exc
        except (ScreeningInputError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary_line(summary))
