"""Disk per million archived messages on PostgreSQL. Prints figures; asserts nothing.

Loads --messages synthetic messages (bodies of 120-900 characters, 400 on average; one thread per
10 messages; 1-5 recipients each, 3 on average) into the real, migrated schema with COPY, runs
VACUUM ANALYZE, then prints pg_total_relation_size (table + indexes + TOAST) of each archive
table, scaled to one million messages, with the time COPY took.

With --dispose N, then times one disposal run of N messages (a schedule item of 12 months and a
certificate covering the first year of the synthetic messages), and the eligibility count.
--reuse keeps the database of an earlier run instead of loading again.

Usage:
  .venv/bin/python bench/archive_disk_bench.py --messages 1000000
  .venv/bin/python bench/archive_disk_bench.py --messages 1000000 --reuse --dispose 5000
Database: chalkline_archive_bench on 127.0.0.1:5432 (recreated).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from acks_bench import prepare_database, uptime

TABLES = ("messaging_message", "messaging_recipient", "messaging_thread")
WORDS = [
    "the",
    "quiz",
    "is",
    "on",
    "friday",
    "please",
    "bring",
    "a",
    "pencil",
    "and",
    "your",
    "reading",
    "log",
    "field",
    "trip",
    "form",
    "due",
    "tomorrow",
    "thank",
    "you",
    "for",
    "your",
    "help",
    "conference",
    "times",
    "are",
    "open",
    "next",
    "week",
    "math",
    "homework",
    "practice",
    "pages",
    "science",
    "fair",
    "projects",
    "library",
    "books",
    "return",
    "lunch",
    "menu",
    "schedule",
    "change",
]


def _bodies(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        target = rng.randint(120, 900)
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < target:
            words.append(rng.choice(WORDS))
        out.append(" ".join(words)[:target])
    return out


def load(messages: int) -> dict[str, Any]:
    from django.db import connection

    from chalkline.people.models import User
    from chalkline.people.services import create_district

    district = create_district(name="Archive bench", slug="archive-bench", by=None)
    users = [User.objects.create_user(username=f"bench{i}", password=None) for i in range(6)]
    uids = [u.pk for u in users]
    rng = random.Random(1)
    pool = _bodies(2000, rng)
    start = datetime(2024, 7, 1, tzinfo=UTC)
    span = 2 * 365 * 24 * 3600
    threads = max(1, messages // 10)
    t0 = time.perf_counter()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM messaging_thread")
        first_thread = int(cur.fetchone()[0]) + 1
        with cur.copy(
            "COPY messaging_thread (id, district_id, audience_kind, audience_key, audience_label, "
            "subject, started_by_id, created_at, last_message_at) FROM STDIN"
        ) as copy:
            for i in range(threads):
                at = start + timedelta(seconds=span * i // threads)
                copy.write_row(
                    (
                        first_thread + i,
                        district.pk,
                        "family",
                        str(i),
                        f"The family of student {i}",
                        f"Subject {i}",
                        uids[0],
                        at,
                        at,
                    )
                )
        with cur.copy(
            "COPY messaging_message (id, thread_id, sender_id, body, sha256, idempotency_key, "
            "findings, override_reason, sent_at) FROM STDIN"
        ) as copy:
            for i in range(1, messages + 1):
                body = f"{pool[i % len(pool)]} #{i}"
                at = start + timedelta(seconds=span * i // messages)
                copy.write_row(
                    (
                        i,
                        first_thread + (i - 1) % threads,
                        uids[0],
                        body,
                        hashlib.sha256(body.encode()).hexdigest(),
                        f"{i:032x}",
                        json.dumps({}),
                        "",
                        at,
                    )
                )
        with cur.copy(
            "COPY messaging_recipient (message_id, user_id, status, read_at) FROM STDIN"
        ) as copy:
            recipients = 0
            for i in range(1, messages + 1):
                for k in range(1 + (i * 7919) % 5):
                    copy.write_row((i, uids[1 + k], "sent", None))
                    recipients += 1
    raw.commit()
    copy_s = time.perf_counter() - t0
    raw.autocommit = True
    with raw.cursor() as cur:
        cur.execute("VACUUM ANALYZE " + ", ".join(TABLES))
    return {"threads": threads, "recipients": recipients, "copy_s": copy_s}


def sizes(messages: int) -> None:
    from django.db import connection

    total = 0
    with connection.cursor() as cur:
        for table in TABLES:
            cur.execute(
                "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)",
                [table, table, table],
            )
            all_, heap, idx = cur.fetchone()
            total += all_
            per = 1_000_000 / messages
            print(
                f"{table:22} total {all_ * per / 2**20:8.1f} MiB per million messages "
                f"(heap {heap * per / 2**20:7.1f}, indexes {idx * per / 2**20:7.1f})"
            )
    print(f"{'all three':22} total {total * 1_000_000 / messages / 2**20:8.1f} MiB per million")


def dispose(n: int) -> None:
    import datetime

    from chalkline.messaging.models import DisposalCertificate
    from chalkline.messaging.services import (
        add_disposal_certificate,
        add_retention_schedule,
        dispose_records,
        eligibility,
    )
    from chalkline.people.models import District, User

    district = District.objects.get(slug="archive-bench")
    officer = User.objects.get(username="bench0")
    certificate = DisposalCertificate.objects.filter(district=district, number="BENCH").first()
    if certificate is None:
        schedule = add_retention_schedule(
            district=district,
            by=officer,
            schedule_number="BENCH",
            item_number="1",
            series="all",
            title="Bench messages",
            retention_months=12,
            approved_on=datetime.date(2024, 1, 2),
            commission_reference="bench",
        )
        certificate = add_disposal_certificate(
            district=district,
            by=officer,
            schedule=schedule,
            number="BENCH",
            approved_on=datetime.date(2024, 1, 2),
            covers_from=None,
            covers_through=datetime.date(2025, 6, 30),
            description="bench",
        )
    t = time.perf_counter()
    found = eligibility(certificate)
    count_s = time.perf_counter() - t
    print(f"eligibility: {found.eligible:,} eligible of {found.covered:,} in {count_s:.2f} s")
    t = time.perf_counter()
    run = dispose_records(
        certificate=certificate, by=officer, idempotency_key=f"bench-{time.time()}", limit=n
    )
    run_s = time.perf_counter() - t
    done = run.disposed if run else 0
    rate = done / run_s if run_s else 0.0
    print(f"one disposal run: {done:,} messages in {run_s:.2f} s ({rate:,.0f} messages/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="Keep the loaded database.")
    parser.add_argument("--dispose", type=int, default=0, help="Time a disposal run of N.")
    args = parser.parse_args()
    print(f"load before: {uptime()}")
    prepare_database(
        "pg",
        name="chalkline_archive_bench",
        var="bench-archive",
        task_backend="immediate",
        reuse=args.reuse,
    )
    if not args.reuse:
        figures = load(args.messages)
        print(
            f"loaded {args.messages:,} messages, {figures['recipients']:,} recipients, "
            f"{figures['threads']:,} threads by COPY in {figures['copy_s']:.1f} s"
        )
    sizes(args.messages)
    if args.dispose:
        dispose(args.dispose)
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()
