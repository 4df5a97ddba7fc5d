"""Policy library, database side: import a 400-policy manual through the services, search it with
10 versions per policy, and time the compare page of two 20-page versions.

Run (SQLite, a throwaway database under a temp dir):
    .venv/bin/python bench/policy_db_bench.py [--count 400] [--versions 10] [--queries 200]
Run on PostgreSQL (the database is created or reset by this script):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chalkline_bench .venv/bin/python bench/policy_db_bench.py
Targets: import 400 policies ≤ 30 s; search p95 ≤ 100 ms (400 policies × 10 versions);
redline of two 20-page versions ≤ 200 ms (service and page).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
if "DATABASE_URL" not in os.environ:
    os.environ["CHALKLINE_VAR_DIR"] = tempfile.mkdtemp(prefix="chalkline-bench-")


def _reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _search(district: Any, firsts: list[Any], args: argparse.Namespace) -> None:
    from chalkline.policies import search

    rng = random.Random(7)
    vocab = sorted(
        {w.strip(".,;:()").lower() for v in firsts[:50] for w in v.canonical_text.split()}
    )
    vocab = [w for w in vocab if len(w) > 4 and w.isalpha()]
    queries = [" ".join(rng.sample(vocab, rng.randint(1, 3))) for _ in range(args.queries)]
    queries += [v.policy.number_raw for v in rng.sample(firsts, 10)]
    times, hits = [], 0
    for q in queries:
        t0 = time.perf_counter()
        found = search.search_policies(district, q)
        times.append(time.perf_counter() - t0)
        hits += bool(found)
    print(
        f"search {len(queries)} queries over {args.count} policies × {args.versions} versions: "
        f"p50 {1000 * statistics.median(times):.1f} ms, p95 {1000 * pct(times, 95):.1f} ms, "
        f"max {1000 * max(times):.1f} ms; {hits} with results  [target p95 ≤ 100 ms]"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument(
        "--search-only",
        action="store_true",
        help="PostgreSQL: search the database a previous run built (skips steps 1, 2 and 4).",
    )
    args = ap.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and not args.search_only:
        _reset_postgres(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership
    from chalkline.policies import selectors, services
    from chalkline.policies.manualgen import edit_text, generate_manual, long_policy_text
    from chalkline.policies.models import PolicyVersion

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    if args.search_only:
        from chalkline.people.models import District

        district = District.objects.get(slug="bench")
        firsts = list(PolicyVersion.objects.filter(district=district, seq=1))
        print(f"{PolicyVersion.objects.filter(district=district).count()} versions in the database")
        _search(district, firsts, args)
        return
    district = create_district(name="Bench", slug="bench", email_domains="", by=None)
    manual = generate_manual(args.count)

    # 1. import + publish the manual through the services
    t0 = time.perf_counter()
    firsts = []
    for g in manual:
        r = services.import_policy(
            district=district,
            data=g.data,
            filename=g.filename,
            content_type=g.content_type,
            by=None,
        )
        firsts.append(r.version)
    t_import = time.perf_counter() - t0
    firsts = list({v.pk: v for v in firsts}.values())  # the generator repeats a few numbers
    t0 = time.perf_counter()
    for v in firsts:
        services.publish_policy_version(
            version=v, change_summary="Adopted", material=False, by=None
        )
    t_publish = time.perf_counter() - t0
    print(
        f"import {len(manual)} files ({len(firsts)} policies) as drafts: {t_import:.2f} s; publish them: {t_publish:.2f} s; "
        f"total {t_import + t_publish:.2f} s  [target ≤ 30 s]"
    )

    # 2. nine more published versions of every policy
    t0 = time.perf_counter()
    texts = {v.pk: v.canonical_text for v in firsts}
    made = 0
    for k in range(2, args.versions + 1):
        for v in firsts:
            lines = "\n".join(line for line in texts[v.pk].splitlines() if line.strip())
            text = edit_text(lines, rate=0.1, seed=k * 1000 + v.pk)
            r = services.import_policy(
                district=district, data=text.encode(), by=None, number=v.policy.number_raw
            )
            if not r.unchanged:
                services.publish_policy_version(
                    version=r.version, change_summary=f"Revision {k}", material=False, by=None
                )
                made += 1
    total_versions = PolicyVersion.objects.filter(district=district).count()
    print(
        f"added {made} published revisions in {time.perf_counter() - t0:.1f} s "
        f"({total_versions} versions in all)"
    )

    _search(district, firsts, args)

    # 4. redline of two 20-page versions: the service and the page
    old = long_policy_text(10_000)
    new = edit_text(old)
    head = "Policy 9:999\n\nLong Policy\n\n"
    v1 = services.import_policy(district=district, data=(head + old).encode(), by=None).version
    services.publish_policy_version(version=v1, change_summary="a", material=False, by=None)
    v2 = services.import_policy(district=district, data=(head + new).encode(), by=None).version
    runs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        selectors.changes_since(v1, v2)
        runs.append(time.perf_counter() - t0)
    print(
        f"changes_since 2 × ~10,000 words ({v1.clauses.count()} clauses), {args.runs} runs: "
        f"median {1000 * statistics.median(runs):.1f} ms, max {1000 * max(runs):.1f} ms  [target ≤ 200 ms]"
    )
    from chalkline.people.models import User

    user = User.objects.create_user(username="bench-super", password="x" * 20)
    grant_membership(user=user, district=district, role=Role.SUPERINTENDENT, building=None, by=None)
    client = Client()
    client.force_login(user)
    for name in ("compare", "changes"):
        url = reverse(f"policies:{name}", args=[v1.policy_id]) + f"?from={v1.pk}&to={v2.pk}"
        runs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - t0)
            assert response.status_code == 200
        print(
            f"{name} page, same two versions: median {1000 * statistics.median(runs):.1f} ms, "
            f"max {1000 * max(runs):.1f} ms ({len(response.content) // 1024} KB)"
        )


if __name__ == "__main__":
    main()
