"""demo-cases: closed and open cases in the demo district that HR and the employee
representative can open."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chalkline.cases import services
from chalkline.cases.models import Case, OutcomeType
from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Role


def _user(district: District, role: str, *, with_person: bool = False) -> User:
    qs = Membership.objects.filter(district=district, role=role, active=True).select_related("user")
    if with_person:
        qs = qs.filter(user__person__isnull=False)
    membership = qs.order_by("pk").first()
    if membership is None:
        raise CommandError(f"The demo district has no {role}; run demo-data first.")
    return membership.user


class Command(BaseCommand):
    help = (
        "Fill the demo district with cases: one closed with an outcome in the teacher's "
        "personnel file, one open with notice sent and the union representative invited, and an "
        "applicant's password-request complaint. Does nothing if the district has cases."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["slug"]).first()
        if district is None:
            raise CommandError(f"No district {options['slug']!r}; run demo-data first.")
        if Case.objects.filter(district=district).exists():
            self.stdout.write("The demo district has cases already; nothing to do.")
            return
        hr = _user(district, Role.HR)
        principal = _user(district, Role.PRINCIPAL)
        teacher = _user(district, Role.EMPLOYEE, with_person=True)
        rep = _user(district, Role.EMPLOYEE_REP)
        guardian = _user(district, Role.GUARDIAN)
        building = Membership.objects.filter(user=principal, district=district).first()
        where = building.building if building else None
        name = f"{teacher.person.given_name} {teacher.person.family_name}" if teacher.person else ""
        with transaction.atomic():
            closed = services.report_concern(
                district=district,
                by=guardian,
                reporter_kind=Case.ReporterKind.GUARDIAN,
                kind=Case.Kind.COMMUNICATION,
                description=(
                    "My son's teacher sent him direct messages on Instagram about a grade, late "
                    "in the evening."
                ),
                subject_name=name,
                subject_position=Case.Position.STAFF,
                building=where,
            )
            services.triage_case(case=closed, by=hr, investigator=principal, subject=teacher.person)
            services.add_evidence(
                case=closed,
                by=principal,
                upload=SimpleUploadedFile(
                    "screenshot-description.txt",
                    b"Screenshot shared by the parent: two direct messages, 9:48 pm and 9:52 pm.",
                    "text/plain",
                ),
                reason="reported",
                reason_note="The parent shared it with the District.",
            )
            services.add_note(
                case=closed, by=principal, kind="interview", text="Met the teacher and the parent."
            )
            services.send_notice(
                case=closed,
                by=hr,
                allegation="Direct messages to a student on a personal Instagram account.",
            )
            services.invite_representative(case=closed, by=teacher, representative=rep)
            services.respond_to_notice(
                case=closed,
                by=teacher,
                text="I answered a question about a grade; I now use the District's platform.",
            )
            services.record_findings(
                case=closed,
                by=principal,
                findings="The messages were about school work, on a channel the District has "
                "not approved (Policy 5:125, employee duty 2).",
            )
            reminder = OutcomeType.objects.get(district=district, code="written_reminder")
            services.record_outcome(
                case=closed, by=hr, outcome=reminder, text="Use District-approved channels."
            )
            services.acknowledge_outcome(case=closed, by=teacher)
            services.close_case(case=closed, by=hr)

            open_case = services.report_concern(
                district=district,
                by=guardian,
                reporter_kind=Case.ReporterKind.GUARDIAN,
                kind=Case.Kind.CONDUCT,
                description="Photos of the class trip, with students' faces, on a personal page.",
                subject_name=name,
                subject_position=Case.Position.STAFF,
                building=where,
            )
            services.triage_case(
                case=open_case,
                by=hr,
                investigator=principal,
                subject=teacher.person,
                interim_measures="Take the photos down while the case is open.",
            )
            services.send_notice(
                case=open_case,
                by=hr,
                allegation="Posting photos of students on a personal social-media page.",
            )
            services.invite_representative(case=open_case, by=teacher, representative=rep)

            services.submit_public_concern(
                district=district,
                kind=Case.Kind.PASSWORD_REQUEST,
                reporter_kind=Case.ReporterKind.APPLICANT,
                description="At my interview for a coaching job I was asked to log in to my "
                "Facebook account so the panel could look through it.",
                subject_name="The interview panel",
                subject_position=Case.Position.STAFF,
                reporter_name="A. Applicant",
            )
        self.stdout.write("Added 3 demo cases (1 closed, 2 open).")
