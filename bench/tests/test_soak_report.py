"""The counting of `make soak` (bench/soak_report.py): latency per kind, errors split by fault
window, recovery, and signatures confirmed to clients against records in the database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import soak_report as r


def req(
    start: float, kind: str = "page", ok: bool = True, ms: float = 50, method: str = "GET"
) -> r.Request:
    return r.Request(start=start, kind=kind, method=method, ms=ms, status=200 if ok else 500, ok=ok)


def test_percentiles_are_nearest_rank_over_successful_requests() -> None:
    rows = [req(0, ms=float(ms)) for ms in range(1, 101)] + [req(0, ok=False, ms=9999)]
    [stats] = r.latency_by_kind(rows)
    assert (stats.count, stats.errors) == (101, 1)
    assert (stats.p50, stats.p95, stats.p99) == (50, 95, 99)
    assert stats.target_ms == r.PAGE_P95_MS and stats.meets_target
    [write] = r.latency_by_kind([req(0, method="POST", ms=301)])
    assert write.target_ms == r.WRITE_P95_MS and not write.meets_target
    assert r.percentile([], 95) == 0


def test_errors_are_split_by_the_fault_window_they_were_in_flight_during() -> None:
    restart = r.Window("PostgreSQL restart", 100, 120)
    kill = r.Window("gunicorn worker SIGKILL", 50, 52)
    rows = [
        req(99.5, ok=False, ms=1000),  # started before the stop, cut by it
        req(110, ok=False),
        req(119.9, ok=False),
        req(49.0, ok=False, ms=1500),  # the request the killed worker was serving
        req(121, ok=False),  # after the window: a real error
        req(10, ok=False),
        req(110),  # successes are not errors
    ]
    split = r.split_errors(rows, [restart, kill])
    assert [x.start for x in split["PostgreSQL restart"]] == [99.5, 110, 119.9]
    assert [x.start for x in split["gunicorn worker SIGKILL"]] == [49.0]
    assert [x.start for x in split["outside"]] == [121, 10]


def test_recovery_is_the_first_good_probe_after_postgresql_is_back() -> None:
    probes = [(99.0, True), (101.0, False), (104.0, False), (106.5, True), (107.0, True)]
    assert r.recovery_seconds(probes, back_at=103.0) == 3.5
    assert r.recovery_seconds([(104.0, False)], back_at=103.0) is None


def test_a_confirmed_signature_must_exist_once_and_none_twice() -> None:
    count = r.count_signatures(
        confirmed={1, 2, 3},
        records={1: 1, 2: 0, 4: 1, 5: 2},  # 2 lost; 4 signed but the client never heard; 5 twice
        events={1: 1, 4: 2},  # 4 has two signing events
    )
    assert (count.confirmed, count.recorded) == (3, 1)
    assert count.lost == [2, 3]
    assert count.duplicated == [4, 5]
    clean = r.count_signatures({1}, {1: 1, 2: 1}, {1: 1, 2: 1})
    assert (clean.lost, clean.duplicated, clean.recorded) == ([], [], 1)


def _checks(**overrides: Any) -> dict[str, bool]:
    base: dict[str, Any] = {
        "errors": {"outside": []},
        "recovery": 2.0,
        "signatures": r.count_signatures({1}, {1: 1}, {1: 1}),
        "unfinished_tasks": 0,
        "failed_tasks": 0,
        "mail_sent": 3,
        "mail_received": 3,
        "audit_ok": True,
        "latency": r.latency_by_kind([req(0, ms=400)]),
        "enforce_latency": False,
    }
    base.update(overrides)
    return {c.name.split(" [")[0]: c.ok for c in r.checks(**base)}


def test_every_check_fails_the_run_on_its_own_and_latency_only_when_enforced() -> None:
    assert all(_checks().values())  # the missed p95 is reported, not enforced
    assert not _checks(enforce_latency=True)["p95 targets (150 ms pages, 300 ms writes)"]
    assert not _checks(errors={"outside": [req(1, ok=False)]})[
        "no errors outside the fault windows"
    ]
    assert not _checks(recovery=10.5)["recovery within 10 s of PostgreSQL coming back"]
    assert not _checks(recovery=None)["recovery within 10 s of PostgreSQL coming back"]
    lost = r.count_signatures({1}, {}, {})
    assert not _checks(signatures=lost)["no signature lost"]
    assert not _checks(unfinished_tasks=1)["every queued task finished"]
    assert not _checks(failed_tasks=1)["every queued task finished"]
    assert not _checks(mail_received=4)["every sent message received once"]
    assert not _checks(audit_ok=False)["chalkline audit verify"]


def test_a_confirmed_concern_must_be_stored_once_and_none_twice() -> None:
    stored = [
        f"{r.CASE_MARKER}a1: a coach messaged a student",
        f"{r.CASE_MARKER}b2: text: with a colon",
        f"{r.CASE_MARKER}b2: the same concern filed again",
        f"{r.CASE_MARKER}c3: filed, but the client never saw the confirmation",
        "A concern someone else filed: not the soak's",
    ]
    count = r.count_cases({"a1", "b2", "d4"}, stored)
    assert (count.confirmed, count.recorded) == (3, 2)
    assert count.lost == ["d4"] and count.duplicated == ["b2"]
    verdicts = {
        c.name: c.ok
        for c in r.checks(
            errors={"outside": []},
            recovery=0.5,
            signatures=r.SignatureCount(confirmed=0, recorded=0),
            unfinished_tasks=0,
            failed_tasks=0,
            mail_sent=0,
            mail_received=0,
            audit_ok=True,
            latency=[],
            enforce_latency=False,
            cases=count,
            messages=r.count_cases({"m1"}, [f"{r.MESSAGE_MARKER}m1"], prefix=r.MESSAGE_MARKER),
        )
    }
    assert verdicts["no concern lost"] is False and verdicts["no concern duplicated"] is False
    assert verdicts["no message lost"] is True and verdicts["no message duplicated"] is True
    clean = r.count_cases({"a1", "c3"}, stored[:1] + stored[3:])
    assert (clean.lost, clean.duplicated, clean.recorded) == ([], [], 2)
