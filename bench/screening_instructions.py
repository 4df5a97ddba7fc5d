"""Instructions per screened message, counted by valgrind (repeatable on a noisy machine).

    .venv/bin/python bench/screening_instructions.py [--students 3000] [--messages 1000]
    .venv/bin/python bench/screening_instructions.py --build [--students 20000]

Wall-clock timings on a shared machine vary by 20% between identical runs, which hides any
change smaller than that. Valgrind's callgrind counts instructions instead: the same binary,
inputs and environment give the same count whatever else the machine does. This script runs
the synthetic roster and messages of bench/screening_synth.py twice under callgrind, once
without screening and once screening every message, and prints the difference per message.
It ignores cache misses (which add about 30% at a million students, see docs/benchmarks.md), so
it measures interpreter and library work, not memory stalls. Needs ``valgrind`` on the PATH.

With ``--build`` it counts the index build instead: the synthetic roster's records are made
first in both runs, and one of them also builds the index from them; the difference is printed
per student.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_build(n_students: int, build: bool) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from screening_synth import index_from, synth_roster

    from chalkline.screening import bulk_build

    with bulk_build():
        records = list(synth_roster(n_students))
    if build:
        index_from(records)


def child(n_students: int, n_messages: int, screen_them: bool) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from screening_synth import build_index, messages

    from chalkline.screening import screen

    index, teachers = build_index(n_students)
    msgs = list(messages(index, teachers, n_messages))
    for m in msgs[:50]:  # imports, regex compilation, the prefilter database: in both runs
        screen(m, index=index)
    if screen_them:
        for m in msgs:
            screen(m, index=index)


def count(n_students: int, n_messages: int, measured: bool, build: bool = False) -> int:
    """Instructions of one child run; ``measured`` adds the part being measured."""
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        "--students",
        str(n_students),
        "--messages",
        str(n_messages),
    ]
    if measured:
        cmd.append("--measured")
    if build:
        cmd.append("--build")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    m = re.search(r"Collected : (\d+)", out)
    if not m:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=None)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--build", action="store_true", help="count the index build, per student")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    students = args.students or (20000 if args.build else 3000)
    if args.child:
        if args.build:
            child_build(students, args.measured)
        else:
            child(students, args.messages, args.measured)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    if args.build:
        base = count(students, 0, False, build=True)
        full = count(students, 0, True, build=True)
        print(
            f"{(full - base) / students:,.0f} instructions per student of an index build "
            f"({students:,}-student synthetic roster; {base:,} making the records, {full:,} "
            "making them and building the index)"
        )
        return
    args.students = students
    base = count(args.students, args.messages, False)
    full = count(args.students, args.messages, True)
    print(
        f"{(full - base) / args.messages:,.0f} instructions per message "
        f"({args.messages:,} messages, {args.students:,}-student synthetic roster; "
        f"{base:,} without screening, {full:,} with)"
    )


if __name__ == "__main__":
    main()
