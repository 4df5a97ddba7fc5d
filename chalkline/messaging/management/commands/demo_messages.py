"""demo-messages: threads in the demo district for the demo teacher, guardian and student to
read and answer. Safe to run again: each message has a fixed idempotency key."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chalkline.messaging import access
from chalkline.messaging.attachments import accept
from chalkline.messaging.models import (
    DEFAULT_RULES,
    AudienceKind,
    OfficeHours,
    StaffGroup,
    StaffGroupMember,
)
from chalkline.messaging.selectors import grade_number, settings_of
from chalkline.messaging.services import (
    add_staff_group_member,
    create_staff_group,
    set_office_hours,
    start_thread,
    update_messaging_settings,
)
from chalkline.messaging.services.attachments import PendingFile
from chalkline.people.models import Affiliation, District, Enrollment, Person, User


class Command(BaseCommand):
    help = (
        "Give the demo teacher, guardian and student message threads to read and answer "
        "(run after demo-data; running it again adds nothing)."
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
        teacher, guardian, student = (users.get(n) for n in ("teacher", "guardian", "student"))
        if teacher is None or guardian is None or student is None or student.person is None:
            raise CommandError("The demo district has no demo teacher, guardian and student.")
        with transaction.atomic():
            self._reach_the_demo_student(district, student)
            made = self._threads(district, teacher, guardian, student)
            made += self._staff_group(district, teacher)
            # the demo teacher's office hours (Messages -> Office hours): a family's message
            # outside them gets one automatic reply; set once, never changed by a re-run
            if not OfficeHours.objects.filter(user=teacher).exists():
                weekdays = {str(d): [["08:00", "15:30"]] for d in range(5)}
                set_office_hours(user=teacher, district=district, hours=weekdays, by=teacher)
        self.stdout.write(
            f"Messages: {made} demo threads for the teacher, guardian and student "
            "(one of them to the teacher's staff group)."
        )

    def _reach_the_demo_student(self, district: District, student: User) -> None:
        """The demo student is in an elementary grade, below the grades staff write to directly
        by default (6-12): the demo district lets its teachers write to students from that
        grade (a district's own choice, on Messaging settings), once, audited."""
        assert student.person is not None  # noqa: S101 (checked by the caller)
        grade = grade_number(student.person.grade)
        current = settings_of(district)
        if grade is None or grade >= current.students_reachable_from_grade:
            return
        admin = User.objects.filter(username=f"superintendent@{district.slug}").first()
        if admin is None:
            return
        update_messaging_settings(
            district=district,
            rules={d: current.rule_for(d) for d in DEFAULT_RULES},
            students_may_start=current.students_may_start,
            guardians_through_grade=current.guardians_see_student_threads_through_grade,
            by=admin,
            students_reachable_grades=(grade, current.students_reachable_through_grade),
        )

    def _threads(self, district: District, teacher: User, guardian: User, student: User) -> int:
        classes = access.writable_classes(teacher, district)
        assert student.person is not None  # noqa: S101 (checked by the caller)
        own = (
            classes.filter(
                pk__in=Enrollment.objects.filter(person=student.person, active=True).values(
                    "school_class_id"
                )
            ).first()
            or classes.first()
        )
        if own is None:
            raise CommandError("The demo teacher teaches no class.")

        def start(
            by: User,
            kind: str,
            key: str,
            subject: str,
            body: str,
            idem: str,
            files: tuple[PendingFile, ...] = (),
        ) -> Any:
            aud = access.resolve_audience(by, district, kind, key)
            return start_thread(
                district=district,
                by=by,
                kind=aud.kind,
                key=aud.key,
                audience_label=aud.label,
                subject=subject,
                body=body,
                idempotency_key=idem,
                findings={"detectors": []},
                attachments=files,
            )

        start(
            teacher,
            AudienceKind.CLASS_FAMILIES,
            str(own.pk),
            "Field trip to the Illinois State Museum",
            "Dear families,\n\nOur class visits the Illinois State Museum next Friday. "
            "The permission form is due Wednesday. Reply here with any questions: "
            "your reply comes to me only.",
            "demo-messages-1",
            (PendingFile(accept(_permission_form(), "permission-form.pdf")),),
        )
        start(
            teacher,
            AudienceKind.CLASS_STUDENTS,
            str(own.pk),
            "Reading for Monday",
            "Please read chapter 4 for Monday and bring one question about it.",
            "demo-messages-2",
        )
        start(
            guardian,
            AudienceKind.DIRECT,
            str(teacher.pk),
            "Pick-up on Thursday",
            "Hello, our child will be picked up at 1:30 on Thursday for a dentist appointment. "
            "Could you let us know what work will be missed?",
            "demo-messages-3",
        )
        return 3

    def _staff_group(self, district: District, teacher: User) -> int:
        """The demo teacher's building team, a staff group kept by the building's principal
        (the superintendent when the demo principal is elsewhere), with the teacher and four
        colleagues in it, and one message from its keeper to it."""
        building_id = (
            Affiliation.objects.filter(person_id=teacher.person_id or 0, active=True)
            .order_by("-is_primary", "pk")
            .values_list("building_id", flat=True)
            .first()
        )
        if building_id is None or teacher.person is None:
            return 0
        keeper = next(
            (
                u
                for u in User.objects.filter(
                    username__in=[f"principal@{district.slug}", f"superintendent@{district.slug}"]
                ).order_by("username")
                if access.may_keep(u, district, StaffGroup(building_id=building_id))
            ),
            None,
        )
        if keeper is None:
            return 0
        group = StaffGroup.objects.filter(
            district=district, building_id=building_id, name=DEMO_GROUP
        ).first()
        if group is None:
            group = create_staff_group(
                district=district,
                building=teacher.person.affiliations.get(building_id=building_id).building,
                name=DEMO_GROUP,
                description="The teachers who plan the grade together.",
                by=keeper,
            )
        colleagues = (
            Person.objects.filter(
                district=district,
                kind=Person.Kind.STAFF,
                active=True,
                affiliations__building_id=building_id,
                affiliations__active=True,
            )
            .exclude(pk=teacher.person.pk)
            .order_by("pk")[:4]
        )
        have = set(StaffGroupMember.objects.filter(group=group).values_list("person", flat=True))
        for person in [teacher.person, *colleagues]:
            if person.pk not in have:
                add_staff_group_member(group=group, person=person, by=keeper)
        aud = access.resolve_audience(keeper, district, AudienceKind.STAFF_GROUP, str(group.pk))
        start_thread(
            district=district,
            by=keeper,
            kind=aud.kind,
            key=aud.key,
            audience_label=aud.label,
            subject="Planning time on Wednesday",
            body="Team, planning moves to Wednesday at 3:15 in the library this week. "
            "Reply here: the whole team sees replies.",
            idempotency_key="demo-messages-4",
            findings={"detectors": []},
        )
        return 1


DEMO_GROUP = "Grade-level team"


def _permission_form() -> bytes:
    """The field trip's permission form, a real one-page PDF (the same bytes every run)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Field trip permission form", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0,
        7,
        "Illinois State Museum, next Friday. Leaves 9:00, back by 2:30. Lunch is provided.\n\n"
        "My child may go on this trip.\n\nParent or guardian: ______________________",
    )
    return bytes(pdf.output())
