"""Server time of the soak's slow pages (issue 20), without the load: repeated GETs through
Django's test client against the soak-sized district on PostgreSQL. Prints figures; asserts
nothing.

Builds the soak's district once (bench/soak.py's ``prepare``: the demo loader with --buildings,
--staff, --students, a campaign over every staff member, sign-in accounts for --employees of
them), or with --reuse takes the one a previous run left. Then, per page, --warm GETs and
--requests timed GETs, signed in as the soak's journeys are: the assignment page
(``/acknowledgments/a/<pk>/``, an employee), the principal's building dashboard and the compose
page (``/messages/new/``, the principal). It prints, per page, the queries of one GET, p50/p95/max
wall time and this process's CPU time per GET (PostgreSQL's own CPU is not in it).

Usage:
  .venv/bin/python bench/soak_pages.py                # build (6,000 staff, 60,000 students)
  .venv/bin/python bench/soak_pages.py --reuse        # time again on the same data
Database: chalkline_soak_pages on 127.0.0.1:5432 (recreated unless --reuse).
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from acks_bench import ROOT, prepare_database, uptime

PLAN = ROOT / "var" / "soak_pages" / "plan.json"


def time_page(
    client: Any,
    url: str,
    *,
    warm: int,
    requests: int,
    profile: bool = False,
    sort: str = "tottime",
) -> dict[str, float]:
    from django.db import connection

    for _ in range(warm):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    queries: list[tuple[float, str]] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - t) * 1000, sql))

    # (not CaptureQueriesContext: every request's start empties the connection's query log)
    with connection.execute_wrapper(count):
        client.get(url)
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            client.get(url)
        prof.disable()
        pstats.Stats(prof).sort_stats(sort).print_stats(40 if sort == "cumulative" else 25)
        for ms, sql in queries:
            print(f"  {ms:6.1f} ms  {sql[:400]}")
    walls: list[float] = []
    cpu0 = time.process_time()
    for _ in range(requests):
        t = time.perf_counter()
        client.get(url)
        walls.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / requests
    walls.sort()
    return {
        "queries": len(queries),
        "p50": statistics.median(walls),
        "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
        "max": walls[-1],
        "cpu": cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="time the district a run left")
    parser.add_argument("--buildings", type=int, default=50)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--students", type=int, default=60000)
    parser.add_argument("--employees", type=int, default=50, help="sign-in accounts to prepare")
    parser.add_argument("--warm", type=int, default=3, help="untimed GETs per page first")
    parser.add_argument("--requests", type=int, default=30, help="timed GETs per page")
    parser.add_argument("--only", help="time only the pages whose name contains this")
    parser.add_argument("--profile", action="store_true", help="print cProfile and the SQL too")
    parser.add_argument(
        "--sort", default="tottime", choices=("tottime", "cumulative"), help="of the profile"
    )
    args = parser.parse_args()
    args.max_actions = 1000
    print(f"soak pages: {uptime()}")
    prepare_database(
        "pg", name="chalkline_soak_pages", var="soak_pages", task_backend="immediate",
        reuse=args.reuse,
    )  # fmt: skip
    if args.reuse:
        plan = json.loads(PLAN.read_text())
    else:
        from soak import prepare

        t = time.perf_counter()
        plan = prepare(args, secrets.token_urlsafe(12))
        PLAN.parent.mkdir(parents=True, exist_ok=True)
        PLAN.write_text(json.dumps(plan))
        print(f"built in {time.perf_counter() - t:.0f} s  [{uptime()}]")
    from django.test import Client

    from chalkline.people.models import User

    principal = Client()
    principal.force_login(User.objects.get(username=plan["principal"]))
    employee = Client()
    first = plan["employees"][0]
    employee.force_login(User.objects.get(username=first["username"]))
    # the soak's employees mostly GET their assignment after opening it ("done reading")
    from chalkline.acks.models import Assignment
    from chalkline.acks.services import record_open

    second = plan["employees"][1]
    opener = Client()
    opener_user = User.objects.get(username=second["username"])
    opener.force_login(opener_user)
    opened = Assignment.objects.get(pk=second["assignment"])
    if opened.opened_at is None:
        record_open(assignment=opened, by=opener_user)
    pages = [
        ("assignment page", employee, f"/acknowledgments/a/{first['assignment']}/"),
        ("assignment opened", opener, f"/acknowledgments/a/{second['assignment']}/"),
        ("dashboard", principal, plan["dashboard"]),
        ("compose page", principal, "/messages/new/"),
    ]
    print(f"{'page':<16} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu ms':>7}")
    for name, client, url in pages:
        if args.only and args.only not in name:
            continue
        r = time_page(
            client,
            url,
            warm=args.warm,
            requests=args.requests,
            profile=args.profile,
            sort=args.sort,
        )
        print(
            f"{name:<16} {r['queries']:>7.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['max']:>7.1f} "
            f"{r['cpu']:>7.1f}"
        )
    print(f"after: {uptime()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
