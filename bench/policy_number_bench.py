"""How often the importer finds the right policy number in real published headers.

Reads the excerpts in chalkline/policies/tests/real_headers.py (real districts' published
policies, header and first lines only) and prints, for each, what the parser found. An
excerpt counts as right when the number found equals the one the page carries, or when the
page carries none and the parser says so ("no number found") instead of guessing.

    .venv/bin/python bench/policy_number_bench.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalkline.policies.parsing import parse_policy
from chalkline.policies.tests.real_headers import EXCERPTS


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    right = 0
    for ex in EXCERPTS:
        parsed = parse_policy(ex.text.encode("utf-8"), filename="policy.txt")
        found = parsed.number.normalized if parsed.number else None
        ok = found == ex.number
        right += ok
        if verbose or not ok:
            mark = "ok  " if ok else "MISS"
            print(f"{mark} {ex.district}: expected {ex.number}, found {found}")
    n = len(EXCERPTS)
    with_number = sum(1 for ex in EXCERPTS if ex.number)
    print(
        f"{right}/{n} excerpts right ({100 * right / n:.0f}%); "
        f"{with_number} carry a number, {n - with_number} carry none"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
