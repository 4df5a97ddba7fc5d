"""Turn local passwords off (or on) for the accounts in a district's own email domains."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chalkline.people.models import District, User
from chalkline.people.services.sign_in import LocalPasswordsError, set_local_passwords


class Command(BaseCommand):
    help = (
        "Staff and students in the district's own domains sign in with the district's provider "
        "only (--off), except one break-glass account; families keep their passwords. --on undoes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's slug.")
        state = parser.add_mutually_exclusive_group(required=True)
        state.add_argument("--off", action="store_true")
        state.add_argument("--on", action="store_true")
        parser.add_argument(
            "--break-glass", default="", help="Username of the account that keeps its password."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["district"]).first()
        if district is None:
            raise CommandError(f"No district {options['district']!r}.")
        break_glass = None
        if options["break_glass"]:
            break_glass = User.objects.filter(username=options["break_glass"]).first()
            if break_glass is None:
                raise CommandError(f"No account {options['break_glass']!r}.")
        try:
            set_local_passwords(
                district=district, off=options["off"], break_glass=break_glass, by=None
            )
        except LocalPasswordsError as exc:
            raise CommandError(f"{exc} Name it with --break-glass.") from exc
        state = "off" if options["off"] else "on"
        self.stdout.write(f"Local passwords {state} for {district.name}'s own domains.")
