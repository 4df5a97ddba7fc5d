"""necessary(): what every match of a pattern contains, the prefilter's gate for a group.

A gate that misses a match would hide a finding, so the property is tested on every pattern the
detectors register (English and Spanish, on both corpora and random text) and on random
patterns built from the constructs the analysis reads, with its cross products cut short so that
every path of it runs.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from chalkline.screening import necessary as nec
from chalkline.screening import prefilter
from chalkline.screening.detectors import spanish
from chalkline.screening.necessary import necessary
from chalkline.screening.text import deaccent

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
GATE_FLAGS = re.IGNORECASE | re.ASCII  # as Hyperscan compiles the gate (caseless, ASCII classes)


def _holds(pattern: re.Pattern[str], text: str) -> bool:
    """Where ``pattern`` matches ``text``, one of its necessary expressions matches the text's
    ASCII image (what the prefilter scans)."""
    if not pattern.search(text):
        return True
    alts = necessary(pattern)
    if alts is None:
        return True  # nothing claimed: the caller runs the pattern
    gate = re.compile("|".join(alts), GATE_FLAGS)
    return gate.search(prefilter.ascii_image(text)) is not None


def _corpus_texts() -> list[str]:
    out = []
    for name in ("screening_corpus.jsonl", "screening_corpus_es.jsonl"):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        out += [str(json.loads(line)["text"]) for line in lines if line]
    return out


def test_every_registered_pattern_holds_what_necessary_says() -> None:
    from chalkline.screening import detectors  # noqa: F401 - they register their patterns

    texts = _corpus_texts()
    texts += [t.upper() for t in texts] + [t.replace(" ", "\u00a0\n ") for t in texts]
    checked = 0
    for pattern in list(prefilter._registered):
        for text in texts:
            for t in (text, deaccent(text)):  # the Spanish patterns search the deaccented text
                assert _holds(pattern, t), (pattern.pattern[:50], t)
                checked += pattern.search(t) is not None
    assert checked > 1000


def test_the_spanish_group_is_gated_and_its_gate_keeps_out_ordinary_english() -> None:
    gate = re.compile(
        "|".join(alt for p in spanish.PATTERNS for alt in necessary(p) or ["(?!)"]), GATE_FLAGS
    )
    assert all(necessary(p) is not None for p in spanish.PATTERNS)
    english = [
        "Reminder: the field trip to the Museum of Science and Industry is on Friday. Please "
        "send a packed lunch and a water bottle.",
        "Great job on the science fair projects this week! Parent conferences are next "
        "Thursday from 4 to 7 pm in the library.",
        "Please sign and return the permission slip by Monday. Contact me with any questions.",
    ]
    for text in english:
        assert not gate.search(text), gate.search(text)
    spanish_texts = [
        "¿Cuál es tu contraseña de Instagram?",
        "No le digas a tus padres.",
        "Escríbeme por WhatsApp si tienes dudas.",
    ]
    for text in spanish_texts:
        assert gate.search(prefilter.ascii_image(text))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"contrase(?:ñ|n)a", None),  # not ASCII: not analysed (the gate scans an ASCII image)
        (r"\w+", None),
        (r"x?", None),
        (r"(?:ab)*", None),
        (r"(?:foo|bar)baz", ["barbaz", "foobaz"]),
        (r"\bno\s+digas\b", [r"\bdigas\b"]),
        (r"(?<!\bno\s)\beres\s+tonto", [r"\btonto"]),
    ],
)
def test_what_necessary_finds(pattern: str, expected: list[str] | None) -> None:
    assert necessary(re.compile(pattern, re.IGNORECASE)) == expected


def test_spaces_that_may_be_absent_or_many_are_not_taken_for_one() -> None:
    for pattern, texts in (
        (r"ab\s*cd", ["abcd", "ab  cd", "ab\tcd", "AB\ncd"]),
        (r"ab\s+cd\s?ef", ["ab cd ef", "ab   cdef", "ab\u00a0cd ef"]),
        (r"(?:x|y)\s{2,3}zz", ["x  zz", "y   zz"]),
    ):
        rx = re.compile(pattern, re.IGNORECASE)
        for text in texts:
            assert rx.search(text), (pattern, text)
            assert _holds(rx, text), (pattern, text)


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    atoms = [
        "ab", "ba", "c", "abc", r"\s", "x'", r"\s+", r"\s*", r"\b", "[ab]", "[a-c]", r"\w", ".",
        "-", r"\d", "[^a]",
    ]  # fmt: skip
    if depth > 2 or rng.random() < 0.3:
        return rng.choice(atoms)
    kind = rng.randrange(8)
    inner = _random_pattern(rng, depth + 1)
    if kind in (3, 4, 5):  # repeated: a group of atoms that cannot match empty or overlap
        # much (nested or overlapping repeats backtrack for ages in re)
        inner = "|".join(rng.choice(atoms[:6]) for _ in range(rng.randint(1, 3)))
    if kind == 0:
        return "".join(_random_pattern(rng, depth + 1) for _ in range(rng.randint(2, 4)))
    if kind == 1:
        return (
            "(?:"
            + "|".join(_random_pattern(rng, depth + 1) for _ in range(rng.randint(2, 4)))
            + ")"
        )
    if kind == 2:
        return f"(?:{inner})?"
    if kind == 3:
        return f"(?:{inner})+"
    if kind == 4:
        return f"(?:{inner})*"
    if kind == 5:
        return f"(?:{inner}){{{rng.randint(0, 2)},{rng.randint(2, 3)}}}"
    if kind == 6:
        return rng.choice(["(?=", "(?!", "(?<!a)(?:"]) + inner + ")"
    return f"({inner})"


def test_random_patterns_on_random_text(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5125)
    alphabet = "abcx' -\n\t1"
    checked = 0
    for limit in (1, 2, 16):
        monkeypatch.setattr(nec, "LIMIT", limit)
        monkeypatch.setattr(nec, "BRANCH_LIMIT", limit * 4)
        for _ in range(600):
            src = "".join(_random_pattern(rng) for _ in range(rng.randint(1, 4)))
            rx = re.compile(src, re.IGNORECASE)
            for _ in range(40):
                text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                m = rx.search(text)
                if m is None:
                    continue
                checked += 1
                assert _holds(rx, text), (src, text, necessary(rx))
    assert checked > 5000
