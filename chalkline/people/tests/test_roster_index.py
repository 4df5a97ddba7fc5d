"""The screening index built from the directory, and its per-district cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalkline.people import roster_index as ri
from chalkline.people.models import Person
from chalkline.people.roster_index import (
    build_roster_index,
    forget_roster_indexes,
    key_of,
    roster_index_for,
)
from chalkline.screening import Audience, ClassRecord, EnrollmentRecord, Message, Sender, screen
from conftest import World, make_person


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    forget_roster_indexes()
    yield
    forget_roster_indexes()


def names_in(
    index: object, text: str, kind: str = "public", recipients: tuple[str, ...] = ()
) -> list[str | None]:
    msg = Message(text, Sender("teacher", "t-1"), Audience(kind, recipients))  # type: ignore[arg-type]
    return [f.student for f in screen(msg, index=index) if f.detector == "student_name"]  # type: ignore[arg-type]


def test_students_guardians_staff_and_flags_come_from_the_directory(world: World) -> None:
    opted = make_person(
        world.district,
        kind=Person.Kind.STUDENT,
        building=world.south,
        given_name="Oscar",
        family_name="Quill",
        directory_opt_out=True,
        identifier="204518",
        username="oquill27",
    )
    index = build_roster_index(world.district)
    student = index.student(key_of(world.student_north))
    assert student is not None and student.family_name == "Garcia"
    assert student.building_ids == ("north",)
    assert index.guardians_of(key_of(world.student_north)) == (key_of(world.guardian_north),)
    assert index.is_staff(key_of(world.staff_north))
    assert "prairie.example.org" in index.district_domains
    msg = Message("Oscar Quill, ID 204518", Sender("teacher", "t"), Audience("public"))
    findings = screen(msg, index=index)
    assert any(f.opt_out for f in findings if f.student == key_of(opted))
    assert any(f.detector == "student_identifier" for f in findings)


def test_inactive_people_and_other_districts_are_left_out(world: World) -> None:
    make_person(
        world.district,
        kind=Person.Kind.STUDENT,
        given_name="Lena",
        family_name="Leftschool",
        active=False,
        deactivation_reason="moved away",
    )
    make_person(
        world.other_district, kind=Person.Kind.STUDENT, given_name="Ivo", family_name="Elsewhere"
    )
    index = build_roster_index(world.district)
    assert names_in(index, "Lena Leftschool and Ivo Elsewhere were there.") == []


def test_a_student_without_a_sourced_id_gets_a_local_key(world: World) -> None:
    p = make_person(
        world.district,
        kind=Person.Kind.STUDENT,
        given_name="Noor",
        family_name="Nakamura",
        sourced_id="",
    )
    index = build_roster_index(world.district)
    assert names_in(index, "Well done Noor Nakamura!") == [f"person-{p.pk}"]


def test_the_cache_serves_the_same_index_until_the_directory_changes(world: World) -> None:
    first = roster_index_for(world.district, max_age=0)
    assert roster_index_for(world.district, max_age=0) is first
    assert names_in(first, "Hello Zora Zeller") == []
    new = make_person(
        world.district, kind=Person.Kind.STUDENT, given_name="Zora", family_name="Zeller"
    )
    # Within the check interval the cached index is served as is...
    assert roster_index_for(world.district, max_age=3600) is first
    # ...and once checked, the new student is there.
    second = roster_index_for(world.district, max_age=0)
    assert second is not first
    assert names_in(second, "Hello Zora Zeller") == [key_of(new)]


def test_a_new_guardian_link_rebuilds_the_index(world: World) -> None:
    from chalkline.people.models import GuardianLink

    first = roster_index_for(world.district, max_age=0)
    aunt = make_person(
        world.district, kind=Person.Kind.GUARDIAN, given_name="Ana", family_name="Ruiz"
    )
    GuardianLink.objects.create(guardian=aunt, student=world.student_north)
    second = roster_index_for(world.district, max_age=0)
    assert second is not first
    assert names_in(second, "Maria Garcia did well", "direct", (key_of(aunt),)) == []


def test_class_rosters_plug_in_through_the_hook(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ri, "_class_sources", [])
    teacher = world.users["teacher_north"].person
    assert teacher is not None

    def classes(district: object) -> tuple[list[ClassRecord], list[EnrollmentRecord]]:
        return (
            [ClassRecord("c-3a", "Grade 3A", "north")],
            [
                EnrollmentRecord("c-3a", key_of(world.student_north), "student"),
                EnrollmentRecord("c-3a", key_of(teacher), "teacher"),
            ],
        )

    ri.register_class_source(classes)
    index = build_roster_index(world.district)
    assert set(index.class_students("c-3a")) == {key_of(world.student_north)}
    assert index.staff_teaches(key_of(teacher), key_of(world.student_north))
