"""Load a synthetic district (``synthetic.DemoDistrict``) into the database, with one sign-in per
role. Used by ``chalkline demo-data``, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.demo.synthetic import DemoDistrict, DemoPerson
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    GuardianLink,
    Person,
    User,
)
from chalkline.people.roles import Role
from chalkline.people.services import create_district, grant_membership

DEMO_LOGIN_ROLES: list[tuple[str, Role, bool]] = [
    # (username, role, district-wide?)
    ("superintendent", Role.SUPERINTENDENT, True),
    ("designee", Role.DESIGNEE, True),
    ("hr", Role.HR, True),
    ("principal", Role.PRINCIPAL, False),
    ("netadmin", Role.NETWORK_ADMIN, True),
    ("union-rep", Role.EMPLOYEE_REP, True),
    ("board", Role.BOARD_MEMBER, True),
    ("teacher", Role.EMPLOYEE, False),
    ("guardian", Role.GUARDIAN, False),
    ("student", Role.STUDENT, False),
]


@transaction.atomic
def load_demo_district(
    *,
    name: str,
    slug: str,
    buildings: int,
    staff: int,
    students: int,
    seed: int,
    password: str,
    by: User | None = None,
    batch: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[District, list[tuple[str, str]]]:
    """Create a synthetic district with one sign-in per role. Returns the district and the logins
    as (username, role label). Bulk inserts keep 150,000 staff within a benchmark's patience."""
    domain = f"{slug}.k12.example.org"
    demo = DemoDistrict(
        buildings=buildings, staff=staff, students=students, seed=seed, domain=domain
    )
    district = create_district(name=name, slug=slug, email_domains=domain, by=by)
    building_rows = Building.objects.bulk_create(
        Building(district=district, name=b.name, code=b.code, level=b.level)
        for b in demo.buildings()
    )
    by_code = {b.code: b for b in building_rows}

    def insert_people(people: list[DemoPerson]) -> dict[str, Person]:
        rows = Person.objects.bulk_create(
            [
                Person(
                    district=district,
                    kind=p.kind,
                    given_name=p.given_name,
                    family_name=p.family_name,
                    email=p.email,
                    sourced_id=p.key,
                    identifier=p.key.upper(),
                    username=p.email.split("@")[0],
                    hire_date=p.hire_date,
                    grade=p.grade,
                    directory_opt_out=p.directory_opt_out,
                    media_release=p.media_release,
                )
                for p in people
            ],
            batch_size=batch,
        )
        affiliations = [
            Affiliation(
                person=row, building=by_code[code], job_title=p.job_title, is_primary=i == 0
            )
            for p, row in zip(people, rows, strict=True)
            for i, code in enumerate(p.building_codes)
        ]
        Affiliation.objects.bulk_create(affiliations, batch_size=batch)
        return {p.key: row for p, row in zip(people, rows, strict=True)}

    first_people: dict[str, Person] = {}
    staff_buffer: list[DemoPerson] = []
    count = 0
    for demo_person in demo.staff():
        staff_buffer.append(demo_person)
        if len(staff_buffer) >= batch:
            inserted = insert_people(staff_buffer)
            first_people = first_people or inserted
            count += len(staff_buffer)
            staff_buffer = []
            if progress:
                progress("staff", count)
    if staff_buffer:
        inserted = insert_people(staff_buffer)
        first_people = first_people or inserted
    first_student: Person | None = None
    first_guardian: Person | None = None
    buffer: list[DemoPerson] = []
    link_buffer: list[tuple[str, str, str]] = []

    def flush() -> None:
        nonlocal first_student, first_guardian
        inserted = insert_people(buffer)
        GuardianLink.objects.bulk_create(
            [
                GuardianLink(guardian=inserted[g], student=inserted[s], relationship=r)
                for g, s, r in link_buffer
            ],
            batch_size=batch,
        )
        if first_student is None:
            first_student = next(
                (p for p in inserted.values() if p.kind == Person.Kind.STUDENT), None
            )
            first_guardian = next(
                (p for p in inserted.values() if p.kind == Person.Kind.GUARDIAN), None
            )
        buffer.clear()
        link_buffer.clear()

    for count, (student, guardians, links) in enumerate(demo.students_and_guardians(), start=1):
        buffer.append(student)
        buffer.extend(guardians)
        link_buffer.extend(
            (link.guardian_key, link.student_key, link.relationship) for link in links
        )
        if len(buffer) >= batch:
            flush()
            if progress:
                progress("students", count)
    if buffer:
        flush()

    # One sign-in per role, tied to a realistic person record.
    first_building = (
        next(b for b in building_rows if b.level != "office")
        if len(building_rows) > 1
        else building_rows[0]
    )
    staff_in_first = list(
        Person.objects.filter(
            district=district, kind=Person.Kind.STAFF, affiliations__building=first_building
        ).order_by("pk")[: len(DEMO_LOGIN_ROLES)]
    )
    logins: list[tuple[str, str]] = []
    for i, (username, role, district_wide) in enumerate(DEMO_LOGIN_ROLES):
        person: Person | None
        if role == Role.GUARDIAN:
            person = first_guardian
        elif role == Role.STUDENT:
            person = first_student
        else:
            person = staff_in_first[i] if i < len(staff_in_first) else None
        full_username = f"{username}@{slug}"
        user = User.objects.create_user(
            username=full_username,
            email=person.email if person else f"{username}@{domain}",
            password=password,
            first_name=person.given_name if person else "",
            last_name=person.family_name if person else "",
            person=person,
        )
        grant_membership(
            user=user,
            district=district,
            role=role,
            building=None if district_wide else first_building,
            by=by,
        )
        logins.append((full_username, role.label))
    record_event(
        district=district,
        actor=by,
        action=Action.DISTRICT_DEMO_LOADED,
        target=district,
        after={"buildings": buildings, "staff": staff, "students": students, "seed": seed},
    )
    return district, logins
