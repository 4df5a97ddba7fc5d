from __future__ import annotations

import pytest

from chalkline.screening import Audience, Message, RosterIndex, Sender, screen
from chalkline.screening._compiled import compiled_finder


def _found(
    index: RosterIndex, text: str, sender: str, audience: Audience, detector: str = "student_name"
) -> list[str]:
    msg = Message(text, Sender("teacher", sender), audience)
    return [text[f.start : f.end] for f in screen(msg, index=index) if f.detector == detector]


CLASS_3A = Audience("class", (), "c-3a")
CASES = [
    # text, sender, audience, expected spans
    ("Congrats to Maria Garcia-Lopez!", "t-ortiz", CLASS_3A, ["Maria Garcia-Lopez"]),
    ("Congrats to Maria Lopez!", "t-ortiz", CLASS_3A, ["Maria Lopez"]),
    ("Thanks, Garcia-Lopez, Maria.", "t-ortiz", CLASS_3A, ["Garcia-Lopez, Maria"]),
    ("Happy birthday Jose Hernandez", "t-ortiz", CLASS_3A, ["Jose Hernandez"]),
    ("JOSÉ HERNÁNDEZ won!", "t-ortiz", CLASS_3A, ["JOSÉ HERNÁNDEZ"]),
    ("Liam O'Brien's jacket", "t-ortiz", CLASS_3A, ["Liam O'Brien"]),
    ("Great work, Maria G.!", "t-ortiz", CLASS_3A, ["Maria G."]),
    ("Team: G. Kim and A. Chen", "t-ortiz", CLASS_3A, ["G. Kim", "A. Chen"]),
    ("Maria's poem was great", "t-ortiz", CLASS_3A, ["Maria"]),
    ("Will did a great job today", "t-ortiz", CLASS_3A, ["Will"]),
    ("Congrats to Hope and Grace!", "t-ortiz", CLASS_3A, ["Hope", "Grace"]),
    ("I will call you and we hope to see you", "t-ortiz", CLASS_3A, []),
    ("Will you send a snack? Hope you are well.", "t-ortiz", CLASS_3A, []),
    ("Picture day is May 5.", "t-brooks", Audience("class", (), "c-3b"), []),
    ("We have art class on Monday.", "t-nguyen", Audience("class", (), "c-sci7"), []),
    ("Mrs. Hart and Ms. Fox will visit.", "t-ortiz", CLASS_3A, []),
    ("We read about Jackson Pollock.", "t-nguyen", Audience("class", (), "c-sci7"), []),
    ("Dr. Maria Santos will speak.", "t-nguyen", Audience("class", (), "c-sci7"), []),
    ("The Dawn spacecraft reached Vesta.", "t-nguyen", Audience("class", (), "c-sci7"), []),
    ("Thanks for a great week!\nThanks, Daniel", "t-brooks", Audience("class", (), "c-3b"), []),
    # the only Maria in c-3b is Maria Santos; "Maria" from Ms. Ortiz resolves to Maria Garcia-Lopez
    ("Maria was brave today", "t-brooks", Audience("class", (), "c-3b"), ["Maria"]),
    # family name alone is never a student mention
    ("Please thank the Patel family.", "t-ortiz", CLASS_3A, []),
]


@pytest.mark.parametrize(("text", "sender", "audience", "expected"), CASES)
def test_name_detection(
    index: RosterIndex, text: str, sender: str, audience: Audience, expected: list[str]
) -> None:
    assert _found(index, text, sender, audience) == expected


def test_naming_a_child_to_their_own_guardian_is_fine(index: RosterIndex) -> None:
    assert (
        _found(
            index, "Maria Garcia-Lopez was tired today.", "t-ortiz", Audience("direct", ("g-001",))
        )
        == []
    )


def test_naming_another_child_to_a_guardian_is_flagged(index: RosterIndex) -> None:
    assert _found(
        index, "Maria and Noah Patel argued.", "t-ortiz", Audience("direct", ("g-001",))
    ) == ["Noah Patel"]


def test_teaching_staff_may_hear_about_their_student(index: RosterIndex) -> None:
    assert (
        _found(index, "Chase Miller is failing.", "t-nguyen", Audience("direct", ("t-rivera",)))
        == []
    )


def test_staff_in_other_building_may_not(index: RosterIndex) -> None:
    assert _found(
        index, "Chase Miller is failing.", "t-nguyen", Audience("staff", ("t-ortiz",))
    ) == ["Chase Miller"]


def test_staff_audience_by_building(index: RosterIndex) -> None:
    aud = Audience("staff", (), building_id="bld-n")
    assert _found(index, "Emma Rossi has an allergy.", "p-hart", aud) == []


def test_opt_out_student_is_block_with_flag(index: RosterIndex) -> None:
    msg = Message("Thanks Sofia for the song!", Sender("teacher", "t-ortiz"), CLASS_3A)
    (f,) = [f for f in screen(msg, index=index) if f.detector == "student_name"]
    assert f.severity == "block"
    assert f.opt_out is True
    assert f.student == "s-010"


def test_full_name_is_block_first_name_is_warn(index: RosterIndex) -> None:
    msg = Message("Noah Patel and Ava did well.", Sender("teacher", "t-ortiz"), CLASS_3A)
    sev = {msg.text[f.start : f.end]: f.severity for f in screen(msg, index=index)}
    assert sev == {"Noah Patel": "block", "Ava": "warn"}


def test_students_and_families_are_not_screened_for_names(index: RosterIndex) -> None:
    msg = Message(
        "Noah Patel took my pencil", Sender("student", "s-006"), Audience("direct", ("t-ortiz",))
    )
    assert screen(msg, index=index) == []


def test_previous_word_helper_agrees_with_the_regex_it_replaces() -> None:
    import random
    import re

    from chalkline.screening.detectors.student_names import _prev_word

    reference = re.compile(r"([A-Za-z]+)\.?[ \t,]*$")
    rng = random.Random(5125)
    alphabet = "aB. ,\t\nMr.xyZ-'1\u00e9"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        m = reference.search(text, max(0, start - 16), start)
        assert _prev_word(text, start) == ((m.group(1), m.start(1)) if m else ("", -1)), text


def test_a_staff_members_full_name_is_not_a_student_elsewhere() -> None:
    """A signature ("Liam Smith", the teacher) or a colleague named in passing is not flagged
    because students elsewhere in the district share the name; a namesake in the message's
    context still is, and so is a student's name that no colleague of the sender has."""
    from chalkline.screening import StudentRecord
    from chalkline.screening.records import ClassRecord, EnrollmentRecord, StaffRecord

    index = RosterIndex.from_records(
        students=[
            StudentRecord("far1", "Liam", "Smith", building_ids=("b9",)),
            StudentRecord("far2", "Liam", "Smith", building_ids=("b9",)),
            StudentRecord("far3", "Noor", "Haddad", building_ids=("b9",)),
            StudentRecord("far4", "Omar", "Haddad", building_ids=("b9",)),
            StudentRecord("near", "Ava", "Jones", building_ids=("b1",)),
        ],
        staff=[
            StaffRecord("t-liam", "Liam", "Smith", building_ids=("b1",)),
            StaffRecord("t-ava", "Ava", "Jones", building_ids=("b1",)),
            StaffRecord("t-noor", "Noor", "Haddad", building_ids=("b1",)),
            StaffRecord("t-other", "Kim", "Park", building_ids=("b1",)),
            StaffRecord("t-far", "Omar", "Haddad", building_ids=("b9",)),
        ],
        classes=[ClassRecord("c1", "", "b1")],
        enrollments=[
            EnrollmentRecord("c1", "t-liam", "teacher"),
            EnrollmentRecord("c1", "t-ava", "teacher"),
            EnrollmentRecord("c1", "near", "student"),
        ],
    )
    public = Audience("public")
    assert _found(index, "Field day is Friday.\n\nLiam Smith", "t-liam", public) == []
    assert _found(index, "Questions? Ask Noor Haddad in the office.", "t-other", public) == []
    assert (
        _found(index, "Liam Smith, see you at lunch", "t-other", Audience("direct", ("t-liam",)))
        == []
    )
    # the district's only student Omar Haddad is named: the staff member of that name works in
    # another building, so the principal of b1 is not thanking a colleague
    assert _found(index, "Congratulations to Omar Haddad!", "t-other", public) == ["Omar Haddad"]
    # Ms. Jones shares her name with a student in her class: that student is still named
    assert _found(index, "Great work today, Ava Jones!", "t-ava", public) == ["Ava Jones"]
    # the rule follows the directory: when Noor Haddad's record changes name, or she leaves,
    # the name is the student's again
    index.upsert_staff(StaffRecord("t-noor", "Noor", "Haddad-Ali", building_ids=("b1",)))
    assert _found(index, "Questions? Ask Noor Haddad in the office.", "t-other", public) == [
        "Noor Haddad"
    ]
    index.upsert_staff(StaffRecord("t-noor", "Noor", "Haddad", building_ids=("b1",)))
    assert _found(index, "Questions? Ask Noor Haddad in the office.", "t-other", public) == []
    index.remove_staff("t-noor")
    assert _found(index, "Questions? Ask Noor Haddad in the office.", "t-other", public) == [
        "Noor Haddad"
    ]


@pytest.mark.parametrize("finder", ["compiled", "python"])
def test_colleague_buildings_follow_classes_and_teaching(
    finder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a staff namesake is the sender's colleague is answered from building sets the
    index keeps between messages (staff_buildings, staff_name_buildings); each change that moves
    a staff member's buildings (a class's building, a teaching assignment added or removed)
    changes the answer on the next message."""
    from chalkline.screening import StudentRecord
    from chalkline.screening.detectors import student_names
    from chalkline.screening.records import ClassRecord, EnrollmentRecord, StaffRecord

    if finder == "python":
        monkeypatch.setattr(student_names, "find_mentions", student_names.find_mentions_py)
    elif compiled_finder() is None:
        pytest.skip("the compiled finder is not built here")
    index = RosterIndex.from_records(
        students=[StudentRecord("s1", "Omar", "Haddad", building_ids=("b9",))],
        staff=[
            StaffRecord("t-far", "Omar", "Haddad", building_ids=()),
            StaffRecord("t-me", "Kim", "Park", building_ids=("b1",)),
        ],
        classes=[ClassRecord("c9", "", "b9"), ClassRecord("c1", "", "b1")],
        enrollments=[EnrollmentRecord("c9", "t-far", "teacher")],
    )
    text, public = "Congratulations to Omar Haddad!", Audience("public")
    named = ["Omar Haddad"]
    assert _found(index, text, "t-me", public) == named  # the teacher of c9 works in b9
    index.upsert_class(ClassRecord("c9", "", "b1"))  # c9 moves to the sender's building
    assert _found(index, text, "t-me", public) == []
    index.upsert_class(ClassRecord("c9", "", "b9"))
    assert _found(index, text, "t-me", public) == named
    index.add_enrollment(EnrollmentRecord("c1", "t-far", "teacher"))  # now also teaches in b1
    assert _found(index, text, "t-me", public) == []
    index.remove_enrollment(EnrollmentRecord("c1", "t-far", "teacher"))
    assert _found(index, text, "t-me", public) == named
    index.add_enrollment(EnrollmentRecord("c9", "t-me", "teacher"))  # the sender moves instead
    assert _found(index, text, "t-me", public) == []
    index.remove_staff("t-me")
    index.upsert_staff(StaffRecord("t-me", "Kim", "Park", building_ids=("b1",)))
    assert _found(index, text, "t-me", public) == named
    assert index.staff_name_buildings("omar haddad") == frozenset({"b9"})
    assert index.staff_buildings("t-me") == frozenset({"b1"})
