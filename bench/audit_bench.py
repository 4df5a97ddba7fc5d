"""Audit-log benchmark.

1. Appends on PostgreSQL with 4 concurrent writer processes (target: >= 1,000 events/s).
2. `chalkline audit verify` over 1,000,000 events (target: <= 30 s), on PostgreSQL and SQLite.

Usage:  .venv/bin/python bench/audit_bench.py [--events-per-writer 2500] [--rounds 1]
                                            [--verify-events 1000000 (0 skips)] [--skip-sqlite]
It creates and drops its own databases (chalkline_bench on 127.0.0.1:5432, var/bench.sqlite3).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/chalkline_bench"
SQLITE_PATH = ROOT / "var" / "bench-audit.sqlite3"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_pg() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS chalkline_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE chalkline_bench")


def migrate(url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghij",
    }
    subprocess.run(
        [sys.executable, "-m", "chalkline", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )


def _writer(url: str, district_id: int, n: int, start: Any) -> None:
    setup_django(url)
    from chalkline.audit.actions import Action
    from chalkline.audit.services import record_event

    start.wait()
    for i in range(n):
        record_event(
            district=district_id,
            actor=None,
            action=Action.API_SCREENED,
            target=("bench", i),
            after={"i": i},
        )


def _baseline_writer(url: str, district_id: int, n: int, start: Any) -> None:
    setup_django(url)
    from django.db import connection, transaction
    from django.utils import timezone

    start.wait()
    for _ in range(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_pendingauditevent (district_id, at, actor_label, action, "
                "target_type, target_id, before, after) VALUES (%s, %s, '', 'baseline', '', '', "
                "'null', 'null')",
                [district_id, timezone.now()],
            )


def _run_writers(target: Any, district_id: int, writers: int, per_writer: int) -> float:
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=target, args=(PG_URL, district_id, per_writer, start))
        for _ in range(writers)
    ]
    for p in procs:
        p.start()
    time.sleep(3)  # let every process import Django and connect before the clock starts
    t0 = time.perf_counter()
    start.set()
    for p in procs:
        p.join()
    return time.perf_counter() - t0


def _pending_inserts() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'audit_pendingauditevent'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bench_appends(writers: int, per_writer: int, round_no: int) -> float:
    if round_no == 1:
        recreate_pg()
        migrate(PG_URL)
        setup_django(PG_URL)
    from django.db import connection

    from chalkline.audit.services import verify_chain
    from chalkline.people.services import create_district

    district = create_district(name=f"Bench {round_no}", slug=f"bench-{round_no}", by=None)
    total = writers * per_writer
    # The machine's ceiling, for comparison: the same writers each doing one plain INSERT and
    # COMMIT per event, with no chain at all.
    baseline = _run_writers(_baseline_writer, district.pk, writers, per_writer)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_pendingauditevent WHERE action = 'baseline'")
    print(
        f"baseline postgresql  writers={writers}  plain INSERT+COMMIT, no chain  {total / baseline:,.0f} rows/s"
    )
    parked_before = _pending_inserts()
    elapsed = _run_writers(_writer, district.pk, writers, per_writer)
    time.sleep(1.0)  # table statistics reach pg_stat_user_tables shortly after each transaction
    parked = _pending_inserts() - parked_before
    result = verify_chain(district.pk)
    assert result.ok and result.count == total + 1, result
    rate = total / elapsed
    print(
        f"appends  postgresql  writers={writers}  events={total:,}  {elapsed:.2f} s  {rate:,.0f} events/s  chain OK"
        f"  ({parked / total:.0%} parked while the chain was busy, then sealed in batches)"
    )
    return rate


def fill_chain(n: int, batch: int = 20_000) -> int:
    """Write a valid n-event chain fast (bulk insert of precomputed links), for the verify benchmark."""
    from chalkline.audit.chain import canonical_json, event_digest
    from chalkline.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
    from chalkline.people.models import District

    district = District.objects.create(name="Verify bench", slug=f"verify-{n}")
    prev = GENESIS_HASH
    t = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[AuditEvent] = []
    for seq in range(1, n + 1):
        at = t + timedelta(milliseconds=seq)
        after = canonical_json({"assignment": seq, "status": "signed"})
        digest = event_digest(
            prev_hash=prev,
            district_id=district.pk,
            seq=seq,
            at=at,
            actor_id=None,
            actor_label="bench",
            action="ack.signed",
            target_type="acks.signature",
            target_id=str(seq),
            before="null",
            after=after,
        )
        rows.append(
            AuditEvent(
                district=district,
                seq=seq,
                at=at,
                actor_label="bench",
                action="ack.signed",
                target_type="acks.signature",
                target_id=str(seq),
                before="null",
                after=after,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
        if len(rows) >= batch:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    if rows:
        AuditEvent.objects.bulk_create(rows)
    AuditChainHead.objects.create(district=district, last_seq=n, last_hash=prev)
    return district.pk


def bench_verify(url: str, label: str, n: int) -> float:
    if url.startswith("postgres"):
        recreate_pg()
    else:
        SQLITE_PATH.unlink(missing_ok=True)
    migrate(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghij",
    }
    fill = subprocess.run(
        [sys.executable, __file__, "--fill-only", url, "--verify-events", str(n)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    slug = fill.stdout.strip().splitlines()[-1]
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "chalkline", "audit", "verify", "--district", slug],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    print(
        f"verify   {label:<10}  events={n:,}  {elapsed:.2f} s (whole command)  -> {out.stdout.strip()}"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--events-per-writer", type=int, default=2500)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the append benchmark")
    parser.add_argument("--fill-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_only:
        setup_django(args.fill_only)
        fill_chain(args.verify_events)
        print(f"verify-{args.verify_events}")
        return
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for round_no in range(1, args.rounds + 1):
        bench_appends(args.writers, args.events_per_writer, round_no)
    from django.db import connections

    connections.close_all()
    if not args.verify_events:
        return
    bench_verify(PG_URL, "postgresql", args.verify_events)
    if not args.skip_sqlite:
        bench_verify(f"sqlite:///{SQLITE_PATH}", "sqlite", args.verify_events)
        SQLITE_PATH.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
