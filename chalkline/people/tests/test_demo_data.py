from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chalkline.audit.services import verify_chain
from chalkline.people.demo.synthetic import DemoDistrict
from chalkline.people.models import Building, District, GuardianLink, Membership, Person
from chalkline.people.roles import Role


def _snapshot(seed: int) -> list[tuple[str, ...]]:
    demo = DemoDistrict(buildings=5, staff=40, students=60, seed=seed, domain="x.example.org")
    rows: list[tuple[str, ...]] = [(b.code, b.name, b.level) for b in demo.buildings()]
    rows += [
        (p.key, p.given_name, p.family_name, p.job_title, *p.building_codes) for p in demo.staff()
    ]
    for s, guardians, _ in demo.students_and_guardians():
        rows.append((s.key, s.given_name, s.family_name, s.grade, *[g.key for g in guardians]))
    return rows


def test_the_generator_is_deterministic_for_a_seed() -> None:
    assert _snapshot(7) == _snapshot(7)
    assert _snapshot(7) != _snapshot(8)


def test_buildings_have_several_levels() -> None:
    levels = {
        b.level
        for b in DemoDistrict(buildings=10, staff=0, students=0, seed=1, domain="x").buildings()
    }
    assert {"office", "elementary", "middle", "high"} <= levels


@pytest.mark.django_db
def test_demo_data_command_creates_a_district_with_one_login_per_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "demo_data",
        "--buildings",
        "4",
        "--staff",
        "30",
        "--students",
        "50",
        "--seed",
        "3",
        "--slug",
        "d1",
    )
    out = capsys.readouterr().out
    district = District.objects.get(slug="d1")
    assert Building.objects.filter(district=district).count() == 4
    assert Person.objects.filter(district=district, kind="staff").count() == 30
    assert Person.objects.filter(district=district, kind="student").count() == 50
    links = GuardianLink.objects.filter(student__district=district)
    per_student = {
        s: links.filter(student_id=s).count() for s in links.values_list("student_id", flat=True)
    }
    assert set(per_student.values()) <= {1, 2} and len(per_student) == 50
    roles = set(Membership.objects.filter(district=district).values_list("role", flat=True))
    assert roles == set(Role.values)
    for role in Role:
        assert role.label in out
    assert verify_chain(district.pk).ok


@pytest.mark.django_db
def test_demo_data_refuses_an_existing_slug_unless_if_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args: list[Any] = [
        "demo_data",
        "--buildings",
        "1",
        "--staff",
        "2",
        "--students",
        "2",
        "--slug",
        "d2",
    ]
    call_command(*args)
    with pytest.raises(CommandError, match="exists already"):
        call_command(*args)
    call_command(*args, "--if-missing")
    assert "nothing to do" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--buildings must be at least 1"):
        call_command("demo_data", "--buildings", "0", "--slug", "d3")
