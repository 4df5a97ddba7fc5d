from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chalkline.people.models import District, Membership
from chalkline.people.roles import Role
from chalkline.training.models import Training
from chalkline.workflows.mandated_reporter import (
    DEFAULT_DAYS,
    STATEMENT_NUMBER,
    MandatedReporterError,
    open_statement_campaign,
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--starts: {text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Open the standing acknowledgment campaign in which new hires sign the mandated-reporter "
        f"statement (325 ILCS 5/4): the bundled statement is imported and published as "
        f"{STATEMENT_NUMBER} unless the district has its own; the audience is staff hired on or "
        "after --starts; the campaign requires the district's mandated-reporter training first "
        "unless --no-training. Idempotent: a second run reports the open campaign."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", required=True, help="District slug.")
        parser.add_argument(
            "--starts", help="First hire date in the audience, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Days after the hire date to sign (default: {DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--training",
            type=int,
            help="The training to require first (default: the newest "
            "mandated-reporter training of the district).",
        )
        parser.add_argument(
            "--no-training", action="store_true", help="Require no training before signing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["district"]).first()
        if district is None:
            raise CommandError(f"No district with slug {options['district']!r}.")
        training = None
        if options["training"] is not None:
            training = Training.objects.filter(district=district, pk=options["training"]).first()
            if training is None:
                raise CommandError(f"--training: no training {options['training']} here.")
        boss = (
            Membership.objects.filter(
                district=district, role=Role.SUPERINTENDENT, building__isnull=True
            )
            .select_related("user")
            .first()
        )
        try:
            result = open_statement_campaign(
                district=district,
                by=boss.user if boss else None,
                starts_on=_day(options["starts"]) if options["starts"] else None,
                days=options["days"],
                training=training,
                with_training=not options["no_training"],
            )
        except MandatedReporterError as exc:
            raise CommandError(str(exc)) from None
        campaign = result.campaign
        if not result.created:
            self.stdout.write(
                f"The mandated-reporter statement campaign is open already (campaign "
                f"{campaign.pk}, staff hired from {campaign.hired_from}); nothing to do."
            )
            return
        first = (
            f"after the training “{result.training.title}”"
            if result.training
            else "with no training first"
        )
        self.stdout.write(
            f"Campaign {campaign.pk}: new hires from {campaign.hired_from} sign the mandated-"
            f"reporter statement within {campaign.new_hire_days} days of their hire date, "
            f"{first}; {result.assigned:,} assigned now."
        )
