"""Home page benchmark: the superintendent's dashboard at district scale. Prints figures; asserts
nothing.

Builds the district with the demo loader (--buildings, --staff, --students), launches a campaign
over every staff member (bench/acks_bench.py's launch), writes --signatures records straight to
the tables, marks --overdue-share of the buildings' assignments past due and distributes in
--distributed-share of the buildings (bench setup), then times --runs GETs of the home page as
the demo superintendent through Django's test client and prints p50/p95/max (target p95 <= 300 ms
at 150,000 staff and 100,000 signatures).

Usage:
  .venv/bin/python bench/home_bench.py --db pg --buildings 1800 --staff 150000 --signatures 100000
  .venv/bin/python bench/home_bench.py --db sqlite --buildings 1800 --staff 150000 --signatures 100000
Databases: as bench/acks_bench.py (chalkline_acks_bench on 127.0.0.1:5432, or
var/bench-acks.sqlite3), recreated.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from acks_bench import launch, load_signatures, setup, uptime


def build(buildings: int, staff: int, students: int) -> tuple[Any, str]:
    from chalkline.people.demo.loader import load_demo_district

    password = secrets.token_urlsafe(16)
    t = time.perf_counter()
    district, _ = load_demo_district(
        name="Bench",
        slug="bench",
        buildings=buildings,
        staff=staff,
        students=students,
        seed=1,
        password=password,
    )
    print(
        f"directory: {buildings:,} buildings, {staff:,} staff, {students:,} students "
        f"in {time.perf_counter() - t:.1f} s"
    )
    return district, password


def shape(campaign: Any, overdue_share: float, distributed_share: float) -> None:
    """Bench setup: some buildings past due, most distributed."""
    from datetime import timedelta

    from django.utils import timezone

    from chalkline.acks.models import Assignment, Distribution

    ids = sorted(
        set(Assignment.objects.filter(campaign=campaign).values_list("building_id", flat=True))
    )
    late = ids[: int(len(ids) * overdue_share)]
    Assignment.objects.filter(campaign=campaign, building_id__in=late).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    now = timezone.now()
    Distribution.objects.bulk_create(
        Distribution(
            campaign=campaign, building_id=b, distributed_by_name="Bench", distributed_at=now
        )
        for b in ids[: int(len(ids) * distributed_share)]
    )
    print(f"{len(late):,} buildings past due; {int(len(ids) * distributed_share):,} distributed")


def vacuum() -> None:
    """What autovacuum does in production after a bulk load: statistics and the visibility map
    (the dashboard's GROUP BY is an index-only scan once the map is set)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE acks_assignment")
            cursor.execute("VACUUM ANALYZE acks_signature")


def time_home(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from chalkline.people.models import User

    client = Client()
    client.force_login(User.objects.get(username="superintendent@bench"))
    url = reverse("home")
    first = client.get(url)  # warm
    assert first.status_code == 200 and b"Open campaigns" in first.content
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"superintendent home: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
        f"max {times[-1]:.0f} ms over {runs} runs ({len(first.content):,} bytes)  [{uptime()}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--buildings", type=int, default=1800)
    parser.add_argument("--staff", type=int, default=150_000)
    parser.add_argument("--students", type=int, default=0)
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--overdue-share", type=float, default=0.2)
    parser.add_argument("--distributed-share", type=float, default=0.9)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--reuse", action="store_true", help="Time the district a previous run left (no build)."
    )
    args = parser.parse_args()
    if args.reuse:
        reuse(args.db)
    else:
        setup(args.db, certificates="deferred")
        district, _password = build(args.buildings, args.staff, args.students)
        campaign = launch(district)
        load_signatures(campaign, args.signatures)
        shape(campaign, args.overdue_share, args.distributed_share)
    vacuum()
    time_home(args.runs)


def reuse(db: str) -> None:
    import os

    import django
    from acks_bench import PG_URL, ROOT, SQLITE_PATH

    os.environ.update(
        DATABASE_URL=PG_URL if db == "pg" else f"sqlite:///{SQLITE_PATH}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        CHALKLINE_VAR_DIR=str(ROOT / "var" / "bench-acks"),
    )
    sys.path.insert(0, str(ROOT))
    django.setup()


if __name__ == "__main__":
    main()
