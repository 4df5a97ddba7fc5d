"""The screening index built from the directory, and its per-district cache."""

from __future__ import annotations

import logging
import threading
import time
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
from chalkline.people.services.directory_changes import note_directory_changed
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
    first = roster_index_for(world.district, max_age=0, background=False)
    assert roster_index_for(world.district, max_age=0, background=False) is first
    assert names_in(first, "Hello Zora Zeller") == []
    new = make_person(
        world.district, kind=Person.Kind.STUDENT, given_name="Zora", family_name="Zeller"
    )
    # a write the generation does not know of goes unseen (every service raises it)
    assert roster_index_for(world.district, max_age=0, background=False) is first
    note_directory_changed(district_id=world.district.pk)
    # Within the check interval the cached index is served as is...
    assert roster_index_for(world.district, max_age=3600, background=False) is first
    # ...and once checked, the new student is there.
    second = roster_index_for(world.district, max_age=0, background=False)
    assert second is not first
    assert names_in(second, "Hello Zora Zeller") == [key_of(new)]


def test_a_new_guardian_link_rebuilds_the_index(world: World) -> None:
    from chalkline.people.models import GuardianLink

    first = roster_index_for(world.district, max_age=0, background=False)
    aunt = make_person(
        world.district, kind=Person.Kind.GUARDIAN, given_name="Ana", family_name="Ruiz"
    )
    GuardianLink.objects.create(guardian=aunt, student=world.student_north)
    note_directory_changed(district_id=world.district.pk)  # as every write path does
    second = roster_index_for(world.district, max_age=0, background=False)
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


def _wait_for_rebuild(seconds: float = 30.0) -> None:
    """Until no background check is running (each has swapped a new index in, found nothing
    new, or given up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(e.refreshing for e in ri._cache.values()):
            return
        time.sleep(0.01)
    raise AssertionError("the background rebuild did not finish")


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_runs_in_the_background_while_the_old_index_serves(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the check interval has passed, the request gets the current index at once; one
    thread checks the directory and, after a change, builds the new index (its own database
    connection sees the committed change); the next request gets that."""
    first = roster_index_for(world.district, max_age=0)  # the first build always waits
    # a check that finds nothing new, in the background too, keeps the index
    assert roster_index_for(world.district, max_age=0, background=True) is first
    _wait_for_rebuild()
    assert roster_index_for(world.district, max_age=3600, background=True) is first
    new = make_person(
        world.district, kind=Person.Kind.STUDENT, given_name="Zora", family_name="Zeller"
    )
    note_directory_changed(district_id=world.district.pk)  # as every write path does
    started = threading.Event()
    release = threading.Event()
    builds: list[str] = []
    real_build = ri.build_roster_index

    def slow_build(district: object) -> object:
        builds.append(threading.current_thread().name)
        started.set()
        assert release.wait(30)
        return real_build(district)  # type: ignore[arg-type]

    monkeypatch.setattr(ri, "build_roster_index", slow_build)
    assert roster_index_for(world.district, max_age=0, background=True) is first
    assert started.wait(30)
    # while it builds, every request is served the previous index and no second build starts
    assert roster_index_for(world.district, max_age=0, background=True) is first
    assert builds == [f"roster-index-{world.district.pk}"]
    release.set()
    _wait_for_rebuild()
    second = roster_index_for(world.district, max_age=3600, background=True)
    assert second is not first
    assert names_in(second, "Hello Zora Zeller") == [key_of(new)]
    assert names_in(first, "Hello Zora Zeller") == []  # the old index was never changed


@pytest.mark.django_db(transaction=True)
def test_a_failed_background_rebuild_keeps_the_old_index_and_logs_no_names(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = roster_index_for(world.district, max_age=0)
    make_person(world.district, kind=Person.Kind.STUDENT, given_name="Zora", family_name="Zeller")
    note_directory_changed(district_id=world.district.pk)

    def broken(district: object) -> object:
        raise RuntimeError("the directory could not be read")

    monkeypatch.setattr(ri, "build_roster_index", broken)
    with caplog.at_level(logging.ERROR, logger="chalkline.people.roster_index"):
        assert roster_index_for(world.district, max_age=0, background=True) is first
        _wait_for_rebuild()
    assert roster_index_for(world.district, max_age=3600, background=True) is first
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        f"roster index rebuild failed for district {world.district.pk}; the previous index stays"
    ]
    assert not any("Zora" in m or "Zeller" in m for m in caplog.text.splitlines())
    # the next check tries again, and a good build is then swapped in
    monkeypatch.setattr(ri, "build_roster_index", build_roster_index)
    assert roster_index_for(world.district, max_age=0, background=True) is first
    _wait_for_rebuild()
    assert names_in(roster_index_for(world.district, max_age=3600), "Hello Zora Zeller") != []


def test_the_directory_is_read_in_one_transaction_planned_for_every_row(world: World) -> None:
    """On PostgreSQL the reads run with cursor_tuple_fraction = 1 (server-side cursors are
    otherwise planned for their first tenth; without statistics, right after an import, that
    plan of the guardian-link join took 50 times as long); the index is the same either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        index = build_roster_index(world.district)
    sql = [q["sql"] for q in ctx.captured_queries]
    settings_sql = [s for s in sql if "cursor_tuple_fraction" in s]
    if connection.vendor == "postgresql":
        assert settings_sql == ["SET LOCAL cursor_tuple_fraction = 1"]
        assert sql.index(settings_sql[0]) < next(
            i for i, s in enumerate(sql) if "people_guardianlink" in s
        )
    else:
        assert settings_sql == []
    assert names_in(index, "Maria Garcia did well") == [key_of(world.student_north)]
