"""Real districts' published headers give their policy number, or say plainly there is none."""

from __future__ import annotations

import pytest

from chalkline.policies.parsing import parse_policy

from .real_headers import EXCERPTS, Excerpt


@pytest.mark.parametrize("excerpt", EXCERPTS, ids=lambda ex: ex.district)
def test_a_real_published_header_gives_its_own_number_or_says_none_was_found(
    excerpt: Excerpt,
) -> None:
    parsed = parse_policy(excerpt.text.encode("utf-8"), filename="policy.txt")
    found = parsed.number.normalized if parsed.number else None
    assert found == excerpt.number, excerpt.url
    codes = {w.code for w in parsed.warnings}
    if excerpt.number is None:
        # never a number guessed from a cross-reference: the form asks for it
        assert "no_number" in codes
    else:
        assert "no_number" not in codes


def test_the_collection_covers_at_least_twenty_districts() -> None:
    assert len({ex.district for ex in EXCERPTS}) >= 20
    assert all(ex.url.startswith("http") for ex in EXCERPTS)


@pytest.mark.parametrize(
    ("header", "number", "title"),
    [
        ("GBEA: Staff Ethics/Conflict of Interest", "GBEA", "Staff Ethics/Conflict of Interest"),
        ("GBEB Code of Conduct", "GBEB", "Code of Conduct"),
        ("• GBC: Code of Ethics", "GBC", "Code of Ethics"),
        ("2026 - Social Media", "2026", "Social Media"),
        ("BOARD POLICY - 6161.1", "6161.1", None),
        ("Board Policy BP 4040 All Personnel", "4040", None),
        ("Regulation 5-21.3", "5:021.3", None),
    ],
)
def test_header_layouts_seen_in_real_manuals(header: str, number: str, title: str | None) -> None:
    text = f"{header}\n\nThe Board expects every employee to follow this policy at all times.\n"
    parsed = parse_policy(text.encode(), filename="policy.txt")
    assert parsed.number is not None and parsed.number.normalized == number
    if title is not None:
        assert parsed.title == title


@pytest.mark.parametrize(
    "header",
    [
        "100 South Main Street",  # a street address above the policy
        "2019 - Revised",  # a year in the history, not a number
        "FERPA Rights of Parents",  # an acronym, not an alpha code
    ],
)
def test_lines_that_look_like_numbers_are_not_taken_for_one(header: str) -> None:
    text = f"{header}\n\nThe Board expects every employee to follow this policy at all times.\n"
    parsed = parse_policy(text.encode(), filename="policy.txt")
    assert parsed.number is None
    assert "no_number" in {w.code for w in parsed.warnings}
