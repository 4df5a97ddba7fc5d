"""Load a synthetic district (``synthetic.DemoDistrict``) into the database, with one sign-in per
role. Used by ``chalkline demo-data``, tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.demo.synthetic import TEACHER_TITLES, DemoDistrict, DemoPerson
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    Enrollment,
    GuardianLink,
    Person,
    SchoolClass,
    User,
)
from chalkline.people.roles import Role
from chalkline.people.services import create_district, grant_membership
from chalkline.people.services.directory_changes import note_directory_changed

DEMO_LOGIN_ROLES: list[tuple[str, Role, bool]] = [
    # (username, role, district-wide?)
    ("superintendent", Role.SUPERINTENDENT, True),
    ("designee", Role.DESIGNEE, True),
    ("hr", Role.HR, True),
    ("principal", Role.PRINCIPAL, False),
    ("netadmin", Role.NETWORK_ADMIN, True),
    ("registrar", Role.REGISTRAR, False),
    ("records", Role.RECORDS_OFFICER, True),
    ("union-rep", Role.EMPLOYEE_REP, True),
    ("board", Role.BOARD_MEMBER, True),
    ("teacher", Role.EMPLOYEE, False),
    ("guardian", Role.GUARDIAN, False),
    ("student", Role.STUDENT, False),
]

# The job each staff sign-in holds: (title, at the district office?). The employee
# representative and the demo employee keep a teaching job (a union rep is a teacher).
LOGIN_JOBS: dict[str, tuple[str, bool]] = {
    "superintendent": ("Superintendent", True),
    "designee": ("Assistant Superintendent for Human Resources", True),
    "hr": ("Human Resources Director", True),
    "principal": ("Principal", False),
    "netadmin": ("Network Administrator", True),
    "registrar": ("Registrar", False),
    "records": ("Records Officer", True),
}
TEACHING_LOGINS = ("teacher", "union-rep")
CLASS_SIZE = 22  # students per demo class


def _pick_login_people(
    district: District, first_building: Building, office: Building
) -> dict[str, Person]:
    """Staff of the first school with one building each: teachers for the teaching sign-ins,
    others moved to the job (and building) their role implies."""
    rows = list(
        Affiliation.objects.filter(
            building=first_building,
            person__district=district,
            person__kind=Person.Kind.STAFF,
        )
        .select_related("person")
        .order_by("person_id")[:200]
    )
    single = [a for a in rows if a.person.affiliations.count() == 1]
    teachers = [a.person for a in single if a.job_title in TEACHER_TITLES]
    others = [a.person for a in single if a.job_title not in TEACHER_TITLES]
    picked: dict[str, Person] = {}
    for username in TEACHING_LOGINS:
        if teachers:
            picked[username] = teachers.pop(0)
    pool = others + teachers
    for username, (title, at_office) in LOGIN_JOBS.items():
        if not pool:
            break
        person = pool.pop(0)
        Affiliation.objects.filter(person=person).delete()
        Affiliation.objects.create(
            person=person,
            building=office if at_office else first_building,
            job_title=title,
            is_primary=True,
        )
        picked[username] = person
    return picked


def _add_classes(
    district: District, first_building: Building, first_teacher: Person | None, *, batch: int
) -> None:
    """Classes in every school: one per teacher while the building has students for it (about
    CLASS_SIZE each), each student in one class, taught by a teacher of the same building. The
    demo teacher teaches the first class of the first school, where the demo student sits."""
    teachers: dict[int, list[tuple[int, str]]] = {}
    for building_id, person_id, title in (
        Affiliation.objects.filter(
            person__district=district,
            person__kind=Person.Kind.STAFF,
            is_primary=True,
            job_title__in=TEACHER_TITLES,
        )
        .order_by("person_id")
        .values_list("building_id", "person_id", "job_title")
    ):
        teachers.setdefault(building_id, []).append((person_id, title))
    if first_teacher is not None and first_building.pk in teachers:
        mine = teachers[first_building.pk]
        mine.sort(key=lambda row: row[0] != first_teacher.pk)
    students: dict[int, list[int]] = {}
    for building_id, person_id in (
        Affiliation.objects.filter(person__district=district, person__kind=Person.Kind.STUDENT)
        .order_by("person_id")
        .values_list("building_id", "person_id")
    ):
        students.setdefault(building_id, []).append(person_id)
    codes = dict(Building.objects.filter(district=district).values_list("pk", "code"))
    plan: list[tuple[SchoolClass, int, list[int]]] = []
    for building_id, pupils in students.items():
        staff = teachers.get(building_id, [])
        n = min(len(staff), max(1, -(-len(pupils) // CLASS_SIZE)))
        for i, (teacher_id, title) in enumerate(staff[:n]):
            subject = title.replace("Teacher, ", "").replace(" Teacher", "")
            code = f"{codes[building_id]}-{i + 1:03d}"
            school_class = SchoolClass(
                district=district,
                building_id=building_id,
                sourced_id=f"class-{code}",
                title=f"{subject}, section {i + 1}",
                class_code=code,
            )
            plan.append((school_class, teacher_id, pupils[i::n]))
    SchoolClass.objects.bulk_create([row[0] for row in plan], batch_size=batch)
    enrollments: list[Enrollment] = []
    for school_class, teacher_id, pupils in plan:
        enrollments.append(
            Enrollment(
                district=district,
                school_class=school_class,
                person_id=teacher_id,
                sourced_id=f"{school_class.sourced_id}-t{teacher_id}",
                role="teacher",
                primary=True,
            )
        )
        enrollments.extend(
            Enrollment(
                district=district,
                school_class=school_class,
                person_id=pupil,
                sourced_id=f"{school_class.sourced_id}-s{pupil}",
                role="student",
            )
            for pupil in pupils
        )
        if len(enrollments) >= batch:
            Enrollment.objects.bulk_create(enrollments, batch_size=batch)
            enrollments = []
    Enrollment.objects.bulk_create(enrollments, batch_size=batch)


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
                    media_release_known=True,
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

    # One sign-in per role, tied to a realistic person record with a job to match.
    first_building = (
        next(b for b in building_rows if b.level != "office")
        if len(building_rows) > 1
        else building_rows[0]
    )
    office = next((b for b in building_rows if b.level == "office"), first_building)
    login_people = _pick_login_people(district, first_building, office)
    _add_classes(district, first_building, login_people.get("teacher"), batch=batch)
    logins: list[tuple[str, str]] = []
    for username, role, district_wide in DEMO_LOGIN_ROLES:
        person: Person | None
        if role == Role.GUARDIAN:
            person = first_guardian
        elif role == Role.STUDENT:
            person = first_student
        else:  # staff; a Board member is not an employee and has no staff record
            person = login_people.get(username)
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
    note_directory_changed(district_id=district.pk)
    record_event(
        district=district,
        actor=by,
        action=Action.DISTRICT_DEMO_LOADED,
        target=district,
        after={"buildings": buildings, "staff": staff, "students": students, "seed": seed},
    )
    return district, logins
