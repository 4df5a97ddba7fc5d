from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.demo.loader import DEMO_LOGIN_ROLES, load_demo_district
from chalkline.people.models import District, User


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
        parser.add_argument(
            "--no-sign-ins", action="store_true", help="Do not list the sign-ins after loading."
        )
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            help="Only list the sign-ins of the existing demo district (`make demo` ends so).",
        )

    def _sign_ins(self, logins: list[tuple[str, str]], password: str) -> None:
        self.stdout.write(f"Demo sign-ins (password: {password}):")
        for username, role in logins:
            self.stdout.write(f"  {role:<28} {username}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sign_ins"]:
            slug = options["slug"]
            names = {f"{name}@{slug}": role.label for name, role, _ in DEMO_LOGIN_ROLES}
            have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
            if not have:
                raise CommandError(f"No demo sign-ins in district {slug!r}.")
            self._sign_ins([(u, r) for u, r in names.items() if u in have], options["password"])
            return
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
        if not options["no_sign_ins"]:
            self._sign_ins(logins, options["password"])
