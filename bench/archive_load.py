"""Load a synthetic message archive into PostgreSQL in bulk with COPY (not through the send path).

    DATABASE_URL=postgres://.../chalkline_archive10m .venv/bin/python bench/archive_load.py \
        --messages 10000000 --staff 600 --students 50000

Uses the database in DATABASE_URL (migrated here; a new district each run, so give it a database
of its own). Makes one district with --staff staff accounts and --students students, each with
one or two guardians who have accounts, then conversations over 2019-08-15 .. 2026-12-05 until
--messages messages exist:

- most threads are a staff member and a student's family: 1-9 messages, the staff member and the
  guardians taking turns; a staff message goes to each guardian (and, one time in four, the
  student too: 1-3 recipients), a guardian's to the staff member and the other guardian;
- one thread in eight is between two staff members (one recipient);
- one staff member, "Hana Heavy", sends 50,000 messages in 2026 (the export benchmark's "one
  staff member's year"); about one message in ten names a student (a FOIA export redacts it);
- deliveries older than a month are read, newer ones half unread.

Thread start times are drawn first and sorted, and each batch's messages are sorted by sent time
before they get their ids, so ids follow time as they do in production (messages are appended as
they are sent): the BRIN index on sent_at and a date range's pages stay as compact as they will be.

How it is fast (about 10 M messages in well under 30 minutes on the 2-core box): threads,
messages and recipients are written with psycopg's COPY in batches of about 50,000 messages; the
three tables' secondary indexes and unique constraints are dropped first and rebuilt after the
load (as pg_restore does: one sort per index instead of 20 M random index insertions, and the
indexes come out as compact as after a REINDEX; the primary keys stay, their ids arrive in
order); the session runs with ``session_replication_role = replica`` (as ``pg_dump
--disable-triggers`` does) so no foreign-key or append-only trigger fires per row: every id the
loader writes is one it made, and a check after the load counts orphans (it must print 0).
Prints rows per second, the index build times and the disk per million messages. Writes the
district's slug to var/archive-bench-district so bench/archive_bench.py can measure it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEAVY_MESSAGES = 50_000
UNUSABLE = "!" + "bench-no-sign-in"  # an unusable password hash: nobody signs in as them
BATCH = 50_000
TABLES = ("messaging_thread", "messaging_message", "messaging_recipient")
START = dt.datetime(2019, 8, 15, tzinfo=dt.UTC).timestamp()
END = dt.datetime(2026, 12, 5, tzinfo=dt.UTC).timestamp()
YEAR_2026 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
READ_BEFORE = END - 30 * 86400.0

WORDS = [
    "the",
    "a",
    "to",
    "and",
    "of",
    "for",
    "in",
    "is",
    "on",
    "your",
    "we",
    "our",
    "please",
    "class",
    "today",
    "tomorrow",
    "week",
    "homework",
    "reading",
    "math",
    "science",
    "project",
    "quiz",
    "test",
    "grade",
    "report",
    "form",
    "permission",
    "slip",
    "lunch",
    "bus",
    "practice",
    "meeting",
    "conference",
    "schedule",
    "library",
    "assignment",
    "reminder",
    "thank",
    "you",
    "field",
    "trip",
    "museum",
    "concert",
    "rehearsal",
    "uniform",
    "picture",
    "day",
    "supplies",
    "notebook",
    "calculator",
    "tutoring",
    "volunteer",
    "snack",
    "party",
    "spelling",
    "vocabulary",
    "chapter",
    "essay",
    "lab",
    "experiment",
    "garden",
    "recess",
    "attendance",
    "absence",
    "late",
    "early",
    "pickup",
    "dismissal",
    "weather",
    "closed",
    "open",
    "house",
    "family",
    "night",
    "portfolio",
    "rubric",
    "feedback",
    "progress",
    "celebrate",
    "improve",
    "great",
    "work",
    "proud",
    "question",
    "answer",
]
RARE = ["volcano", "orchestra", "planetarium", "robotics", "chess"]
GIVEN = [
    "Maria",
    "Liam",
    "Ava",
    "Noah",
    "Sofia",
    "Mateo",
    "Zoe",
    "Elijah",
    "Mia",
    "Lucas",
    "Aria",
    "Mason",
    "Ivy",
    "Leo",
    "Nora",
    "Ezra",
]
FAMILY = [
    "Garcia",
    "Okafor",
    "Nguyen",
    "Kowalski",
    "Patel",
    "Johnson",
    "Rossi",
    "Haddad",
    "Kim",
    "Silva",
    "Novak",
    "Ortiz",
]


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of the bench's own.")
    os.environ.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


#: a student's family: (student person id, [(guardian person id, guardian user id), ...])
Family = tuple[int, list[tuple[int, int]]]


def _people(staff: int, students: int) -> tuple[Any, list[tuple[int, int]], list[Family]]:
    """The district, staff as (person id, user id) (the first is Hana Heavy), and the families."""
    from chalkline.people.models import Building, GuardianLink, Membership, Person, User
    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership

    slug = f"archive-bench-{secrets.token_hex(3)}"
    district = create_district(name="Archive Bench SD", slug=slug, by=None)
    building = Building.objects.create(district=district, name="Bench School", code="bench")
    rnd = random.Random(7)
    staff_people = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.STAFF,
            given_name="Hana" if n == 0 else rnd.choice(GIVEN),
            family_name="Heavy" if n == 0 else f"Staffer{n}",
            sourced_id=f"{slug}-staff-{n}",
            email=f"staff{n}@{slug}.example.org",
        )
        for n in range(staff)
    )
    staff_users = User.objects.bulk_create(
        User(username=f"{slug}-staff-{n}", person=p, password=UNUSABLE)
        for n, p in enumerate(staff_people)
    )
    for u in staff_users:
        grant_membership(user=u, district=district, role=Role.EMPLOYEE, building=building, by=None)
    kids = Person.objects.bulk_create(
        (
            Person(
                district=district,
                kind=Person.Kind.STUDENT,
                given_name=rnd.choice(GIVEN),
                family_name=f"{rnd.choice(FAMILY)}{n}",
                sourced_id=f"{slug}-stu-{n}",
                identifier=f"S{100000 + n}",
            )
            for n in range(students)
        ),
        batch_size=5000,
    )
    # seven families in ten have two guardians with accounts; the first is "gua-<n>"
    pairs = [(n, "") for n in range(students)] + [
        (n, "b") for n in range(students) if rnd.random() < 0.7
    ]
    guardians = Person.objects.bulk_create(
        (
            Person(
                district=district,
                kind=Person.Kind.GUARDIAN,
                given_name=rnd.choice(GIVEN),
                family_name=kids[n].family_name,
                sourced_id=f"{slug}-gua-{n}{tag}",
            )
            for n, tag in pairs
        ),
        batch_size=5000,
    )
    GuardianLink.objects.bulk_create(
        (
            GuardianLink(guardian=g, student=kids[n])
            for g, (n, _) in zip(guardians, pairs, strict=True)
        ),
        batch_size=5000,
    )
    g_users = User.objects.bulk_create(
        (
            User(username=f"{slug}-gua-{n}{tag}", person=g, password=UNUSABLE)
            for g, (n, tag) in zip(guardians, pairs, strict=True)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(user=u, district=district, building=building, role=Role.GUARDIAN)
            for u in g_users
        ),
        batch_size=5000,
    )
    by_kid: list[list[tuple[int, int]]] = [[] for _ in range(students)]
    for g, u, (n, _) in zip(guardians, g_users, pairs, strict=True):
        by_kid[n].append((g.pk, u.pk))
    families = [(k.pk, by_kid[n]) for n, k in enumerate(kids)]
    return (
        district,
        [(p.pk, u.pk) for p, u in zip(staff_people, staff_users, strict=True)],
        families,
    )


def _next_id(cur: Any, table: str) -> int:
    cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (fixed names)
    return int(cur.fetchone()[0])


def _body(rnd: random.Random, names: list[str]) -> str:
    words = rnd.choices(WORDS, k=rnd.randint(12, 40))
    if rnd.random() < 0.01:
        words.insert(rnd.randrange(len(words)), rnd.choice(RARE))
    if rnd.random() < 0.1:
        words.insert(rnd.randrange(len(words)), rnd.choice(names))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _stamp(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat()


def _drop_indexes(cur: Any) -> list[str]:
    """Drop the three tables' unique constraints and secondary indexes; the statements that make
    them again (also written to var/archive-load-indexes.sql, should the load stop half way)."""
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype = 'u'",
        [list(TABLES)],
    )
    again = [f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in cur.fetchall()]
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(TABLES)],
    )
    indexes = cur.fetchall()
    again += [d for _, d in indexes]
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "archive-load-indexes.sql").write_text("".join(f"{s};\n" for s in again))
    for statement in again:
        if statement.startswith("ALTER TABLE"):
            table, name = statement.split()[2], statement.split()[5]
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    return again


class Writer:
    """Batches of rows, sorted by sent time before the messages get their ids, then COPY."""

    def __init__(self, cur: Any, m_id: int, r_id: int) -> None:
        self.cur = cur
        self.m_id, self.r_id = m_id, r_id
        self.threads: list[str] = []
        # (sent_at, thread id, sender user id, body, [(person id, user id), ...])
        self.pending: list[tuple[float, int, int, str, list[tuple[int | None, int | None]]]] = []
        self.messages = 0
        self.recipients = 0

    def flush(self, before: float) -> None:
        """Write the threads, and the pending messages sent before ``before`` in sent order."""
        self.pending.sort(key=lambda m: m[0])
        cut = len(self.pending)
        while cut and self.pending[cut - 1][0] >= before:
            cut -= 1
        ready, self.pending = self.pending[:cut], self.pending[cut:]
        msg_rows: list[str] = []
        rec_rows: list[str] = []
        for sent, tid, sender, body, recipients in ready:
            mid = self.m_id
            self.m_id += 1
            stamp = _stamp(sent)
            digest = hashlib.sha256(body.encode()).hexdigest()
            msg_rows.append(
                f"{mid}\t{tid}\t{sender}\t{body}\t{digest}\tbench-{mid}\t{{}}\t\t{stamp}\n"
            )
            for person, user in recipients:
                if sent < READ_BEFORE or (mid + self.r_id) % 2:
                    status, read = "read", _stamp(sent + 600 + (mid % 97) * 900)
                else:
                    status, read = "sent", "\\N"
                p = "\\N" if person is None else person
                u = "\\N" if user is None else user
                rec_rows.append(f"{self.r_id}\t{mid}\t{p}\t{u}\t{status}\t{read}\n")
                self.r_id += 1
        cur = self.cur
        if self.threads:
            with cur.copy(
                "COPY messaging_thread (id, district_id, audience_kind, audience_key, "
                "audience_label, subject, started_by_id, created_at, last_message_at) FROM STDIN"
            ) as cp:
                cp.write("".join(self.threads))
            self.threads.clear()
        if msg_rows:
            with cur.copy(
                "COPY messaging_message (id, thread_id, sender_id, body, sha256, "
                "idempotency_key, findings, override_reason, sent_at) FROM STDIN"
            ) as cp:
                cp.write("".join(msg_rows))
            with cur.copy(
                "COPY messaging_recipient (id, message_id, person_id, user_id, status, read_at) "
                "FROM STDIN"
            ) as cp:
                cp.write("".join(rec_rows))
        cur.connection.commit()
        self.messages += len(msg_rows)
        self.recipients += len(rec_rows)


def load(messages: int, staff_count: int, students: int) -> None:
    from django.db import connection

    t0 = time.perf_counter()
    district, staff, families = _people(staff_count, students)
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY[:4]]
    print(
        f"people: {staff_count} staff, {students} students, "
        f"{sum(len(g) for _, g in families)} guardians in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    rnd = random.Random(42)
    # 7 threads in 8 with a family (1-9 messages, 5 on average), 1 in 8 between staff (1-4)
    per_thread = 7 / 8 * 5 + 1 / 8 * 2.5
    gap = (END - START) / (messages / per_thread)
    threads_2026 = (END - YEAR_2026) / gap
    heavy_share = min(1.0, 1.1 * HEAVY_MESSAGES / 5 / max(threads_2026, 1))
    hana_person, hana = staff[0]
    with connection.cursor() as c:
        raw = c.connection
        cur = raw.cursor()
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        t_id, m_id, r_id = (_next_id(cur, t) for t in TABLES)
        t1 = time.perf_counter()
        rebuild = _drop_indexes(cur)
        raw.commit()
        print(f"dropped {len(rebuild)} indexes and unique constraints", flush=True)
        out = Writer(cur, m_id, r_id)
        hana_sent = 0
        start = START
        tid = t_id - 1
        made = 0
        try:
            while made < messages:
                start += rnd.expovariate(1 / gap)
                tid += 1
                subject = " ".join(rnd.choices(WORDS, k=4)).capitalize()
                heavy = (
                    start >= YEAR_2026 and hana_sent < HEAVY_MESSAGES and rnd.random() < heavy_share
                )
                if heavy or rnd.random() < 7 / 8:
                    kid, guardians = families[rnd.randrange(len(families))]
                    teacher = staff[0] if heavy else staff[1 + rnd.randrange(len(staff) - 1)]
                    kind, key, label = "family", kid, f"The family of student {kid}"
                    count = rnd.randint(1, 9)
                    if heavy:
                        count = min(count, HEAVY_MESSAGES - hana_sent)
                else:
                    a, b = rnd.sample(range(1, len(staff)), 2)
                    teacher, colleague = staff[a], staff[b]
                    kind, key, label = "direct", colleague[1], f"Staffer{b}"
                    count = rnd.randint(1, 4)
                sent = start
                for i in range(count):
                    if i:
                        sent += rnd.expovariate(1 / (6 * 3600.0))
                    recipients: list[tuple[int | None, int | None]]
                    if kind == "direct":
                        writes, reads = (teacher, colleague) if i % 2 == 0 else (colleague, teacher)
                        sender, recipients = writes[1], [reads]
                    elif heavy or i % 2 == 0:
                        sender = teacher[1]
                        recipients = [*guardians]
                        if rnd.random() < 0.25:
                            recipients.append((kid, None))
                    else:
                        writer = rnd.randrange(len(guardians))
                        sender = guardians[writer][1]
                        recipients = [teacher, *(g for n, g in enumerate(guardians) if n != writer)]
                    if sender == hana and sent >= YEAR_2026:
                        hana_sent += 1
                    out.pending.append((sent, tid, sender, _body(rnd, names), recipients))
                    made += 1
                    if made >= messages:
                        break
                out.threads.append(
                    f"{tid}\t{district.pk}\t{kind}\t{key}\t{label}\t{subject}\t{teacher[1]}\t"
                    f"{_stamp(start)}\t{_stamp(sent)}\n"
                )
                if len(out.pending) >= BATCH:
                    out.flush(before=start)
                    rate = out.messages / (time.perf_counter() - t1)
                    print(
                        f"  {out.messages:,} messages ({_stamp(start)[:10]}), {rate:,.0f}/s",
                        flush=True,
                    )
            out.flush(before=float("inf"))
        finally:
            raw.rollback()
            load_s = time.perf_counter() - t1
            print(
                f"loaded {out.messages:,} messages, {out.recipients:,} recipients, "
                f"{tid - t_id + 1:,} threads in {load_s:.0f} s ({out.messages / load_s:,.0f} "
                f"messages/s); Hana Heavy sent {hana_sent:,} in 2026",
                flush=True,
            )
            for statement in rebuild:
                t2 = time.perf_counter()
                cur.execute(statement)
                raw.commit()
                print(f"  {time.perf_counter() - t2:6.0f} s  {statement}", flush=True)
        print(f"indexes rebuilt in {time.perf_counter() - t1 - load_s:.0f} s", flush=True)
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
        cur.execute(
            "SELECT (SELECT COUNT(*) FROM messaging_recipient r WHERE NOT EXISTS "
            "(SELECT 1 FROM messaging_message m WHERE m.id = r.message_id)), "
            "(SELECT COUNT(*) FROM messaging_message m WHERE NOT EXISTS "
            "(SELECT 1 FROM messaging_thread t WHERE t.id = m.thread_id))"
        )
        orphans = cur.fetchone()
        print(f"orphans (recipients without a message, messages without a thread): {orphans}")
        raw.commit()
        t3 = time.perf_counter()
        raw.autocommit = True
        for table in TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        raw.autocommit = False
        print(f"vacuumed and analysed in {time.perf_counter() - t3:.0f} s", flush=True)
    report()
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "archive-bench-district").write_text(district.slug)
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


def report() -> None:
    """The disk the archive takes: each table and index, and per million messages."""
    from django.db import connection

    mib = 1024 * 1024
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM messaging_message")
        total = int(cur.fetchone()[0])
        cur.execute("SELECT COUNT(*) FROM messaging_recipient")
        recipients = int(cur.fetchone()[0])
        sizes = {}
        for table in TABLES:
            cur.execute(
                "SELECT pg_table_size(%s), pg_indexes_size(%s), pg_total_relation_size(%s)",
                [table, table, table],
            )
            heap, idx, whole = cur.fetchone()
            sizes[table] = int(whole)
            print(f"  {table}: table {heap / mib:,.0f} MiB, indexes {idx / mib:,.0f} MiB")
        cur.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid IN ('messaging_message'::regclass, 'messaging_recipient'::regclass) "
            "ORDER BY 2 DESC"
        )
        for name, size in cur.fetchall():
            print(f"    {name}: {size / mib:,.0f} MiB")
    per_million = sum(sizes.values()) / max(total, 1) * 1_000_000 / mib
    print(
        f"archive: {total:,} messages, {recipients:,} recipients "
        f"({recipients / max(total, 1):.2f} a message); "
        f"{sum(sizes.values()) / mib:,.0f} MiB, {per_million:,.0f} MiB per million messages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=600)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--report", action="store_true", help="only print the disk report")
    args = parser.parse_args()
    setup()
    if args.report:
        report()
        return
    load(args.messages, args.staff, args.students)


if __name__ == "__main__":
    main()
