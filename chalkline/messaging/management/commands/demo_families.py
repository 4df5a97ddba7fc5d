"""demo-families: the demo guardian's language and contact preferences, and a few invitations
sent by the demo registrar, so the invitations page shows invited and not-yet-invited families
(the principal or registrar sends the rest). Safe to run again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chalkline.messaging.families import people_to_invite, primary_building_id
from chalkline.messaging.models import ContactPreference
from chalkline.messaging.services import invite_people, set_contact_preference
from chalkline.people.models import District, Person, User

INVITED = 3


class Command(BaseCommand):
    help = (
        "Set the demo guardian's preferences and send a few invitations from the demo "
        "registrar (run after demo-data; running it again adds nothing)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}; run demo-data first.")
        users = {
            u.username.split("@")[0]: u
            for u in User.objects.filter(username__endswith=f"@{slug}").select_related("person")
        }
        guardian, registrar = users.get("guardian"), users.get("registrar")
        if guardian is None or guardian.person is None or registrar is None:
            raise CommandError("The demo district has no demo guardian and registrar.")
        with transaction.atomic():
            if not ContactPreference.objects.filter(person=guardian.person).exists():
                set_contact_preference(
                    person=guardian.person,
                    channel=ContactPreference.Channel.EMAIL,
                    cadence=ContactPreference.Cadence.DIGEST,
                    language="es",
                    by=guardian,
                )
            building_id = primary_building_id(guardian.person)
            candidates = (
                people_to_invite(district, building_id=building_id)
                .filter(kind=Person.Kind.GUARDIAN, user__isnull=True)
                .exclude(email="")
                .order_by("pk")[:INVITED]
            )
            result = invite_people(
                district=district, people=list(candidates), by=registrar, batch_key="demo-families"
            )
        self.stdout.write(
            f"Families: the demo guardian's preferences are set; {result.invited} invitations "
            "sent by the registrar (the rest of the building waits on the invitations page)."
        )
