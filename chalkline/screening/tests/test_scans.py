"""Fast scans that stand in for a regular expression give exactly that expression's matches.

``conduct.phone_matches`` searches for phone numbers only inside stretches of digits and
separators, and ``identifiers.idlike_spans`` finds id-like runs from their id characters
outward; both must equal a plain ``finditer`` over the whole text, on the corpus and on random
text dense with digits, separators, Unicode digits and spaces, and ids.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from chalkline.screening.detectors import conduct, identifiers

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "screening_corpus.jsonl"

_PIECES = [
    "312-555-0100", "(312) 555-0199", "+1 312.555.0142", "1-800-252-2873", "3125550123",
    "555-0100", "12345678901234", "+44 20 7946 0958", "2026-12-04", "7:30", "Room 214",
    "\u0663\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0660\u0660", "\u00a0", "\u2003", "\t",
    "\n", "(", ")", "+", "-", ".", "..", "s1234567", "a_b", "x@y.org", "mgarcia1@students.org",
    "é1", "naïve2", "_", "@", "--", "a.b.c", "O'Brien", "call", "me", "at", "text", "x", "1",
    "22", "333", "4444", "id", "#", "+1", "(", "9", "0",
]  # fmt: skip


def _texts() -> list[str]:
    rng = random.Random(125)
    out = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    for _ in range(4000):
        picked = rng.choices(_PIECES, k=rng.randint(1, 25))
        seps = rng.choices(["", "", " ", "  ", "-", ".", ", ", "\n", "a", "("], k=len(picked))
        out.append("".join(p + s for p, s in zip(picked, seps, strict=True)))
    return out


TEXTS = _texts()


def test_phone_matches_are_the_phone_pattern_s_matches() -> None:
    found = 0
    for text in TEXTS:
        want = [(m.span(), m.groups()) for m in conduct._PHONE.finditer(text)]
        got = [(m.span(), m.groups()) for m in conduct.phone_matches(text)]
        assert got == want, text
        found += len(want)
    assert found > 1000


def test_idlike_spans_are_the_id_pattern_s_matches() -> None:
    found = 0
    for text in TEXTS:
        want = [m.span() for m in identifiers._IDLIKE.finditer(text)]
        assert identifiers.idlike_spans(text) == want, text
        found += len(want)
    assert found > 10000


@pytest.mark.parametrize("size", [10_000, 200_000])
def test_the_scans_agree_on_long_runs(size: int) -> None:
    # very long runs of word characters ending in an id character: the run's start is found
    # by the reverse regex, and a 200,000-digit stretch is searched whole
    text = ("a" * size + "1 ") * 3 + "9" * size
    assert identifiers.idlike_spans(text) == [m.span() for m in identifiers._IDLIKE.finditer(text)]
    assert conduct.phone_matches(text) == []
