"""Disk per million archived messages on PostgreSQL. Prints figures; asserts nothing.

Loads --messages synthetic messages (bodies of 120-900 characters, 400 on average; one thread per
10 messages; 1-5 recipients each, 3 on average) into the real, migrated schema with COPY, runs
VACUUM ANALYZE, then prints pg_total_relation_size (table + indexes + TOAST) of each archive
table, scaled to one million messages, with the time COPY took.

Usage:
  .venv/bin/python bench/archive_disk_bench.py --messages 1000000
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load before: {uptime()}")
    prepare_database(
        "pg", name="chalkline_archive_bench", var="bench-archive", task_backend="immediate"
    )
    figures = load(args.messages)
    print(
        f"loaded {args.messages:,} messages, {figures['recipients']:,} recipients, "
        f"{figures['threads']:,} threads by COPY in {figures['copy_s']:.1f} s"
    )
    sizes(args.messages)
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()
