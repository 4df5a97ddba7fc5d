"""Shared test fixtures: named personas in two districts, and small make_<model>() helpers.

District A ("prairie") has North Elementary and South Middle; district B ("elsewhere") has one
building. Personas follow STYLE.md: superintendent, principal_north, teacher_north, teacher_south,
union_rep, netadmin, outsider, plus designee, hr, board_member, guardian_north and student_north.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections
from django.test import TransactionTestCase

from chalkline.lib.appendonly import guards_suspended
from chalkline.people.models import Affiliation, Building, District, GuardianLink, Person, User
from chalkline.people.roles import Role
from chalkline.people.services import create_district, grant_membership

_counter = itertools.count(1)

_django_fixture_teardown = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]


def _fixture_teardown_past_the_guards(self: TransactionTestCase) -> None:
    """Transactional tests end with Django emptying every table (DELETE on SQLite, TRUNCATE on
    PostgreSQL), which the append-only triggers refuse: switch them off for that flush only."""
    with contextlib.ExitStack() as stack:
        for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
            stack.enter_context(guards_suspended(connections[alias]))
        _django_fixture_teardown(self)


TransactionTestCase._fixture_teardown = _fixture_teardown_past_the_guards  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Argon2 is the production hasher (tested separately); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_district(slug: str | None = None, name: str | None = None) -> District:
    n = next(_counter)
    slug = slug or f"district-{n}"
    return create_district(
        name=name or f"District {n}", slug=slug, email_domains=f"{slug}.example.org", by=None
    )


def make_building(
    district: District, name: str | None = None, code: str | None = None, level: str = "elementary"
) -> Building:
    n = next(_counter)
    return Building.objects.create(
        district=district, name=name or f"Building {n}", code=code or f"b{n}", level=level
    )


def make_person(
    district: District,
    *,
    kind: str = Person.Kind.STAFF,
    building: Building | None = None,
    given_name: str = "Pat",
    family_name: str | None = None,
    job_title: str = "Teacher",
    **fields: Any,
) -> Person:
    n = next(_counter)
    person = Person.objects.create(
        district=district,
        kind=kind,
        given_name=given_name,
        family_name=family_name or f"Person{n}",
        email=fields.pop("email", f"p{n}@{district.slug}.example.org"),
        sourced_id=fields.pop("sourced_id", f"src-{n}"),
        **fields,
    )
    if building is not None:
        Affiliation.objects.create(
            person=person, building=building, job_title=job_title if kind == "staff" else ""
        )
    return person


def make_user(
    district: District,
    role: Role,
    *,
    building: Building | None = None,
    person: Person | None = None,
    username: str | None = None,
    password: str = "correct horse battery staple",
) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        username=username or f"user{n}", password=password, person=person
    )
    grant_membership(user=user, district=district, role=role, building=building, by=None)
    return user


@dataclass
class World:
    district: District
    north: Building
    south: Building
    other_district: District
    elsewhere: Building
    staff_north: Person
    staff_south: Person
    student_north: Person
    guardian_north: Person
    staff_elsewhere: Person
    users: dict[str, User]


PERSONAS = [
    "superintendent",
    "designee",
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "board_member",
    "teacher_north",
    "teacher_south",
    "guardian_north",
    "student_north",
    "outsider",
]


@pytest.fixture
def world(db: Any) -> World:
    district = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(district, "North Elementary", "north")
    south = make_building(district, "South Middle", "south", level="middle")
    other = make_district("elsewhere", "Elsewhere SD 9")
    elsewhere = make_building(other, "Elsewhere High", "else-high", level="high")
    staff_north = make_person(district, building=north, given_name="Nora", family_name="Northcott")
    staff_south = make_person(district, building=south, given_name="Sam", family_name="Southard")
    student_north = make_person(
        district, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia"
    )
    guardian_north = make_person(
        district, kind=Person.Kind.GUARDIAN, given_name="Elena", family_name="Garcia"
    )
    GuardianLink.objects.create(
        guardian=guardian_north, student=student_north, relationship="parent"
    )
    staff_elsewhere = make_person(
        other, building=elsewhere, given_name="Otto", family_name="Otherly"
    )
    teacher_n = make_person(district, building=north, given_name="Tess", family_name="Teacher")
    teacher_s = make_person(district, building=south, given_name="Tom", family_name="Tutor")
    users = {
        "superintendent": make_user(district, Role.SUPERINTENDENT, username="superintendent"),
        "designee": make_user(district, Role.DESIGNEE, username="designee"),
        "hr": make_user(district, Role.HR, username="hr"),
        "principal_north": make_user(
            district, Role.PRINCIPAL, building=north, username="principal_north"
        ),
        "netadmin": make_user(district, Role.NETWORK_ADMIN, username="netadmin"),
        "union_rep": make_user(district, Role.EMPLOYEE_REP, username="union_rep"),
        "board_member": make_user(district, Role.BOARD_MEMBER, username="board_member"),
        "teacher_north": make_user(
            district, Role.EMPLOYEE, building=north, person=teacher_n, username="teacher_north"
        ),
        "teacher_south": make_user(
            district, Role.EMPLOYEE, building=south, person=teacher_s, username="teacher_south"
        ),
        "guardian_north": make_user(
            district,
            Role.GUARDIAN,
            building=north,
            person=guardian_north,
            username="guardian_north",
        ),
        "student_north": make_user(
            district, Role.STUDENT, building=north, person=student_north, username="student_north"
        ),
        "outsider": make_user(other, Role.SUPERINTENDENT, username="outsider"),
    }
    return World(
        district,
        north,
        south,
        other,
        elsewhere,
        staff_north,
        staff_south,
        student_north,
        guardian_north,
        staff_elsewhere,
        users,
    )


@pytest.fixture
def superintendent(world: World) -> User:
    return world.users["superintendent"]


@pytest.fixture
def principal_north(world: World) -> User:
    return world.users["principal_north"]


@pytest.fixture
def teacher_north(world: World) -> User:
    return world.users["teacher_north"]


@pytest.fixture
def teacher_south(world: World) -> User:
    return world.users["teacher_south"]


@pytest.fixture
def union_rep(world: World) -> User:
    return world.users["union_rep"]


@pytest.fixture
def netadmin(world: World) -> User:
    return world.users["netadmin"]


@pytest.fixture
def outsider(world: World) -> User:
    return world.users["outsider"]


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a free local port; yields the list of received messages."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Collect(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[Any] = []

        def handle_message(self, message: Any) -> None:
            self.messages.append(message)

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler.messages
    finally:
        controller.stop()
