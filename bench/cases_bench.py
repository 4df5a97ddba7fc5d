"""Cases on PostgreSQL: 10,000 cases and 100,000 evidence items.

    DATABASE_URL=postgres://... .venv/bin/python bench/cases_bench.py [--cases 10000]
        [--evidence 100000] [--runs 100]

Uses the database in DATABASE_URL (migrated; a new district each run, so run it on a database
of its own). Builds --cases cases (spread over kinds, statuses, six buildings and three school
years, each with HR named as its manager and a timeline of four entries) and --evidence
evidence rows (200 on one case, the rest spread over the others; the rows name files that do
not exist, which the pages never open), then times, through Django's test client as HR:

- the case list with filters (open cases of one kind in one building; a status; page 20);
- the case page of the case with 200 evidence items (each GET also writes its audit event);
- the periodic-review export (CSV, counts by school year, building, kind and outcome).

Prints p50/p95/max per request (targets: list p95 <= 150 ms, case page p95 <= 200 ms, export
<= 5 s) and the machine's load. Asserts nothing.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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


def build(cases: int, evidence: int) -> tuple[Any, int, list[int]]:
    import datetime

    from django.utils import timezone

    from chalkline.cases.models import Case, CaseEntry, CaseMember, Evidence
    from chalkline.cases.services import ensure_outcome_types
    from chalkline.people.models import Building, District, User
    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership

    slug = f"cases-bench-{secrets.token_hex(3)}"
    district: District = create_district(name="Cases Bench SD", slug=slug, by=None)
    hr = User.objects.create_user(username=f"hr-{slug}", password=None)
    grant_membership(user=hr, district=district, role=Role.HR, building=None, by=None)
    buildings = [
        Building.objects.create(district=district, name=f"School {n}", code=f"s{n}")
        for n in range(6)
    ]
    ensure_outcome_types(district)
    from chalkline.cases.models import OutcomeType

    outcomes = list(OutcomeType.objects.filter(district=district))
    kinds = list(Case.Kind.values)
    statuses = list(Case.Status.values)
    now = timezone.now()
    t = time.perf_counter()
    rows = []
    for n in range(cases):
        status = statuses[n % len(statuses)]
        decided = status in {"outcome", "acknowledgment", "closed"}
        rows.append(
            Case(
                district=district,
                building=buildings[n % len(buildings)],
                kind=kinds[n % len(kinds)],
                source=Case.Source.SIGNED_IN,
                status=status,
                subject_name=f"Employee {n % 900}",
                subject_position=Case.Position.STAFF,
                reporter_kind=Case.ReporterKind.GUARDIAN,
                description=f"Concern number {n} about messages on a personal app.",
                outcome=outcomes[n % len(outcomes)] if decided else None,
                due_on=timezone.localdate() + datetime.timedelta(days=(n % 40) - 20),
            )
        )
    made = Case.objects.bulk_create(rows, batch_size=2000)
    # spread the opening dates over three school years
    ids = [c.pk for c in made]
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE cases_case SET opened_at = %s - (id %% 1000) * interval '1 day' "
            "WHERE district_id = %s",
            [now, district.pk],
        )
    CaseMember.objects.bulk_create(
        (CaseMember(case_id=i, user=hr, part=CaseMember.Part.MANAGER) for i in ids),
        batch_size=5000,
    )
    CaseEntry.objects.bulk_create(
        (
            CaseEntry(case_id=i, kind=kind, by=hr, text="Bench entry.")
            for i in ids
            for kind in ("opened", "triaged", "note", "interview")
        ),
        batch_size=5000,
    )
    big = ids[0]
    per_case = [big] * 200 + [ids[1 + n % (len(ids) - 1)] for n in range(evidence - 200)]
    Evidence.objects.bulk_create(
        (
            Evidence(
                case_id=case_id,
                file=f"cases/evidence/bench/{n}.png",
                name=f"screenshot-{n}.png",
                content_type="image/png",
                size=123_456,
                sha256=f"{n:064x}",
                reason=Evidence.Reason.REPORTED_CONTENT,
                uploaded_by=hr,
            )
            for n, case_id in enumerate(per_case)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"{cases:,} cases, {evidence:,} evidence items, {len(ids) * 4:,} timeline entries "
        f"in {time.perf_counter() - t:.1f} s"
    )
    return hr, big, [b.pk for b in buildings]


def timed(client: object, path: str, runs: int) -> tuple[float, float, float]:
    samples = []
    for n in range(runs + 5):
        t = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if n >= 5:
            samples.append(elapsed)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--evidence", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    setup()
    hr, big, buildings = build(args.cases, args.evidence)
    from django.test import Client

    client = Client()
    client.force_login(hr)
    requests = {
        "list, open + kind + building": f"/cases/?status=open&kind=communication&building={buildings[2]}",
        "list, status": "/cases/?status=investigating",
        "list, page 20": "/cases/?page=20",
        "case page, 200 evidence": f"/cases/{big}/",
    }
    for label, path in requests.items():
        p50, p95, worst = timed(client, path, args.runs)
        print(f"{label:<30} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f} ms")
    export = []
    for _ in range(5):
        t = time.perf_counter()
        response = client.get("/cases/review/?format=csv")
        export.append(time.perf_counter() - t)
        assert response.status_code == 200
    rows = response.content.count(b"\n") - 1
    print(
        f"periodic-review export ({rows} rows)  best {min(export):.2f} s  worst {max(export):.2f} s"
    )
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
