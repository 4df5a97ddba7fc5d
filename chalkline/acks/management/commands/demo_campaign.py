from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chalkline.acks import services
from chalkline.acks.models import Assignment, Campaign
from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Role
from chalkline.policies import services as policy_services
from chalkline.policies.models import Policy, VersionStatus

SEED = Path(__file__).resolve().parents[3] / "policies" / "seeds" / "policy-5-125.txt"


def _paper_scan() -> SimpleUploadedFile:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Signed acknowledgment form (demo scan)")
    return SimpleUploadedFile("scan.pdf", bytes(pdf.output()), "application/pdf")


class Command(BaseCommand):
    help = (
        "Run a whole acknowledgment campaign in the demo district: publish Policy 5:125, launch, "
        "distribute, e-consent and signatures, paper records, refusals, reminders and "
        "certificates. Does nothing if the district has a campaign already."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")
        parser.add_argument(
            "--signers", type=int, default=60, help="How many staff sign electronically."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["slug"]).first()
        if district is None:
            raise CommandError(f"No district {options['slug']!r}; run demo-data first.")
        if Campaign.objects.filter(district=district).exists():
            self.stdout.write("The demo district has a campaign already; nothing to do.")
            return
        boss = (
            Membership.objects.filter(
                district=district, role=Role.SUPERINTENDENT, building__isnull=True
            )
            .select_related("user")
            .first()
        )
        by = boss.user if boss else None
        policy = Policy.objects.filter(district=district, number="5:125").first()
        version = policy.versions.filter(status=VersionStatus.PUBLISHED).first() if policy else None
        if version is None:
            result = policy_services.import_policy(
                district=district, data=SEED.read_bytes(), filename=SEED.name, by=by
            )
            version = policy_services.publish_policy_version(
                version=result.version, change_summary="Adopted text", material=True, by=by
            )
        today = timezone.localdate()
        campaign = services.create_campaign(
            district=district,
            title="Annual acknowledgment: Personal Technology and Social Media",
            school_year=f"{today.year}-{today.year + 1}",
            due_on=today + timedelta(days=21),
            versions=[version],
            buildings=[],
            job_categories=[],
            by=by,
        )
        assigned = services.launch_campaign(campaign=campaign, by=by)
        campaign.refresh_from_db()
        principals = {
            m.building_id: m.user
            for m in Membership.objects.filter(
                district=district, role=Role.PRINCIPAL, building__isnull=False
            ).select_related("user")
        }
        building_ids = set(
            Assignment.objects.filter(campaign=campaign).values_list("building_id", flat=True)
        )
        for building in district.buildings.filter(pk__in=building_ids):
            who = principals.get(building.pk) or by
            if who is not None:
                services.distribute_campaign(campaign=campaign, building=building, by=who)
        rows = list(
            Assignment.objects.filter(campaign=campaign)
            .select_related("person", "building")
            .order_by("pk")
        )
        # The demo sign-ins keep their acknowledgment open: whoever signs in (the demo teacher
        # first) has something to read and sign. Only the other staff act here.
        sign_ins = set(
            User.objects.filter(person__district=district).values_list("person_id", flat=True)
        )
        rows = [r for r in rows if r.person_id not in sign_ins]
        # Spread the demo outcomes over buildings: every third assignment, deterministically.
        rows = rows[::3] + [r for i, r in enumerate(rows) if i % 3]
        signed = paper = refused = 0
        for i, assignment in enumerate(rows[: options["signers"]]):
            person = assignment.person
            user = User.objects.filter(person=person).first()
            if user is None:
                user = User(username=f"staff-{person.pk}@{district.slug}", person=person)
                user.set_unusable_password()
                user.save()
            services.record_open(assignment=assignment, by=user)
            services.record_reading_done(assignment=assignment, by=user)
            services.give_econsent(by=user, ip="192.0.2.10", user_agent="Chalkline demo")
            if i % 17 == 5:
                services.refuse_acknowledgment(
                    assignment=assignment,
                    by=user,
                    reason="I want to discuss item 9 with my union representative first.",
                    ip="192.0.2.10",
                    user_agent="Chalkline demo",
                )
                refused += 1
                continue
            services.sign_acknowledgment(
                assignment=assignment,
                by=user,
                typed_name=f"{person.given_name} {person.family_name}",
                comment="Please clarify the after-hours exception." if i % 10 == 3 else "",
                ip="192.0.2.10",
                user_agent="Chalkline demo",
            )
            signed += 1
        for assignment in rows[options["signers"] : options["signers"] + 8]:
            who = principals.get(assignment.building_id or 0) or by
            if who is None:
                continue
            services.record_paper_acknowledgment(
                assignment=assignment,
                by=who,
                proxy=False,
                rationale="Signed the paper form at the in-service.",
                scan=_paper_scan(),
                ip="192.0.2.20",
                user_agent="Chalkline demo",
            )
            paper += 1
        services.run_reminder_ladder(district=district)
        self.stdout.write(
            f"Campaign {campaign.pk}: {assigned} assigned, {signed} signed, {paper} on paper, "
            f"{refused} refused. Sign in as superintendent@{district.slug} to see the dashboard, "
            f"or as teacher@{district.slug} to sign."
        )
