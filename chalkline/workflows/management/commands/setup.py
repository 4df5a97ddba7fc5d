"""``chalkline setup``: create the first real district, its superintendent and a draft of Policy
5:125, and optionally import its first OneRoster package. Idempotent (see workflows/setup.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.models import ImportBatch
from chalkline.people.services import ImportBusyError
from chalkline.policies.services import PolicyImportError
from chalkline.workflows import setup


class Command(BaseCommand):
    help = (
        "Set up a district: create it (name, slug, email domains, time zone) and its "
        "superintendent's account, print a one-time link to set their password, optionally "
        "import the first OneRoster package, and import the bundled Policy 5:125 as a draft "
        "(never published). Running it again with the same arguments changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="e.g. 'Prairie Valley CUSD 5'")
        parser.add_argument("--slug", required=True, help="short name in addresses, e.g. prairie")
        parser.add_argument(
            "--email-domains",
            required=True,
            help="the district's email domains, comma-separated (e.g. prairie.k12.il.us)",
        )
        parser.add_argument(
            "--time-zone", required=True, help="the district's time zone, e.g. America/Chicago"
        )
        parser.add_argument(
            "--superintendent-email", required=True, help="an address in the district's domains"
        )
        parser.add_argument("--given-name", default="", help="the superintendent's given name")
        parser.add_argument("--family-name", default="", help="the superintendent's family name")
        parser.add_argument(
            "--roster",
            type=Path,
            help="a OneRoster package (.zip or folder) to import first; skipped once the "
            "district's directory has been imported (use import-roster afterwards)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        roster: Path | None = options["roster"]
        if roster is not None and not roster.exists():
            raise CommandError(f"{roster} does not exist.")
        try:
            self._run(options, roster)
        except setup.SetupError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, options: dict[str, Any], roster: Path | None) -> None:
        changed = False
        step = setup.district_with_time_zone(
            name=options["name"],
            slug=options["slug"],
            email_domains=options["email_domains"],
            time_zone=options["time_zone"],
        )
        district, changed = step.value, step.changed
        self.stdout.write(
            f"District {district.name} ({district.slug}): "
            + ("created." if step.changed else "already set up, unchanged.")
        )

        if roster is not None:
            try:
                batch = setup.first_roster(district=district, path=roster)
            except ImportBusyError as exc:
                raise CommandError(str(exc)) from exc
            if batch is None:
                self.stdout.write("Directory: imported before, unchanged (use import-roster).")
            elif batch.status == ImportBatch.Status.FAILED:
                raise CommandError(
                    f"Directory import #{batch.pk} failed: {batch.message} Fix the package and "
                    "run setup again; what is set up so far stays."
                )
            else:
                changed = True
                self.stdout.write(f"Directory: import #{batch.pk} applied. {batch.message}".strip())

        if not (options["given_name"].strip() and options["family_name"].strip()):
            options["given_name"] = options["given_name"].strip() or "Superintendent"
            options["family_name"] = options["family_name"].strip() or district.name
        account = setup.superintendent(
            district=district,
            email=options["superintendent_email"],
            given_name=options["given_name"].strip(),
            family_name=options["family_name"].strip(),
        )
        changed = changed or account.changed
        user = account.value
        self.stdout.write(
            f"Superintendent {user.username}: "
            + ("account and membership created." if account.changed else "unchanged.")
        )

        try:
            imported = setup.bundled_policy_draft(district=district)
        except PolicyImportError as exc:
            raise CommandError(f"{setup.BUNDLED_POLICY.name}: {exc}") from exc
        if imported is None:
            self.stdout.write("Policy 5:125: the district has it already, unchanged.")
        else:
            changed = True
            self.stdout.write(
                f"Policy {imported.policy.number_raw}: imported as a draft (version "
                f"{imported.version.seq}); review it and publish it as the district's own."
            )

        link = setup.password_link(user)
        if link is not None:
            self.stdout.write(
                f"One-time link for {user.username} to set a password (valid for 2 hours; run setup again for a new one):\n"
                f"  {link}"
            )
        self.stdout.write("Setup complete." if changed else "Nothing to do: everything was there.")
