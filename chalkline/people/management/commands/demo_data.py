from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.demo.loader import load_demo_district
from chalkline.people.models import District


class Command(BaseCommand):
    help = (
        "Create a realistic synthetic district (buildings, staff, students, guardians) and one "
        "sign-in per role. Deterministic for a given --seed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--buildings", type=int, default=6)
        parser.add_argument("--staff", type=int, default=120)
        parser.add_argument("--students", type=int, default=1200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")
        parser.add_argument("--name", default="Prairie Valley Community Unit School District 5")
        parser.add_argument(
            "--password", default="chalkline-demo", help="Password of every demo sign-in."
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the district exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ("buildings", "staff", "students"):
            if options[key] < (1 if key == "buildings" else 0):
                raise CommandError(f"--{key} must be at least {1 if key == 'buildings' else 0}.")
        if District.objects.filter(slug=options["slug"]).exists():
            if options["if_missing"]:
                self.stdout.write(f"District {options['slug']!r} exists already; nothing to do.")
                return
            raise CommandError(f"District {options['slug']!r} exists already. Use another --slug.")
        tty = sys.stderr.isatty()

        def progress(kind: str, n: int) -> None:
            if tty:
                sys.stderr.write(f"\r{kind}: {n:,}   ")

        district, logins = load_demo_district(
            name=options["name"],
            slug=options["slug"],
            buildings=options["buildings"],
            staff=options["staff"],
            students=options["students"],
            seed=options["seed"],
            password=options["password"],
            progress=progress,
        )
        if tty:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Created {district.name} ({district.slug}): {options['buildings']} buildings, "
            f"{options['staff']} staff, {options['students']} students with their guardians."
        )
        self.stdout.write(f"Demo sign-ins (password: {options['password']}):")
        for username, role in logins:
            self.stdout.write(f"  {role:<28} {username}")
