"""A directory import that withdraws a student signs out the student and the guardian left with
no active child (issue 18: former students and their families no longer sign in)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people import services
from chalkline.people.models import Building, District, ImportBatch, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.people.tests.roster_fixtures import ENR_HEADER, PackageMaker, users
from conftest import make_district

PASSWORD = "correct horse battery staple"


@pytest.fixture
def district(db: Any) -> District:
    return make_district("springfield", "Springfield SD")


def run(district: District, path: Path, **kwargs: Any) -> ImportBatch:
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=None,
        enqueue=False,
        **kwargs,
    )
    return services.run_directory_import(batch_id=batch.pk)


def account(district: District, sourced_id: str, role: Role) -> User:
    person = Person.objects.get(district=district, sourced_id=sourced_id)
    north = Building.objects.get(district=district, sourced_id="org-n")
    user = User.objects.create_user(username=sourced_id, password=PASSWORD, person=person)
    services.grant_membership(user=user, district=district, role=role, building=north, by=None)
    return user


def test_a_withdrawn_students_family_no_longer_signs_in(district: District, tmp_path: Path) -> None:
    make = PackageMaker(tmp_path)
    run(district, make())
    student = account(district, "s1", Role.STUDENT)
    guardian = account(district, "g1", Role.GUARDIAN)
    teacher = account(district, "t1", Role.EMPLOYEE)
    client = Client()
    assert (
        client.post(reverse("login"), {"username": "g1", "password": PASSWORD}).status_code == 302
    )

    without_s1: dict[str, str | bytes | None] = {
        "users.csv": users("t1", "p1", "s2", "g1"),
        "enrollments.csv": ENR_HEADER,
    }
    batch = run(district, make(without_s1), confirm_deactivations=True)

    assert batch.status == ImportBatch.Status.SUCCEEDED
    for user in (student, guardian):
        user.refresh_from_db()
        assert not user.is_active
        assert not Membership.objects.filter(user=user, active=True).exists()
    teacher.refresh_from_db()
    assert teacher.is_active
    response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    again = Client().post(reverse("login"), {"username": "g1", "password": PASSWORD})
    assert again.status_code == 200  # refused
    event = AuditEvent.objects.get(action="people.former_families_signed_out")
    assert sorted(event.after_data["users"]) == sorted([student.pk, guardian.pk])
