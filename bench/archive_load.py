"""Load a synthetic message archive into PostgreSQL in bulk with COPY (not through the send path).

    DATABASE_URL=postgres://... .venv/bin/python bench/archive_load.py --messages 1000000

Uses the database in DATABASE_URL (migrated here; a new district each run, so give it a database
of its own). Makes one district with --staff staff accounts, --students students each with one
guardian who has an account, then threads of five messages each between a staff member and a
student's family, spread over 2019-2026, until --messages messages exist. One staff member,
"Hana Heavy", sends 50,000 of them in 2026 (the export benchmark's "one staff member's year").
About one message in ten names a student (so a FOIA export has something to redact).

Threads, messages and recipients are written with COPY, the GIN full-text index is dropped
before and rebuilt after (as a bulk load of an archive would), and the sequences are moved past
the loaded ids. Prints rows per second, the index build time and the disk used per million
messages (messages, recipients and threads with their indexes). Writes the district's slug to
var/archive-bench-district so bench/archive_bench.py can measure it.
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
PER_THREAD = 5

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


def _people(staff: int, students: int) -> tuple[Any, list[int], list[tuple[int, int, int]]]:
    """The district, staff user ids (the first is Hana Heavy), and per student (student person
    id, guardian person id, guardian user id)."""
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
        Person(
            district=district,
            kind=Person.Kind.STUDENT,
            given_name=rnd.choice(GIVEN),
            family_name=f"{rnd.choice(FAMILY)}{n}",
            sourced_id=f"{slug}-stu-{n}",
            identifier=f"S{100000 + n}",
        )
        for n in range(students)
    )
    guardians = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.GUARDIAN,
            given_name=rnd.choice(GIVEN),
            family_name=k.family_name,
            sourced_id=f"{slug}-gua-{n}",
        )
        for n, k in enumerate(kids)
    )
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=k) for g, k in zip(guardians, kids, strict=True)
    )
    g_users = User.objects.bulk_create(
        User(username=f"{slug}-gua-{n}", person=g, password=UNUSABLE)
        for n, g in enumerate(guardians)
    )
    Membership.objects.bulk_create(
        Membership(user=u, district=district, building=building, role=Role.GUARDIAN)
        for u in g_users
    )
    families = [(k.pk, g.pk, u.pk) for k, g, u in zip(kids, guardians, g_users, strict=True)]
    return district, [u.pk for u in staff_users], families


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


def load(messages: int, staff: int, students: int) -> None:
    from django.db import connection

    t0 = time.perf_counter()
    district, staff_ids, families = _people(staff, students)
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY[:4]]
    print(
        f"people: {staff} staff, {students} students and guardians in {time.perf_counter() - t0:.1f} s"
    )
    rnd = random.Random(42)
    n_threads = (messages + PER_THREAD - 1) // PER_THREAD
    heavy_threads = min(n_threads, HEAVY_MESSAGES // PER_THREAD)
    start_2019 = dt.datetime(2019, 8, 15, tzinfo=dt.UTC).timestamp()
    start_2026 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    year = 360 * 86400.0
    span = start_2026 + year - start_2019
    with connection.cursor() as c:
        c.execute("DROP INDEX IF EXISTS messaging_message_body_fts")
        raw = c.connection
        cur = raw.cursor()
        t_id, m_id, r_id = (
            _next_id(cur, "messaging_thread"),
            _next_id(cur, "messaging_message"),
            _next_id(cur, "messaging_recipient"),
        )
        t1 = time.perf_counter()
        threads_cols = (
            "id, district_id, audience_kind, audience_key, audience_label, subject, "
            "started_by_id, created_at, last_message_at"
        )
        msg_cols = (
            "id, thread_id, sender_id, body, sha256, idempotency_key, findings, "
            "override_reason, sent_at"
        )
        rec_cols = "id, message_id, person_id, user_id, status, read_at"
        thread_rows: list[str] = []
        msg_rows: list[str] = []
        rec_rows: list[str] = []
        made = 0

        def flush() -> None:
            with cur.copy(f"COPY messaging_thread ({threads_cols}) FROM STDIN") as cp:
                cp.write("".join(thread_rows))
            with cur.copy(f"COPY messaging_message ({msg_cols}) FROM STDIN") as cp:
                cp.write("".join(msg_rows))
            with cur.copy(f"COPY messaging_recipient ({rec_cols}) FROM STDIN") as cp:
                cp.write("".join(rec_rows))
            thread_rows.clear()
            msg_rows.clear()
            rec_rows.clear()

        for t in range(n_threads):
            heavy = t < heavy_threads
            staff_id = staff_ids[0] if heavy else staff_ids[1 + t % (len(staff_ids) - 1)]
            kid, guardian, g_user = families[t % len(families)]
            base = (
                start_2026 + rnd.random() * (year - 86400)
                if heavy
                else start_2019 + rnd.random() * (span - 86400)
            )
            when = [base + i * 3600.0 for i in range(PER_THREAD)]
            stamps = [dt.datetime.fromtimestamp(w, dt.UTC).isoformat() for w in when]
            tid = t_id + t
            subject = " ".join(rnd.choices(WORDS, k=4)).capitalize()
            thread_rows.append(
                f"{tid}\t{district.pk}\tfamily\t{kid}\tThe family of student {kid}\t{subject}\t"
                f"{staff_id}\t{stamps[0]}\t{stamps[-1]}\n"
            )
            for i in range(PER_THREAD):
                if made >= messages:
                    break
                from_staff = heavy or i % 2 == 0
                body = _body(rnd, names)
                digest = hashlib.sha256(body.encode()).hexdigest()
                sender = staff_id if from_staff else g_user
                msg_rows.append(
                    f"{m_id + made}\t{tid}\t{sender}\t{body}\t{digest}\tbench-{made}\t{{}}\t\t"
                    f"{stamps[i]}\n"
                )
                if from_staff:
                    rec_rows.append(
                        f"{r_id + made}\t{m_id + made}\t{guardian}\t{g_user}\tread\t{stamps[i]}\n"
                    )
                else:
                    rec_rows.append(
                        f"{r_id + made}\t{m_id + made}\t\\N\t{staff_id}\tread\t{stamps[i]}\n"
                    )
                made += 1
            if len(msg_rows) >= 50_000:
                flush()
                print(
                    f"  {made:,} messages, {made / (time.perf_counter() - t1):,.0f}/s", flush=True
                )
        flush()
        raw.commit()
        load_s = time.perf_counter() - t1
        print(f"loaded {made:,} messages in {load_s:.0f} s ({made / load_s:,.0f}/s)")
        for table in ("messaging_thread", "messaging_message", "messaging_recipient"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
        t2 = time.perf_counter()
        cur.execute(
            "CREATE INDEX messaging_message_body_fts ON messaging_message "
            "USING gin (to_tsvector('simple'::regconfig, body))"
        )
        print(f"full-text index built in {time.perf_counter() - t2:.0f} s")
        cur.execute("ANALYZE messaging_thread")
        cur.execute("ANALYZE messaging_message")
        cur.execute("ANALYZE messaging_recipient")
        raw.commit()
        cur.execute("SELECT COUNT(*) FROM messaging_message")
        total = int(cur.fetchone()[0])
        sizes = {}
        for table in ("messaging_message", "messaging_recipient", "messaging_thread"):
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = int(cur.fetchone()[0])
        cur.execute("SELECT pg_relation_size('messaging_message_body_fts')")
        fts = int(cur.fetchone()[0])
    mib = 1024 * 1024
    per_million = sum(sizes.values()) / max(total, 1) * 1_000_000 / mib
    print(
        f"archive: {total:,} messages; "
        + ", ".join(f"{k} {v / mib:,.0f} MiB" for k, v in sizes.items())
        + f" (full-text index {fts / mib:,.0f} MiB); {per_million:,.0f} MiB per million messages"
    )
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "archive-bench-district").write_text(district.slug)
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--students", type=int, default=20_000)
    args = parser.parse_args()
    setup()
    load(args.messages, args.staff, args.students)


if __name__ == "__main__":
    main()
