from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chalkline.acks.models import Campaign
from chalkline.people.models import District, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.policies.models import PolicyVersion, VersionStatus
from chalkline.training import services
from chalkline.training.models import RosterEntry, Session, Training
from chalkline.workflows.mandated_reporter import open_statement_campaign
from chalkline.workflows.models import CampaignTraining
from chalkline.workflows.training_steps import require_training_for_campaign

IN_SERVICE = """Policy 5:120 asks every employee to know the district's expectations on educator \
ethics, teacher-student conduct and school employee-student conduct. Policy 5:125 adds how staff \
use personal technology and social media.

1. Communicate with students through district-approved or district-hosted accounts only.
2. Keep conversations with students about school; never in private messages on personal apps.
3. Report any concern about a colleague's conduct with a student to the building principal.
"""

QUESTIONS = [
    {
        "question": "Which channel may you use to message a student about homework?",
        "choices": ["Your personal phone", "A district-approved app", "A private social account"],
        "answer": 1,
    },
    {
        "question": "A colleague sends students late-night private messages. What do you do?",
        "choices": ["Nothing", "Tell the principal", "Post about it"],
        "answer": 1,
    },
]


class Command(BaseCommand):
    help = (
        "Give the demo district its training: the in-service on Policies 5:120 and 5:125 (an "
        "in-person session for the district with its QR check-in, and a self-paced module with "
        "the policy's clauses and a knowledge check that the demo campaign requires before "
        "signing), mandated-reporter training renewed every three years, and the standing "
        "campaign in which new hires sign the mandated-reporter statement after that training "
        "(the demo teacher is the new hire). Does nothing if the district has a training "
        "already."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["slug"]).first()
        if district is None:
            raise CommandError(f"No district {options['slug']!r}; run demo-data first.")
        if Training.objects.filter(district=district).exists():
            self.stdout.write("The demo district has training already; nothing to do.")
            return
        boss = (
            Membership.objects.filter(
                district=district, role=Role.SUPERINTENDENT, building__isnull=True
            )
            .select_related("user")
            .first()
        )
        by = boss.user if boss else None
        version = PolicyVersion.objects.filter(
            policy__district=district, policy__number="5:125", status=VersionStatus.PUBLISHED
        ).first()
        if by is not None:
            services.set_provider_number(district=district, number="PD-0417", by=by)
        in_service = services.create_training(
            district=district,
            by=by,
            title="Educator ethics and conduct in-service (5:120, 5:125)",
            content=IN_SERVICE,
            policy_version=version,
            questions=QUESTIONS,
            pass_percent=100,
            pd_hours=Decimal("2.0"),
        )
        start = timezone.now().replace(hour=13, minute=30, second=0, microsecond=0)
        session = services.schedule_session(
            training=in_service,
            by=by,
            format=Session.Format.IN_PERSON,
            starts_at=start + timedelta(days=1),
            location="High school auditorium",
            presenter=by,
        )
        campaign = Campaign.objects.filter(
            district=district, status=Campaign.Status.LAUNCHED
        ).first()
        if campaign is not None and not CampaignTraining.objects.filter(campaign=campaign).exists():
            require_training_for_campaign(campaign=campaign, training=in_service, by=by)
        mandated = services.create_training(
            district=district,
            by=by,
            title="Mandated reporter training (325 ILCS 5/4)",
            topic=Training.Topic.MANDATED_REPORTER,
            content=(
                "As school staff you are a mandated reporter under the Abused and Neglected Child "
                "Reporting Act: call the DCFS Hotline, 1-800-25-ABUSE, whenever you have "
                "reasonable cause to believe a child known to you in your work may be abused or "
                "neglected. Repeat this training every three years."
            ),
            pd_hours=Decimal("1.5"),
            renewal_years=3,
        )
        module = services.schedule_session(
            training=mandated, by=by, format=Session.Format.SELF_PACED
        )
        # The demo teacher is the demo's new hire: hired today, with the mandated-reporter
        # training and the statement both due (sign in as teacher@<slug> to see both steps).
        teacher = User.objects.filter(username=f"teacher@{district.slug}").first()
        new_hire_id = teacher.person_id if teacher is not None else None
        done = [
            pid
            for pid in RosterEntry.objects.filter(session=module)
            .order_by("pk")
            .values_list("person_id", flat=True)[::3]
            if pid != new_hire_id
        ]
        if by is not None:
            services.mark_attendance(session=module, person_ids=done, by=by)
        today = timezone.localdate()
        if new_hire_id is not None:
            Person.objects.filter(pk=new_hire_id).update(hire_date=today)  # demo data only
        statement = open_statement_campaign(
            district=district, by=by, starts_on=today, training=mandated
        )
        self.stdout.write(
            f"Training: an in-service for {session.roster_count:,} staff and mandated-reporter "
            f"training ({len(done):,} done); the mandated-reporter statement for new hires "
            f"({statement.assigned:,} due now, after the training)."
        )
