from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.models import District
from chalkline.workflows.training_steps import assign_new_hire_steps


class Command(BaseCommand):
    help = (
        "Give new hires both steps: their acknowledgment assignments (as assign_new_hires does) "
        "and a place on the roster of each training a campaign requires first. Idempotent; run "
        "it daily or after a directory import, instead of assign_new_hires."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", help="District slug (default: every district).")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if options["district"]:
            districts = districts.filter(slug=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with slug {options['district']!r}.")
        assigned = rostered = 0
        for district in districts:
            result, added = assign_new_hire_steps(district=district, by=None)
            assigned += result.assigned
            rostered += added
        self.stdout.write(
            f"Assigned {assigned:,} acknowledgments; rostered {rostered:,} on required trainings."
        )
