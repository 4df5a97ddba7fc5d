"""The public SOPPA page (/d/<slug>/privacy/) with 5,000 posted operators: p95 of GETs.

    .venv/bin/python bench/soppa_page_bench.py --db pg [--operators 5000] [--runs 200]
    .venv/bin/python bench/soppa_page_bench.py --db sqlite

Creates a district with --operators approved, posted apps (each with an address, four data
elements and two subcontractors) and 20 breaches, then times --runs anonymous GETs through
Django's test client for each kind of request: the first page, a page deep in the list, a search
that matches many operators, a search that matches one, and the htmx fragment. Prints p50/p95/max
(target p95 <= 100 ms). Databases: chalkline_soppa_bench on 127.0.0.1:5432 or
var/bench-soppa.sqlite3, recreated. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/chalkline_soppa_bench"
SQLITE_PATH = ROOT / "var" / "bench-soppa.sqlite3"


def setup(db: str) -> None:
    if db == "pg":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS chalkline_soppa_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE chalkline_soppa_bench")
        url = PG_URL
    else:
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        CHALKLINE_VAR_DIR=str(ROOT / "var" / "bench-soppa"),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(operators: int) -> str:
    import datetime

    from django.utils import timezone

    from chalkline.people.models import District, User
    from chalkline.registry.models import App, Breach

    district = District.objects.create(name="Bench SD", slug="bench")
    user = User.objects.create(username="bench")
    now = timezone.now()
    t = time.perf_counter()
    apps = App.objects.bulk_create(
        (
            App(
                district=district,
                name=f"Learning App {n:05d}",
                operator=f"Operator {n:05d}, Inc.",
                operator_address=f"{n} Main Street, Springfield, IL 62701",
                purpose=App.Purpose.STAFF_STUDENT,
                data_elements="student name\nschool email\ngrade level\n"
                + ("reading level" if n % 50 else "quiz answers"),
                domains=f"app{n}.example.com",
                subcontractors="Amazon Web Services\nZendesk",
                subcontractors_url="https://example.com/subprocessors",
                status=App.Status.APPROVED,
                signed_on=datetime.date(2024, 7, 1),
                expires_on=datetime.date(2027 if n % 10 else 2025, 6, 30),
                approved_at=now,
                posted_at=now,
                agreement="registry/agreements/bench.pdf",
            )
            for n in range(operators)
        ),
        batch_size=1000,
    )
    for n in range(20):
        Breach.objects.create(
            district=district,
            app=apps[n],
            cause=Breach.Cause.OPERATOR,
            started_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            students=10 + n,
            discovered_on=datetime.date(2025, 2, 1),
            notify_by=datetime.date(2025, 4, 2),
            logged_by=user,
        )
    print(f"{operators:,} operators and 20 breaches in {time.perf_counter() - t:.1f} s")
    return district.slug


def time_gets(path: str, runs: int, **headers: str) -> tuple[float, float, float]:
    from django.test import Client

    client = Client()
    for _ in range(5):
        assert client.get(path, headers=headers).status_code == 200
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["pg", "sqlite"], default="sqlite")
    parser.add_argument("--operators", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    setup(args.db)
    slug = build(args.operators)
    base = f"/d/{slug}/privacy/"
    cases = {
        "first page": (base, {}),
        "page 150": (base + "?page=150", {}),
        "search, 5,000 hits": (base + "?q=student+name", {}),
        "search, 100 hits, page 2": (base + "?q=quiz+answers&page=2", {}),
        "search, 1 hit": (base + "?q=App+04321", {}),
        "htmx fragment, page 20": (base + "?page=20", {"HX-Request": "true"}),
    }
    for label, (path, headers) in cases.items():
        p50, p95, worst = time_gets(path, args.runs, **headers)
        print(f"{args.db} {label:<26} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f} ms")
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
