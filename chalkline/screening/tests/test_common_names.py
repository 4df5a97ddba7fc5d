"""Names shared by many students district-wide are resolved by the message's context.

At district scale an abbreviated name ("Maria G.") can match thousands of students, so the engine
checks the (small) message context against the name rather than every namesake against the
context. These tests pin down that both ways of looking agree.
"""

from __future__ import annotations

import pytest

from chalkline.screening import (
    Audience,
    Message,
    RosterIndex,
    Sender,
    StudentRecord,
    screen,
)
from chalkline.screening.detectors.context import ScreenContext
from chalkline.screening.records import ClassRecord, EnrollmentRecord, StaffRecord

NAMESAKES = 120  # far more namesakes than a message context has students


@pytest.fixture
def district() -> RosterIndex:
    students = [
        StudentRecord("s-in", "Maria", "Gomez", building_ids=("b1",)),
        StudentRecord("s-classmate", "Kenji", "Watanabe", building_ids=("b1",)),
        StudentRecord("s-hyphen", "Ana", "de la Cruz-Ortiz", building_ids=("b1",)),
    ]
    for n in range(NAMESAKES):
        students += [
            StudentRecord(f"mg{n}", "Maria", "Garcia", building_ids=("b2",)),
            StudentRecord(f"mz{n}", "Maria", "Gonzalez", building_ids=("b2",)),
            StudentRecord(f"tg{n}", "Mateo", "Gomez", building_ids=("b2",)),
            StudentRecord(f"ao{n}", "Ana", "Ortiz", building_ids=("b2",)),
        ]
    students.append(
        StudentRecord("mg-opt", "Maria", "Garcia", building_ids=("b2",), directory_opt_out=True)
    )
    return RosterIndex.from_records(
        students=students,
        staff=[
            StaffRecord("t1", "Ann", "Lee", building_ids=("b1",)),
            StaffRecord("t2", "Bo", "Park", building_ids=("b1",)),
        ],
        classes=[ClassRecord("c1", "", "b1"), ClassRecord("c2", "", "b1")],
        enrollments=[
            EnrollmentRecord("c1", "t1", "teacher"),
            EnrollmentRecord("c1", "s-in", "student"),
            EnrollmentRecord("c1", "s-classmate", "student"),
            EnrollmentRecord("c1", "s-hyphen", "student"),
            EnrollmentRecord("c2", "t2", "teacher"),
            EnrollmentRecord("c2", "s-classmate", "student"),
        ],
    )


def _to_class(index: RosterIndex, text: str, teacher: str, class_id: str) -> list[tuple[str, str]]:
    msg = Message(text, Sender("teacher", teacher), Audience("class", (), class_id))
    return [(f.detector, text[f.start : f.end]) for f in screen(msg, index=index)]


@pytest.mark.parametrize(
    "text, named",
    [
        ("Maria G. forgot her lunch box today.", "Maria G."),
        ("We found a lunch box labelled M. Gomez on the bus.", "M. Gomez"),
        ("Ana O. left her coat in the gym.", "Ana O."),
    ],
)
def test_abbreviated_common_name_resolves_to_the_one_in_the_senders_class(
    district: RosterIndex, text: str, named: str
) -> None:
    findings = [
        f
        for f in screen(
            Message(text, Sender("teacher", "t1"), Audience("class", (), "c1")), index=district
        )
        if f.detector == "student_name"
    ]
    assert [text[f.start : f.end] for f in findings] == [named]
    assert findings[0].student in ("s-in", "s-hyphen")


def test_abbreviated_common_name_outside_the_context_is_not_a_mention(
    district: RosterIndex,
) -> None:
    # t2's class has no Maria G., and the district has a hundred: nobody in particular is named
    assert _to_class(district, "Maria G. forgot her lunch box today.", "t2", "c2") == []


def test_ambiguous_full_name_counts_every_namesake_and_any_opt_out(district: RosterIndex) -> None:
    text = "Maria Garcia won the spelling bee."
    msg = Message(text, Sender("teacher", "t2"), Audience("class", (), "c2"))
    (f,) = [f for f in screen(msg, index=district) if f.detector == "student_name"]
    assert text[f.start : f.end] == "Maria Garcia"
    assert f.student is None
    assert f.extra == {"candidates": NAMESAKES + 1}
    assert f.opt_out and f.severity == "block"


def test_opt_out_is_forgotten_when_the_student_is_updated_or_removed(
    district: RosterIndex,
) -> None:
    district.upsert_student(StudentRecord("mg-opt", "Maria", "Garcia", building_ids=("b2",)))
    msg = Message("Maria Garcia won.", Sender("teacher", "t2"), Audience("class", (), "c2"))
    assert [f.opt_out for f in screen(msg, index=district)] == [False]
    district.upsert_student(
        StudentRecord("mg-opt", "Maria", "Garcia", building_ids=("b2",), directory_opt_out=True)
    )
    assert [f.opt_out for f in screen(msg, index=district)] == [True]
    district.remove_student("mg-opt")
    assert [f.opt_out for f in screen(msg, index=district)] == [False]


def test_context_side_check_agrees_with_the_lookup(district: RosterIndex) -> None:
    """ScreenContext.in_context and resolve_key find exactly the namesakes that are in the
    message's context, for every kind of name key, whichever side they work from."""
    district.link_guardian("g-mg3", ["mg3"])
    district.add_enrollment(EnrollmentRecord("c2", "tg7", "student"))
    msg = Message("x", Sender("teacher", "t1"), Audience("direct", ("g-mg3", "ao1"), "c2"))
    ctx = ScreenContext(msg, msg.text, district)
    context = {"s-in", "s-classmate", "s-hyphen", "tg7", "mg3", "ao1"}
    assert set(ctx.context_students()) == context
    # class c2, the sender's class c1 and the recipients' students; s-classmate, in both classes,
    # is counted twice (the size is only used to pick a side)
    assert ctx.context_size() == 7
    assert set(ctx.first_name_students("maria")) == {"s-in", "mg3"}
    assert set(ctx.first_name_students("mateo")) == {"tg7"}
    for kind, key in [
        ("full", "maria garcia"),
        ("full", "ana de la cruz ortiz"),
        ("full", "ana ortiz"),
        ("given_initial", "maria g"),
        ("given_initial", "ana d"),
        ("initial_family", "m gomez"),
        ("initial_family", "a ortiz"),
        ("initial_family", "a cruz"),
    ]:
        bucket = set(getattr(district, f"lookup_{kind}")(key))
        assert bucket, key
        raw = district.name_bucket(kind, key)
        assert raw is not None
        assert ctx.in_context(raw) == context & bucket, key
        assert ctx.in_context(tuple(sorted(bucket))) == context & bucket, key
        assert ctx.in_context(frozenset(bucket)) == context & bucket, key
        # the context-side check used for names shared by many more students than the context
        everyone = set(bucket) | {"s-in", "s-classmate", "s-hyphen"}
        assert {s for s in everyone if district.has_name_key(s, kind, key)} == bucket, key
        found = context & bucket
        expected = found.pop() if len(found) == 1 else None
        assert ctx.resolve_key(kind, key) == expected, key
    assert ctx.in_context("mg3") == {"mg3"}
    assert ctx.in_context("mg4") == set()
