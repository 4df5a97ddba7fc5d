"""Cell parsers and id sets, table driven."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalkline.lib.oneroster import IdMap, IdSet, Status
from chalkline.lib.oneroster.values import parse_bool, parse_date, parse_datetime, parse_status


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("2023-01-05", date(2023, 1, 5), None),
        ("", None, None),
        ("1/05/2023", date(2023, 1, 5), "warning"),
        ("12/31/2023", date(2023, 12, 31), "warning"),
        ("15/06/2023", None, "error"),
        ("1/5/23", None, "error"),
        ("2/30/2023", None, "error"),
        ("2023-13-01", None, "error"),
        ("05.01.2023", None, "error"),
    ],
)
def test_parse_date(text: str, value: date | None, problem: str | None) -> None:
    got, prob = parse_date(text)
    assert got == value
    assert (prob[0] if prob else None) == problem


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2023-05-01T18:25:43.511Z", datetime(2023, 5, 1, 18, 25, 43, 511000, tzinfo=UTC)),
        ("2017-05-06 08:01:05", datetime(2017, 5, 6, 8, 1, 5, tzinfo=UTC)),
        ("2023-05-01", datetime(2023, 5, 1, tzinfo=UTC)),
        ("2023-05-01T10:00:00-05:00", datetime(2023, 5, 1, 15, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime_is_always_aware(text: str, value: datetime) -> None:
    got, prob = parse_datetime(text)
    assert got == value and got is not None and got.tzinfo is not None
    assert prob is None


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("TRUE", True, None),
        ("false", False, None),
        ("False", False, None),
        ("yes", True, "warning"),
        ("0", False, "warning"),
        ("maybe", None, "error"),
    ],
)
def test_parse_bool(text: str, value: bool | None, problem: str | None) -> None:
    got, prob = parse_bool(text)
    assert got is value
    assert (prob[0] if prob else None) == problem


@pytest.mark.parametrize(
    ("text", "delta", "status", "problem"),
    [
        ("active", False, Status.ACTIVE, None),
        ("ToBeDeleted", True, Status.TOBEDELETED, None),
        ("", False, Status.ACTIVE, None),
        ("", True, Status.INACTIVE, "error"),
        ("inactive", False, Status.INACTIVE, "warning"),
        ("archived", False, Status.INACTIVE, "warning"),
    ],
)
def test_parse_status(text: str, delta: bool, status: Status, problem: str | None) -> None:
    got, prob = parse_status(text, delta=delta)
    assert got is status
    assert (prob[0] if prob else None) == problem


def test_id_set_and_map_grow_and_remember() -> None:
    ids = IdSet()
    assert all(ids.add(f"u{i}") for i in range(5000))
    assert not ids.add("u42")
    assert "u4999" in ids and "u5000" not in ids and len(ids) == 5000
    kinds = IdMap()
    for i in range(3000):
        kinds.set(f"u{i}", i % 7)
    kinds.set("u10", 200)
    assert kinds.get("u10") == 200 and kinds.get("u11") == 4 and kinds.get("nope") is None
    assert kinds.nbytes <= 4096 * 9 * 2
