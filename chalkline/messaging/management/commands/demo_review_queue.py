"""demo-review-queue: the demo principal has an override waiting in the review queue (the demo
teacher sent a message with a personal phone number, confirming with a reason). Safe to run
again: the message has a fixed idempotency key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chalkline.messaging import access
from chalkline.messaging.models import AudienceKind, ReviewItem
from chalkline.messaging.services import start_thread
from chalkline.people.models import District, User

BODY = (
    "Dear families,\n\nThe district's phones are down for maintenance this week. If you need "
    "me about the museum trip, text my cell at 217-555-0142."
)
REASON = "The district phones are down this week; families need a way to reach me."


class Command(BaseCommand):
    help = (
        "Give the demo principal an override to review: a message from the demo teacher sent "
        "with a reason past a screening finding (run after demo-data; running it again adds "
        "nothing)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"No district {slug!r}; run demo-data first.")
        teacher = User.objects.filter(username=f"teacher@{slug}").first()
        if teacher is None:
            raise CommandError("The demo district has no demo teacher.")
        own = access.writable_classes(teacher, district).order_by("pk").first()
        if own is None:
            raise CommandError("The demo teacher teaches no class.")
        aud = access.resolve_audience(teacher, district, AudienceKind.CLASS_FAMILIES, str(own.pk))
        with transaction.atomic():
            message = start_thread(
                district=district,
                by=teacher,
                kind=aud.kind,
                key=aud.key,
                audience_label=aud.label,
                subject="Reaching me this week",
                body=BODY,
                idempotency_key="demo-review-queue-1",
                findings={"detectors": ["personal_channel"]},
                override_reason=REASON,
            )
        item = ReviewItem.objects.filter(message=message).first()
        level = item.get_level_display() if item else "nobody"
        self.stdout.write(f"Review queue: an override waits for {level.lower()}.")
