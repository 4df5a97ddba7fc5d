"""Generate a synthetic OneRoster 1.1 bulk package of any size, streaming, deterministic.

    .venv/bin/python bench/roster_gen.py --scale full --out var/bench/roster-full.zip
    .venv/bin/python bench/roster_gen.py --students 2000 --out /tmp/small   # a folder

Full scale is the largest US district: 1,000,000 students, 150,000 staff, ~1,500,000
guardians (1 or 2 a student), 1,800 buildings, each student in 6 classes (~6M enrollments).
Rows are written as they are made: memory stays flat whatever the size. Names are drawn
from short fake lists; nothing here is real personal data.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

GIVEN = ["Ava", "Ben", "Cruz", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena"]
FAMILY = ["Adler", "Brook", "Chen", "Diaz", "Ellis", "Ford", "Gray", "Hart", "Ito", "Jones"]
CLASS_SIZE = 25
CLASSES_PER_STUDENT = 6
STAMP = "2025-08-01T00:00:00Z"

ORGS_HEADER = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
SESSIONS_HEADER = (
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
)
COURSES_HEADER = (
    "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes\n"
)
CLASSES_HEADER = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
)
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password,metadata.chalkline.directoryOptOut,metadata.chalkline.mediaRelease\n"
)
ENROLLMENTS_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate\n"
)
FILES = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")


class Plan:
    def __init__(self, students: int, staff: int, buildings: int, seed: int) -> None:
        self.students = students
        self.staff = staff
        self.buildings = buildings
        self.seed = seed

    def building_students(self, b: int) -> range:
        return range(b, self.students, self.buildings)

    def building_staff(self, b: int) -> range:
        return range(b, self.staff, self.buildings)

    def classes_in(self, b: int) -> int:
        n = len(self.building_students(b)) * CLASSES_PER_STUDENT
        return max(1, -(-n // CLASS_SIZE))

    def guardians_of(self, student: int) -> int:
        # 1 or 2, half and half, stable per student whatever the order of generation
        return 1 + (random.Random(self.seed * 1_000_003 + student).random() < 0.5)


def _orgs(plan: Plan) -> Iterator[str]:
    yield ORGS_HEADER
    yield f"dist-1,active,{STAMP},Synthetic Unified SD,district,SUSD,\n"
    for b in range(plan.buildings):
        yield f"bld-{b},active,{STAMP},Building {b},school,B{b:04d},dist-1\n"


def _sessions(plan: Plan) -> Iterator[str]:
    yield SESSIONS_HEADER
    yield f"sy-2026,active,{STAMP},2025-2026,schoolYear,2025-08-15,2026-06-15,,2026\n"
    yield f"t1-2026,active,{STAMP},Fall,term,2025-08-15,2025-12-20,sy-2026,2026\n"
    yield f"t2-2026,active,{STAMP},Spring,term,2026-01-05,2026-06-15,sy-2026,2026\n"


def _courses(plan: Plan) -> Iterator[str]:
    yield COURSES_HEADER
    for c in range(CLASSES_PER_STUDENT * 10):
        yield f"crs-{c},active,{STAMP},sy-2026,Course {c},C{c},,dist-1,,\n"


def _classes(plan: Plan) -> Iterator[str]:
    yield CLASSES_HEADER
    for b in range(plan.buildings):
        for k in range(plan.classes_in(b)):
            course = k % (CLASSES_PER_STUDENT * 10)
            yield (
                f"cls-{b}-{k},active,{STAMP},Class {k},,crs-{course},K{k},scheduled,,bld-{b},"
                f"t1-2026,,,{k % 8 + 1}\n"
            )


def _users(plan: Plan) -> Iterator[str]:
    rng = random.Random(plan.seed)
    yield USERS_HEADER
    for s in range(plan.staff):
        b = s % plan.buildings
        g, f = rng.choice(GIVEN), rng.choice(FAMILY)
        role = "administrator" if s < plan.buildings else ("aide" if s % 9 == 0 else "teacher")
        yield (
            f"stf-{s},active,{STAMP},true,bld-{b},{role},st{s},,{g},{f},,E{s:07d},"
            f"st{s}@susd.example,,,,,,,\n"
        )
    guardian = 0
    for s in range(plan.students):
        b = s % plan.buildings
        g, f = rng.choice(GIVEN), rng.choice(FAMILY)
        n = plan.guardians_of(s)
        agents = ",".join(f"gdn-{guardian + i}" for i in range(n))
        guardian += n
        agents_cell = f'"{agents}"' if n > 1 else agents
        opt_out = "true" if s % 50 == 0 else ""
        release = "false" if s % 20 == 0 else ""
        yield (
            f"stu-{s},active,{STAMP},true,bld-{b},student,su{s},,{g},{f},,S{s:07d},,,,"
            f"{agents_cell},{s % 12 + 1:02d},,{opt_out},{release}\n"
        )
    guardian = 0
    for s in range(plan.students):
        b = s % plan.buildings
        for _ in range(plan.guardians_of(s)):
            g, f = rng.choice(GIVEN), rng.choice(FAMILY)
            role = "parent" if guardian % 7 else "guardian"
            yield (
                f"gdn-{guardian},active,{STAMP},true,bld-{b},{role},gd{guardian},,{g},{f},,,"
                f"gd{guardian}@mail.example,,,,,,,\n"
            )
            guardian += 1


def _enrollments(plan: Plan) -> Iterator[str]:
    yield ENROLLMENTS_HEADER
    n = 0
    for b in range(plan.buildings):
        staff = plan.building_staff(b)
        classes = plan.classes_in(b)
        for k in range(classes):
            if len(staff):
                t = staff[k % len(staff)]
                yield f"enr-{n},active,{STAMP},cls-{b}-{k},bld-{b},stf-{t},teacher,true,,\n"
                n += 1
        for j, s in enumerate(plan.building_students(b)):
            for slot in range(CLASSES_PER_STUDENT):
                k = (j * CLASSES_PER_STUDENT + slot) // CLASS_SIZE
                yield f"enr-{n},active,{STAMP},cls-{b}-{k},bld-{b},stu-{s},student,false,,\n"
                n += 1


def manifest_text() -> str:
    lines = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.1"]
    lines += [f"file.{name},bulk" for name in FILES]
    lines += ["file.demographics,absent", "source.systemName,roster_gen"]
    return "\n".join(lines) + "\n"


def _write(out: IO[bytes], rows: Iterator[str]) -> tuple[int, int]:
    count = nbytes = 0
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 20_000:
            data = "".join(batch).encode()
            out.write(data)
            nbytes += len(data)
            count += len(batch)
            batch.clear()
    data = "".join(batch).encode()
    out.write(data)
    return count + len(batch) - 1, nbytes + len(data)  # minus the header


@contextmanager
def _target(dest: Path, name: str, zf: zipfile.ZipFile | None) -> Iterator[IO[bytes]]:
    if zf is not None:
        with zf.open(name, "w", force_zip64=True) as out:
            yield out
    else:
        with (dest / name).open("wb") as raw, io.BufferedWriter(raw, 1 << 20) as out:
            yield out


def generate(
    dest: Path, plan: Plan, *, log: Callable[[str], None] = lambda s: None
) -> dict[str, int]:
    """Write the package to ``dest`` (``.zip`` or a folder). Returns rows per file."""
    gens = {
        "orgs": _orgs,
        "academicSessions": _sessions,
        "courses": _courses,
        "classes": _classes,
        "users": _users,
        "enrollments": _enrollments,
    }
    rows: dict[str, int] = {}
    zf: zipfile.ZipFile | None = None
    if dest.suffix == ".zip":
        dest.parent.mkdir(parents=True, exist_ok=True)
        zf = zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    else:
        dest.mkdir(parents=True, exist_ok=True)
    try:
        with _target(dest, "manifest.csv", zf) as out:
            out.write(manifest_text().encode())
        for name, gen in gens.items():
            start = time.perf_counter()
            with _target(dest, f"{name}.csv", zf) as out:
                rows[name], nbytes = _write(out, gen(plan))
            log(
                f"{name}.csv: {rows[name]:,} rows, {nbytes / 1e6:,.0f} MB, "
                f"{time.perf_counter() - start:.1f}s"
            )
    finally:
        if zf is not None:
            zf.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="a .zip path or a folder")
    parser.add_argument("--scale", choices=["full", "small"], default=None)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=None, help="default: students * 0.15")
    parser.add_argument("--buildings", type=int, default=None, help="default: students / 555")
    parser.add_argument("--seed", type=int, default=5125)
    args = parser.parse_args(argv)
    students = 1_000_000 if args.scale == "full" else args.students
    staff = 150_000 if args.scale == "full" else (args.staff or max(1, students * 15 // 100))
    buildings = 1_800 if args.scale == "full" else (args.buildings or max(1, students // 555))
    plan = Plan(students, staff, buildings, args.seed)
    start = time.perf_counter()
    rows = generate(args.out, plan, log=lambda s: print(s, flush=True))
    size = (
        args.out.stat().st_size
        if args.out.is_file()
        else sum(p.stat().st_size for p in args.out.iterdir())
    )
    print(
        f"{sum(rows.values()):,} rows in {time.perf_counter() - start:.0f}s; "
        f"package {size / 1e6:,.0f} MB at {args.out}",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
