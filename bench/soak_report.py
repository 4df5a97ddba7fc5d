"""The counting of `make soak` (bench/soak.py), kept pure so the suite can test it.

A request is one row the locustfile wrote: (start time, kind, method, milliseconds, status, ok).
Errors are split by when they were in flight: during a fault window (the PostgreSQL restart: from
the stop to 10 s after it answers again; the SIGKILL of a gunicorn worker: the 2 s after it, where
only the request that worker was serving can fail) or outside every window, where none may happen.
Signatures are counted in the database against what the clients were told.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

# Targets (issue 20, "Performance").
PAGE_P95_MS = 150.0
WRITE_P95_MS = 300.0
RECOVERY_TARGET_S = 10.0
# After a gunicorn worker is SIGKILLed, the request it was serving fails (its connection is cut);
# the master starts a new worker at once. Requests started this long after the kill are "outside".
WORKER_KILL_GRACE_S = 2.0


@dataclass(frozen=True)
class Request:
    start: float  # wall clock, seconds
    kind: str
    method: str
    ms: float
    status: int
    ok: bool

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass(frozen=True)
class Window:
    name: str
    start: float
    end: float

    def overlaps(self, r: Request) -> bool:
        """The request was in flight during the window (one started just before a fault and cut
        by it belongs to the fault)."""
        return r.start <= self.end and r.start + r.ms / 1000 >= self.start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class KindStats:
    kind: str
    method: str
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    target_ms: float

    @property
    def meets_target(self) -> bool:
        return self.p95 <= self.target_ms


def latency_by_kind(requests: list[Request]) -> list[KindStats]:
    """p50/p95/p99 per request kind, over the requests that succeeded."""
    groups: dict[tuple[str, str], list[Request]] = defaultdict(list)
    for r in requests:
        groups[(r.kind, r.method)].append(r)
    stats = []
    for (kind, method), rows in sorted(groups.items()):
        times = [r.ms for r in rows if r.ok]
        stats.append(
            KindStats(
                kind=kind,
                method=method,
                count=len(rows),
                errors=sum(1 for r in rows if not r.ok),
                p50=percentile(times, 50),
                p95=percentile(times, 95),
                p99=percentile(times, 99),
                target_ms=WRITE_P95_MS if method != "GET" else PAGE_P95_MS,
            )
        )
    return stats


def split_errors(requests: list[Request], windows: list[Window]) -> dict[str, list[Request]]:
    """Failed requests by the first fault window they were in flight during, or ``outside``."""
    split: dict[str, list[Request]] = {w.name: [] for w in windows}
    split["outside"] = []
    for r in requests:
        if r.ok:
            continue
        window = next((w for w in windows if w.overlaps(r)), None)
        split[window.name if window else "outside"].append(r)
    return split


def recovery_seconds(probes: list[tuple[float, bool]], back_at: float) -> float | None:
    """Seconds from PostgreSQL answering again (``back_at``) to the first probe request that
    succeeded after it; None if none did."""
    for t, ok in sorted(probes):
        if t >= back_at and ok:
            return t - back_at
    return None


@dataclass
class SignatureCount:
    confirmed: int  # assignments whose signing the client saw confirmed
    recorded: int  # of those, with a record in the database
    lost: list[int] = field(default_factory=list)  # confirmed, no record
    duplicated: list[int] = field(default_factory=list)  # more than one record or audit event


def count_signatures(
    confirmed: set[int], records: dict[int, int], events: dict[int, int]
) -> SignatureCount:
    """``records``: signature records per assignment (every assignment the load touched);
    ``events``: ``acks.signed`` audit events per assignment. A confirmed signature must exist
    exactly once; no assignment may hold two records or two signing events."""
    lost = sorted(pk for pk in confirmed if records.get(pk, 0) == 0)
    duplicated = sorted(
        pk for pk in set(records) | set(events) if records.get(pk, 0) > 1 or events.get(pk, 0) > 1
    )
    return SignatureCount(
        confirmed=len(confirmed),
        recorded=sum(1 for pk in confirmed if records.get(pk, 0) > 0),
        lost=lost,
        duplicated=duplicated,
    )


@dataclass
class CaseCount:
    confirmed: int  # concerns whose filing the client saw confirmed (redirected to the case)
    recorded: int  # of those, stored as a case
    lost: list[str] = field(default_factory=list)  # confirmed, not stored
    duplicated: list[str] = field(default_factory=list)  # stored more than once


CASE_MARKER = "Soak concern "
MESSAGE_MARKER = "Soak message "


def count_cases(
    confirmed: set[str], descriptions: list[str], *, prefix: str = CASE_MARKER
) -> CaseCount:
    """``descriptions``: the text of every record the load may have made (a case's description,
    a message's subject); each begins with ``prefix`` and the client's own marker, up to the
    first colon. A confirmed record must be stored exactly once; no marker may be stored twice."""
    stored: Counter[str] = Counter(
        d[len(prefix) :].split(":", 1)[0] for d in descriptions if d.startswith(prefix)
    )
    return CaseCount(
        confirmed=len(confirmed),
        recorded=sum(1 for m in confirmed if stored[m] > 0),
        lost=sorted(m for m in confirmed if stored[m] == 0),
        duplicated=sorted(m for m, n in stored.items() if n > 1),
    )


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def checks(
    *,
    errors: dict[str, list[Request]],
    recovery: float | None,
    signatures: SignatureCount,
    unfinished_tasks: int,
    failed_tasks: int,
    mail_sent: int,
    mail_received: int,
    audit_ok: bool,
    latency: list[KindStats],
    enforce_latency: bool,
    cases: CaseCount | None = None,
    messages: CaseCount | None = None,
) -> list[Check]:
    """The soak's verdicts. Latency targets fail the run only with ``enforce_latency``."""
    out = [
        Check(
            "no errors outside the fault windows",
            not errors["outside"],
            f"{len(errors['outside'])} outside: "
            + ", ".join(sorted({f"{r.kind} {r.status}" for r in errors["outside"]}))[:300],
        ),
        Check(
            f"recovery within {RECOVERY_TARGET_S:.0f} s of PostgreSQL coming back",
            recovery is not None and recovery <= RECOVERY_TARGET_S,
            "never" if recovery is None else f"{recovery:.1f} s",
        ),
        Check(
            "no signature lost",
            not signatures.lost,
            f"{signatures.recorded} of {signatures.confirmed} confirmed are recorded",
        ),
        Check(
            "no signature duplicated",
            not signatures.duplicated,
            f"{len(signatures.duplicated)} assignments with two records or events",
        ),
        Check(
            "every queued task finished",
            unfinished_tasks == 0 and failed_tasks == 0,
            f"{unfinished_tasks} still queued or running, {failed_tasks} failed",
        ),
        Check(
            "every sent message received once",
            mail_sent == mail_received,
            f"{mail_sent} deliveries sent, {mail_received} messages received by the sink",
        ),
        Check("chalkline audit verify", audit_ok, "passes" if audit_ok else "FAILED"),
    ]
    if cases is not None:
        out += [
            Check(
                "no concern lost",
                not cases.lost,
                f"{cases.recorded} of {cases.confirmed} confirmed are stored as cases",
            ),
            Check(
                "no concern duplicated",
                not cases.duplicated,
                f"{len(cases.duplicated)} concerns stored twice",
            ),
        ]
    if messages is not None:
        out += [
            Check(
                "no message lost",
                not messages.lost,
                f"{messages.recorded} of {messages.confirmed} confirmed are stored",
            ),
            Check(
                "no message duplicated",
                not messages.duplicated,
                f"{len(messages.duplicated)} messages stored twice (one send in ten is POSTed "
                "twice with the same idempotency key)",
            ),
        ]
    missed = [s for s in latency if not s.meets_target]
    out.append(
        Check(
            "p95 targets (150 ms pages, 300 ms writes)"
            + ("" if enforce_latency else " [reported, not enforced]"),
            not missed or not enforce_latency,
            "all met"
            if not missed
            else "missed: " + ", ".join(f"{s.kind} {s.p95:.0f} ms" for s in missed),
        )
    )
    return out


def as_requests(rows: list[list[Any]]) -> list[Request]:
    return [
        Request(float(t), str(k), str(m), float(ms), int(st), bool(ok))
        for t, k, m, ms, st, ok in rows
    ]
