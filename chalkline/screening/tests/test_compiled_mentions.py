"""The compiled name finder (``screening/_mentions.pyx``) and the Python one agree exactly.

The Python ``find_mentions_py`` is the reference; the compiled twin must return the same
mentions (offsets, kind, candidates, student) in the same order for every message. These tests
compare the two on the labelled corpus, on the benchmark's synthetic messages, and on random
texts built to hit every rule's edge (initials, commas, middle names, honorifics, quotes,
sentence starts, tabs, newlines, Unicode spaces, decomposed accents, ALL CAPS) against a roster
with multi-word, hyphenated and ordinary-word names and staff who share students' names.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import unicodedata
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from chalkline.screening import (
    Audience,
    Message,
    RosterIndex,
    Sender,
    StudentRecord,
    _compiled,
    screen,
)
from chalkline.screening.cli import parse_message
from chalkline.screening.detectors import student_names
from chalkline.screening.detectors.context import ScreenContext
from chalkline.screening.index import NameKeys
from chalkline.screening.names import COMMON_WORDS, GREETINGS, HONORIFICS, PLACE_WORDS
from chalkline.screening.records import (
    ClassRecord,
    EnrollmentRecord,
    GuardianRecord,
    StaffRecord,
)

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "data" / "screening_corpus.jsonl"

compiled = _compiled.compiled_finder()
needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled finder is not built")


def _compiler_available() -> bool:
    cc = (sysconfig.get_config_var("CC") or "").split()
    return bool(cc) and shutil.which(cc[0]) is not None


def test_the_compiled_finder_is_built_and_current_where_it_can_be() -> None:
    # make test builds it (pip install -e .); a missing or stale build would silently fall back
    # to the slower Python finder, so where a C compiler exists its absence is a failure.
    if not _compiler_available():
        pytest.skip("no C compiler: the pure-Python finder is the one in use")
    assert compiled is not None, "rebuild the compiled name finder: pip install -e ."
    assert student_names.find_mentions is compiled


def test_a_machine_without_a_c_compiler_still_builds(tmp_path: Path) -> None:
    # setup.py marks the extension optional: with no working compiler (CC=false fails every
    # compile) the build must warn and go on without the module, not fail the install.
    pytest.importorskip("Cython")
    (tmp_path / "chalkline" / "screening").mkdir(parents=True)
    shutil.copy(REPO / "setup.py", tmp_path / "setup.py")
    pyx = "chalkline/screening/_mentions.pyx"
    shutil.copy(REPO / pyx, tmp_path / pyx)
    out = tmp_path / "out"
    run = subprocess.run(  # noqa: S603 - our own interpreter and setup.py
        [sys.executable, "setup.py", "build_ext", "--build-lib", str(out)],
        cwd=tmp_path,
        env={**os.environ, "CC": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    said = run.stdout + run.stderr  # setuptools' warning; its wording is not a contract
    assert "chalkline.screening._mentions" in said and "failed" in said
    assert (tmp_path / "build" / "cython" / "chalkline" / "screening" / "_mentions.c").exists()
    assert not list(out.rglob("_mentions*.so"))


def _key(ctx: ScreenContext, finder: Any) -> list[tuple[Any, ...]]:
    return [(m.start, m.end, m.kind, tuple(m.candidates), m.student) for m in finder(ctx)]


def _assert_same(messages: list[Message], index: RosterIndex) -> int:
    """Both finders on fresh contexts; returns the number of mentions found."""
    assert compiled is not None
    found = 0
    for msg in messages:
        want = _key(ScreenContext(msg, msg.text, index), student_names.find_mentions_py)
        got = _key(ScreenContext(msg, msg.text, index), compiled)
        assert got == want, msg.text
        found += len(want)
    return found


@needs_compiled
def test_same_mentions_on_the_labelled_corpus(index: RosterIndex) -> None:
    messages = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        messages.append(parse_message(row))
        # and its ALL CAPS and typographic variants
        messages.append(parse_message({**row, "text": row["text"].upper()}))
        curly = row["text"].replace("'", "\u2019").replace(" ", "\u00a0", 3)
        messages.append(parse_message({**row, "text": curly}))
    assert len(messages) >= 1200
    assert _assert_same(messages, index) > 150


@needs_compiled
def test_same_mentions_on_the_benchmark_messages() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from screening_synth import build_index, messages
    finally:
        sys.path.remove(str(REPO / "bench"))
    index, teachers = build_index(3000, seed=11)
    msgs = list(messages(index, teachers, 3000, seed=12))
    assert _assert_same(msgs, index) > 1000


# ---- random texts against a roster built to be awkward -------------------------------------
STUDENTS = [
    ("s1", "Maria", "Garcia-Lopez", ""),
    ("s2", "Maria", "Garcia", ""),
    ("s3", "Will", "Thompson", ""),
    ("s4", "Grace", "Kim", ""),
    ("s5", "Mary Jane", "Watson", ""),
    ("s6", "Sofia", "De la Cruz", ""),
    ("s7", "José", "Hernández", "Pepe"),
    ("s8", "Liam", "O'Brien", ""),
    ("s9", "Liam", "Smith", ""),
    ("s10", "Hope", "Young", ""),
    ("s11", "May", "Lin", ""),
    ("s12", "Jackson", "Park", ""),
    ("s13", "Ann", "Lee", ""),  # shares a teacher's full name
    ("s14", "Zoë", "Fischer", ""),
    ("s15", "Hunter", "Scott", ""),
    ("s16", "Amir", "Khan", "Ami"),
    ("s17", "Chase", "Martin", ""),
    ("s18", "Noah", "Patel", ""),
    ("s19", "Priya", "D'Souza", ""),
]
STAFF = [("t1", "Ann", "Lee", "b1"), ("t2", "Grace", "Park", "b1"), ("t3", "Omar", "Haddad", "b2")]


def _awkward_index() -> RosterIndex:
    students = [
        StudentRecord(
            sid,
            given,
            family,
            preferred_name=pref,
            building_ids=("b1" if n % 2 else "b2",),
            directory_opt_out=n % 5 == 0,
        )
        for n, (sid, given, family, pref) in enumerate(STUDENTS)
    ]
    # namesakes outside every class, so names resolve only through the context
    students += [StudentRecord(f"x{n}", "Liam", "Smith", building_ids=("b3",)) for n in range(30)]
    students += [StudentRecord(f"y{n}", "Maria", "Gomez", building_ids=("b3",)) for n in range(30)]
    classes = [ClassRecord("c1", "", "b1"), ClassRecord("c2", "", "b2")]
    enrollments = [EnrollmentRecord("c1", "t1", "teacher"), EnrollmentRecord("c2", "t2", "teacher")]
    for n, (sid, *_rest) in enumerate(STUDENTS):
        enrollments.append(EnrollmentRecord("c1" if n < 11 else "c2", sid, "student"))
    enrollments.append(EnrollmentRecord("c2", "s9", "student"))
    return RosterIndex.from_records(
        students=students,
        guardians=[GuardianRecord(f"g{sid}", (sid,)) for sid, *_ in STUDENTS],
        staff=[StaffRecord(t, g, f, building_ids=(b,)) for t, g, f, b in STAFF],
        classes=classes,
        enrollments=enrollments,
    )


_WORDS = [
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "is",
    "was",
    "has",
    "will",
    "may",
    "hope",
    "grace",
    "park",
    "lane",
    "field",
    "trip",
    "due",
    "friday",
    "reading",
    "club",
    "art",
    "class",
    "room",
    "office",
    "team",
    "great",
    "job",
    "thanks",
    "today",
]
_SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\n\n", ", ", ". ", "! ", "? ", "; ", ": ",
               " - ", " \u2022 ", "\u00a0", "\u2003", " (", ") ", ' "', '" ', " \u201c",
               "\u201d ", " '", "' ", "'s ", "\u2019s ", ",", ".", ". \u201c", '! "', "?\n(",
               "_", "\u2019"]  # fmt: skip


def _name_forms(rng: random.Random) -> str:
    sid, given, family, pref = rng.choice(STUDENTS)
    first = rng.choice([given, pref or given, given.split()[0]])
    fam = rng.choice([family, family.split("-")[0], family.split()[-1]])
    fam = fam.replace("'", rng.choice(["'", "\u2019"]))
    sp = rng.choice([" ", " ", "  ", "\t", " \n", "\n", " " * rng.randint(3, 45)])
    initial = rng.choice("JQRGSM")
    forms = [
        f"{first}{sp}{fam}",
        f"{fam},{sp}{first}",
        f"{first}{sp}{initial}.{sp}{fam}",
        f"{first}{sp}{initial}{sp}{fam}",
        f"{first}{sp}{rng.choice(['Lee', 'Ann', 'Jose', 'Q'])}{sp}{fam}",
        f"{first}{sp}{fam[0]}.",
        f"{first} {fam[0]}.{rng.choice(['x', 'Y', ',', ''])}",
        f"{first[0]}.{sp}{fam}",
        f"{initial}.{sp}{fam}",
        f"{first}{sp}{fam}{sp}{rng.choice(['Smith', 'Jr', 'Carver', 'Park', 'And', 'Smith_', 'Park2'])}",
        first,
        fam,
        f"{first}'s",
        f"{first}\u2019s",
        f"{rng.choice(sorted(HONORIFICS)).title()}. {fam}",
        f"{rng.choice(sorted(HONORIFICS)).title()}{sp}{first}",
        f"{first} {rng.choice(sorted(PLACE_WORDS)).title()}",
        f"{rng.choice(sorted(GREETINGS)).title()} {first}",
        f'"{first}"',
        f"\u201c{first}\u201d",
    ]
    out = rng.choice(forms)
    r = rng.random()
    if r < 0.1:
        out = out.upper()
    elif r < 0.15:
        out = out.lower()
    elif r < 0.2:
        out = unicodedata.normalize("NFD", out)
    return out


def _random_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.35:
            parts.append(_name_forms(rng))
        elif r < 0.5:
            parts.append(rng.choice(sorted(COMMON_WORDS)).capitalize())
        elif r < 0.6:
            staff = rng.choice(STAFF)
            parts.append(f"{staff[1]} {staff[2]}")
        elif r < 0.65:
            parts.append(str(rng.randint(1, 31)))
        else:
            parts.append(rng.choice(_WORDS))
        parts.append(rng.choice(_SEPARATORS))
    text = "".join(parts)
    if rng.random() < 0.1:
        text = "Caf\u0065\u0301 " + text
    return text[: rng.randint(0, len(text))] if rng.random() < 0.1 else text


def _random_audience(rng: random.Random) -> Audience:
    kind = rng.choice(["direct", "direct", "class", "building", "staff", "public"])
    if kind == "direct":
        pool = [f"g{sid}" for sid, *_ in STUDENTS] + [t for t, *_ in STAFF] + ["s4", "s9"]
        return Audience("direct", tuple(rng.sample(pool, rng.randint(0, 3))))
    if kind == "class":
        return Audience("class", (), rng.choice(["c1", "c2", "c-none"]))
    if kind == "staff":
        return Audience("staff", (), building_id=rng.choice(["b1", "b2"]))
    return Audience(kind)  # type: ignore[arg-type]


@needs_compiled
@pytest.mark.parametrize("seed", range(4))
def test_same_mentions_on_random_texts(seed: int) -> None:
    index = _awkward_index()
    rng = random.Random(seed)
    messages = [
        Message(
            _random_text(rng),
            Sender("teacher", rng.choice(["t1", "t2", "t3", "t-unknown"])),
            _random_audience(rng),
        )
        for _ in range(1500)
    ]
    assert _assert_same(messages, index) > 1000


@needs_compiled
def test_same_findings_through_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    # every detector sees the mentions: the findings of the whole pipeline agree as well
    index = _awkward_index()
    rng = random.Random(99)
    messages = [
        Message(_random_text(rng), Sender("teacher", "t1"), _random_audience(rng))
        for _ in range(800)
    ]
    with_compiled = [screen(m, index=index) for m in messages]
    monkeypatch.setattr(student_names, "find_mentions", student_names.find_mentions_py)
    with_python = [screen(m, index=index) for m in messages]
    assert with_compiled == with_python
    assert sum(len(f) for f in with_python) > 500


def test_name_tokens_are_the_index_s_interned_instances() -> None:
    # The compiled finder compares class-table tokens by identity (see index._keys).
    index = _awkward_index()
    index.upsert_student(StudentRecord("s99", "Liam", "Nguyen-Tran", preferred_name="Lee"))
    index.add_enrollment(EnrollmentRecord("c1", "s99", "student"))
    index.remove_student("s3")
    intern = index._intern
    for cid in ("c1", "c2"):
        toks, _owners = index.class_names(cid)
        assert toks and all(intern[t] is t for t in toks)
    index.upsert_student(StudentRecord("s99", "Liam", "Okafor", preferred_name="Lee"))  # renamed
    for st in index._students.values():
        assert all(intern[t] is t for t in st.givens)
        assert all(intern[t] is t for t in index.families_of(st.rec.sourced_id))
        # the names kept on the student are its record's, also after a rename
        assert (st.givens, st.families) == astuple(NameKeys.of(st.rec))
    assert index.families_of("s99") == ("okafor",)
    for _end, tok in index.automaton.iter(" liam nguyen tran lee maria garcia lopez "):
        assert intern[tok] is tok
    assert index.interned_token("liam") is intern["liam"]
    assert index.interned_token("nobody-has-this") is None


def test_the_pure_python_switch_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_compiled.PURE_PYTHON_ENV, "1")
    assert _compiled.compiled_finder() is None


def test_a_stale_build_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    if compiled is None:
        pytest.skip("the compiled finder is not built")
    from chalkline.screening import _mentions  # type: ignore[attr-defined]

    monkeypatch.setattr(_mentions, "SOURCE_SHA256", "0" * 64)
    assert _compiled.compiled_finder() is None


def test_the_deploy_check_warns_when_the_python_finder_is_in_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalkline.screening.checks import compiled_finder_ready

    monkeypatch.setattr(student_names, "find_mentions", student_names.find_mentions_py)
    assert [m.id for m in compiled_finder_ready()] == ["chalkline.screening.W002"]
    if compiled is not None:
        monkeypatch.setattr(student_names, "find_mentions", compiled)
        assert compiled_finder_ready() == []


def test_the_mention_tables_view_follows_every_change_to_the_index() -> None:
    # Both finders read the index through this view, made once: it must show the index's
    # current tables after every kind of change, not a copy from when it was made.
    import dataclasses

    index = RosterIndex()
    tables = index.mention_tables()
    index.upsert_student(StudentRecord("s1", "Maria", "Garcia", preferred_name="Mia"))
    index.upsert_staff(StaffRecord("t1", "Ana", "Ortiz", building_ids=("b1",)))
    index.upsert_class(ClassRecord("c1", "3A", "b1"))
    index.add_enrollment(EnrollmentRecord("c1", "s1", "student"))
    index.add_enrollment(EnrollmentRecord("c1", "t1", "teacher"))
    index.upsert_guardian(GuardianRecord("g1", ("s1",)))
    index.prepare()
    assert index.mention_tables() is tables
    assert tables.full["maria garcia"] == "s1"
    assert tables.given["maria"] == tables.given["mia"] == 1
    assert tables.students["s1"].givens == ("maria", "mia")
    assert tables.students["s1"].families == ("garcia",)
    assert tables.intern["maria"] is tables.students["s1"].givens[0]
    assert index.class_names("c1") == tables.class_names["c1"] == (("maria", "mia"), ("s1", "s1"))
    assert tables.staff["t1"].family_name == "Ortiz"
    assert tables.staff_names["ana ortiz"] == "t1"
    assert tables.staff_classes["t1"] == ("c1",)
    assert tables.guardians["g1"] in ("s1", ("s1",))

    index.remove_student("s1")
    index.remove_staff("t1")
    assert "maria garcia" not in tables.full and "maria" not in tables.given
    assert "s1" not in tables.students and "t1" not in tables.staff
    assert "ana ortiz" not in tables.staff_names
    with pytest.raises(dataclasses.FrozenInstanceError):
        tables.full = {}  # type: ignore[misc]


def test_both_finders_read_the_index_through_its_view() -> None:
    # No private attribute of the roster index is read by either finder.
    pyx = (REPO / "chalkline" / "screening" / "_mentions.pyx").read_text()
    py = Path(student_names.__file__).read_text()
    for source in (pyx, py):
        assert "mention_tables()" in source
        for table in ("_students", "_full", "_given", "_intern", "_class_names", "_staff"):
            assert f"index.{table}" not in source and f"idx.{table}" not in source
        assert "._guardians" not in source


# Preferred first names (OneRoster 1.2 preferredFirstName): ordinary words, a name that is
# another student's given name, a staff member's, multi-word, accented, and the same as the
# student's own given name.
PREFERRED = [
    ("p1", "William", "Okafor", "Will"),
    ("p2", "Robert", "Nguyen", "Bobby"),
    ("p3", "Katherine", "Murphy", "Kate"),
    ("p4", "Kate", "Lindqvist", ""),  # another student's preferred name is this one's given
    ("p5", "Nicolás", "Ibáñez", "Nico"),
    ("p6", "Mary Katherine", "O'Neil", "Mary Kate"),
    ("p7", "Annabelle", "Cho", "Ann"),  # a teacher is called Ann
    ("p8", "Hope", "Baptiste", "Hope"),
    ("p9", "Xiaoming", "Wang", "Sam"),
    ("p10", "Samuel", "Adeyemi", ""),
]


def _preferred_index() -> RosterIndex:
    from chalkline.screening import (
        ClassRecord,
        EnrollmentRecord,
        GuardianRecord,
        StaffRecord,
    )

    students = [
        StudentRecord(sid, given, family, preferred_name=pref, building_ids=("b1",))
        for sid, given, family, pref in PREFERRED
    ]
    enrollments = [EnrollmentRecord("c1", "t1", "teacher"), EnrollmentRecord("c2", "t2", "teacher")]
    enrollments += [
        EnrollmentRecord("c1" if n % 2 else "c2", sid, "student")
        for n, (sid, *_r) in enumerate(PREFERRED)
    ]
    return RosterIndex.from_records(
        students=students,
        guardians=[GuardianRecord(f"g{sid}", (sid,)) for sid, *_ in PREFERRED],
        staff=[StaffRecord(t, g, f, building_ids=(b,)) for t, g, f, b in STAFF],
        classes=[ClassRecord("c1", "", "b1"), ClassRecord("c2", "", "b1")],
        enrollments=enrollments,
    )


def _preferred_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 8)):
        _sid, given, family, pref = rng.choice(PREFERRED)
        first = pref or given
        sp = rng.choice([" ", "  ", "\n", "\t"])
        form = rng.choice(
            [
                f"{first}{sp}{family}",
                f"{family},{sp}{first}",
                f"{first}{sp}{family[0]}.",
                f"{first[0]}.{sp}{family}",
                first,
                f"{first}'s",
                f"Mr.{sp}{first}",
                f'"{first}"',
                f"{given}{sp}{family}",
            ]
        )
        r = rng.random()
        form = form.upper() if r < 0.1 else form.lower() if r < 0.2 else form
        parts.append(form)
        parts.append(f" {rng.choice(_WORDS)}")
        parts.append(rng.choice(_SEPARATORS))
    return "".join(parts)


@needs_compiled
def test_same_mentions_for_preferred_names() -> None:
    index = _preferred_index()
    rng = random.Random(23)
    messages = [
        Message(
            _preferred_text(rng), Sender("teacher", rng.choice(["t1", "t2"])), _random_audience(rng)
        )
        for _ in range(1500)
    ]
    assert _assert_same(messages, index) > 1000


@pytest.mark.parametrize("finder", ["python", "compiled"])
def test_a_preferred_first_name_is_matched_like_the_legal_one(finder: str) -> None:
    index = _preferred_index()
    find = student_names.find_mentions_py if finder == "python" else compiled
    if find is None:
        pytest.skip("the compiled finder is not built")
    cases = [
        ("Congratulations to Bobby Nguyen!", "p2"),
        ("Congratulations to Robert Nguyen!", "p2"),
        ("Nico Ibáñez won the chess match.", "p5"),
        ("NICO IBANEZ won the chess match.", "p5"),
        ("Mary Kate O'Neil read the announcements.", "p6"),
        ("Nguyen, Bobby: missing form.", "p2"),
    ]
    for text, sid in cases:
        msg = Message(text, Sender("teacher", "t1"), Audience("public"))
        mentions = find(ScreenContext(msg, text, index))
        assert [m.student for m in mentions if m.kind == "full"] == [sid], text
    # a first name alone, in the sender's class (c1 holds p2): the preferred name resolves
    msg = Message("Bobby did great today.", Sender("teacher", "t1"), Audience("class", (), "c1"))
    assert [m.student for m in find(ScreenContext(msg, msg.text, index))] == ["p2"]
