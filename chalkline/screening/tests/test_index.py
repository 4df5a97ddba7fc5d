from __future__ import annotations

import io
import zipfile
from pathlib import Path

from chalkline.screening import (
    Audience,
    Message,
    RosterIndex,
    Sender,
    StudentRecord,
    load_oneroster,
    screen,
)

USERS_11 = (
    "\ufeffSOURCEDID,Role,givenName,familyName,username,EnabledUser,agentSourcedIds,orgSourcedIds,"
    "metadata.chalkline.directoryOptOut,ext_media_release\r\n"
    "s1,student,Zoë,Brontë-Smith,zbs1,TRUE,g1,b1,TRUE,true\r\n"
    "g1,guardian,Pat,Smith,,true,,b1,,\r\n"
    "t1,teacher,Ann,Lee,alee,true,,b1,,\r\n"
)


def test_tolerant_users_csv(tmp_path: Path) -> None:
    p = tmp_path / "users.csv"
    p.write_bytes(USERS_11.encode("utf-8"))
    idx = load_oneroster(p)
    rec = idx.student("s1")
    assert rec is not None
    assert rec.directory_opt_out and rec.media_release
    assert idx.guardians_of("s1") == ("g1",)
    assert idx.lookup_full("zoe bronte smith") == ("s1",)
    assert idx.lookup_full("zoe smith") == ("s1",)


def test_oneroster_12_roles_csv_and_zip(tmp_path: Path) -> None:
    users = (
        "sourcedId,givenName,familyName,agentSourcedIds\ns1,Ana,Ruiz,\ng1,Luz,Ruiz,s1\nt1,Bo,Li,\n"
    )
    roles = "userSourcedId,roleType,role,orgSourcedId\ns1,primary,student,b1\ng1,primary,guardian,b1\nt1,primary,teacher,b1\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("roster/users.csv", users)
        z.writestr("roster/roles.csv", roles)
        z.writestr(
            "roster/enrollments.csv",
            "classSourcedId,userSourcedId,role\nc1,s1,student\nc1,t1,teacher\n",
        )
    path = tmp_path / "r.zip"
    path.write_bytes(buf.getvalue())
    idx = load_oneroster(path)
    assert idx.is_student("s1") and idx.is_staff("t1")
    assert idx.guardians_of("s1") == ("g1",)
    assert idx.staff_teaches("t1", "s1")


def test_incremental_add_update_remove() -> None:
    idx = RosterIndex()
    idx.upsert_student(StudentRecord("s1", "Quinn", "Zabriskie"))
    msg = Message("Quinn Zabriskie did well", Sender("teacher", "t"), Audience("public"))
    assert [f.student for f in screen(msg, index=idx)] == ["s1"]
    idx.update_student(StudentRecord("s1", "Quinn", "Yardley"))
    assert screen(msg, index=idx) == []
    msg2 = Message("Quinn Yardley did well", Sender("teacher", "t"), Audience("public"))
    assert len(screen(msg2, index=idx)) == 1
    idx.remove_student("s1")
    assert screen(msg2, index=idx) == []
    assert len(idx) == 0


def test_the_index_keeps_every_field_of_a_student_record() -> None:
    """upsert_student rebuilds the record with shared strings; no field may be dropped."""
    from dataclasses import fields

    values: dict[str, object] = {}
    for f in fields(StudentRecord):
        if f.type in ("bool",):
            values[f.name] = f.default is False
        elif "tuple" in str(f.type):
            values[f.name] = (f"{f.name}-1", f"{f.name}-2")
        else:
            values[f.name] = f"{f.name}-value"
    rec = StudentRecord(**values)  # type: ignore[arg-type]
    idx = RosterIndex()
    idx.upsert_student(rec)
    assert idx.student(rec.sourced_id) == rec


def test_bulk_build_pauses_the_cyclic_collector_and_restores_it(index: RosterIndex) -> None:
    """Index builds run with the cyclic garbage collector paused (it can free nothing there) and
    leave it as they found it, also when the build fails."""
    import gc

    import pytest

    from chalkline.screening import bulk_build
    from chalkline.screening.tests.conftest import ROSTER

    assert gc.isenabled()
    seen: list[bool] = []
    with bulk_build():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError), bulk_build():
        raise RuntimeError("a broken roster")
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk_build():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()
    rebuilt = load_oneroster(ROSTER)  # the loaders are decorated with it
    assert gc.isenabled() and len(rebuilt) == len(index)


def test_overlapping_builds_in_threads_restore_the_collector_once_the_last_ends() -> None:
    import gc
    import threading

    from chalkline.screening import bulk_build

    a_in, b_in, a_may_leave, a_left, b_may_leave = (threading.Event() for _ in range(5))
    seen: dict[str, bool] = {}

    def build_a() -> None:
        with bulk_build():
            a_in.set()
            a_may_leave.wait(5)
        a_left.set()

    def build_b() -> None:
        with bulk_build():
            b_in.set()
            a_left.wait(5)
            seen["after_a_left"] = gc.isenabled()
            b_may_leave.wait(5)

    assert gc.isenabled()
    threads = [threading.Thread(target=build_a), threading.Thread(target=build_b)]
    threads[0].start()
    a_in.wait(5)
    threads[1].start()
    b_in.wait(5)
    a_may_leave.set()
    a_left.wait(5)
    b_may_leave.set()
    for t in threads:
        t.join(5)
    assert seen == {"after_a_left": False}  # the first to finish did not turn it back on early
    assert gc.isenabled()  # the last one did


def test_class_name_tables_stay_exact_through_every_kind_of_change() -> None:
    """A class's given-name table (used to resolve first names in a message's context) always
    lists exactly its students' given and preferred names, and the index's count of each given
    name is right, however the roster changes."""
    import random

    from chalkline.screening.records import ClassRecord, EnrollmentRecord

    rng = random.Random(5125)
    names = ["Liam", "Maria", "Ana", "Noah", "Zoe", "José"]
    index = RosterIndex()
    for c in range(4):
        index.upsert_class(ClassRecord(f"c{c}"))

    def check() -> None:
        for c in range(4):
            cid = f"c{c}"
            toks, owners = index.class_names(cid)
            expected = sorted(
                (g, sid) for sid in index.class_students(cid) for g in index.givens_of(sid)
            )
            assert sorted(zip(toks, owners, strict=True)) == expected, cid
        # and the index knows a given name exactly while some student has it
        alive = [f"s{n}" for n in range(30) if index.student(f"s{n}") is not None]
        present = {g for s in alive for g in index.givens_of(s)}
        for g in ("liam", "maria", "ana", "noah", "zoe", "jose", "bo"):
            assert index.is_given_token(g) == (g in present), g

    for step in range(600):
        op = rng.random()
        sid = f"s{rng.randrange(30)}"
        cid = f"c{rng.randrange(4)}"
        if op < 0.35:
            index.upsert_student(
                StudentRecord(
                    sid,
                    rng.choice(names),
                    "Garcia",
                    preferred_name=rng.choice(["", "", "Bo", "Liam"]),
                )
            )
        elif op < 0.7:
            index.add_enrollment(EnrollmentRecord(cid, sid, "student"))
        elif op < 0.8:
            index.remove_enrollment(EnrollmentRecord(cid, sid, "student"))
        elif op < 0.9:
            index.remove_student(sid)
        else:
            index.prepare()
        if step % 10 == 0:
            check()
    check()
    assert any(index.class_names(f"c{c}")[0] for c in range(4))


def test_student_copy_matches_dataclasses_replace() -> None:
    """The index's fast record copy sets every field, exactly as dataclasses.replace does, and
    leaves the caller's record alone; upsert_student keeps an equal record built from the
    index's shared strings and building tuple."""
    import dataclasses

    from chalkline.screening.index import _student_with

    rec = StudentRecord(
        sourced_id="s9",
        given_name="Zoë",
        family_name="Brontë-Smith",
        preferred_name="Zo",
        middle_name="Ann",
        identifier="123456",
        username="zbs9",
        email="zbs9@students.example.org",
        birth_date="2015-04-03",
        building_ids=("b1", "b2"),
        directory_opt_out=True,
        media_release=True,
    )
    before = dataclasses.astuple(rec)
    given, family, pref, buildings = "Zoë ", "Brontë", "Zoey", ("b3",)
    copy = _student_with(rec, given, family, pref, buildings)
    assert copy == dataclasses.replace(
        rec, given_name=given, family_name=family, preferred_name=pref, building_ids=buildings
    )
    assert dataclasses.astuple(rec) == before
    assert copy.building_ids is buildings and copy.sourced_id == "s9"
    assert hash(copy) == hash(dataclasses.replace(copy))

    idx = RosterIndex()
    shared = ("b1", "b2")
    idx.upsert_student(dataclasses.replace(rec, building_ids=shared))
    idx.upsert_student(dataclasses.replace(rec, sourced_id="s10", building_ids=("b1", "b2")))
    first, second = idx.student("s9"), idx.student("s10")
    assert first == rec
    assert second == dataclasses.replace(rec, sourced_id="s10")
    assert second.building_ids is first.building_ids  # one tuple for both students
