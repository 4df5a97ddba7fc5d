"""``chalkline import-policy FILE``: parse a policy and import it as a draft (or just print it)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.models import District
from chalkline.policies import services
from chalkline.policies.parsing import (
    MAX_POLICY_BYTES,
    PolicyParseError,
    parse_in_child,
    parsed_to_json,
)
from chalkline.workflows.publishing import publish_version_and_follow_up


class Command(BaseCommand):
    help = (
        "Import a board policy (plain text, HTML or text-layer PDF) as a draft of its policy. "
        "Re-running with an unchanged file changes nothing (same SHA-256). --json prints the "
        "parse without touching the database. The file is read in a child process under the "
        "POLICY_IMPORT_* limits; a file that overruns one is refused (exit status 1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The policy file.")
        parser.add_argument(
            "--json", action="store_true", help="Print the parsed JSON; write nothing."
        )
        parser.add_argument(
            "--district", help="District slug (needed when the installation has several)."
        )
        parser.add_argument("--number", help="Policy number, when the text does not give one.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the new draft (needs --summary)."
        )
        parser.add_argument("--summary", default="", help="Change summary for --publish.")
        parser.add_argument(
            "--material", action="store_true", help="Mark the published change as material."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        size = path.stat().st_size  # checked before reading a byte
        if size > MAX_POLICY_BYTES:
            raise CommandError(
                f"{path.name}: the file is {size / 1_048_576:.1f} MB; the limit for a policy is "
                f"{MAX_POLICY_BYTES // 1_048_576} MB."
            )
        data = path.read_bytes()
        if options["json"]:
            try:
                parsed = parse_in_child(data, filename=path.name, limits=services.parse_limits())
            except PolicyParseError as exc:
                raise CommandError(f"{path.name}: {exc}") from exc
            self.stdout.write(json.dumps(parsed_to_json(parsed), ensure_ascii=False, indent=2))
            return
        if options["publish"] and not options["summary"].strip():
            raise CommandError("--publish needs --summary: say what changed.")
        district = self._district(options["district"])
        try:
            result = services.import_policy(
                district=district,
                data=data,
                filename=path.name,
                number=options["number"],
                by=None,
            )
        except services.NeedsNumber as exc:
            raise CommandError(f"{path.name}: {exc} Use --number.") from exc
        except services.PolicyImportError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning['message']}")
        version = result.version
        if result.unchanged:
            self.stdout.write(
                f"Policy {result.policy.number_raw}: unchanged (same text as version "
                f"{version.seq}, {version.get_status_display().lower()}); nothing to do."
            )
            return
        clauses = version.clauses.count()
        what = "new policy" if result.created_policy else "new draft"
        if options["publish"]:
            publish_version_and_follow_up(
                version=version,
                change_summary=options["summary"],
                material=options["material"],
                by=None,
            )
            self.stdout.write(
                f"Policy {result.policy.number_raw}: {what}, version {version.seq} published "
                f"({clauses} clauses, sha256 {version.sha256[:12]})."
            )
        else:
            self.stdout.write(
                f"Policy {result.policy.number_raw}: {what}, version {version.seq} saved as a "
                f"draft ({clauses} clauses, sha256 {version.sha256[:12]})."
            )

    def _district(self, slug: str | None) -> District:
        if slug:
            district = District.objects.filter(slug=slug).first()
            if district is None:
                raise CommandError(f"No district with slug {slug!r}.")
            return district
        districts = list(District.objects.all()[:2])
        if len(districts) != 1:
            raise CommandError("Name the district with --district SLUG.")
        return districts[0]
