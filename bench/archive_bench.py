"""Time the archive loaded by bench/archive_load.py (PostgreSQL).

    DATABASE_URL=postgres://... .venv/bin/python bench/archive_bench.py [--runs 40]
        [--skip-foia]

Through Django's test client (server time, no network):

- the inbox page of Hana Heavy (10,000 threads) and of a guardian (the loader's first family);
- archive searches as a records officer: a rare word, a common word, a phrase, a sender, a
  recipient, a month, a word within a month (each GET also writes its audit event), and each
  one's page 5 reached as its Next page links do (keyed by the last message shown), the
  phrase's also typed as ?page=5 (an OFFSET);

then, as the records officer, one export of Hana Heavy's 2026 (50,000 messages) as a legal hold
and as a FOIA response (every message screened for redaction), made by the export task as in
production. Prints p50/p95/max (targets: inbox p95 <= 100 ms, search p95 <= 300 ms, export
<= 60 s), the export's size, the process's peak RSS and the machine's load. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the database bench/archive_load.py loaded.")
    os.environ.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


SEARCHES = {
    "rare word": "text=volcano",
    "common word": "text=homework",
    "phrase": "text=%22field+trip%22",
    "sender": "sender=Hana+Heavy",
    "recipient": "recipient=Garcia17",
    "one month": "date_from=2024-03-01&date_to=2024-03-31",
    "word in a month": "text=quiz&date_from=2024-03-01&date_to=2024-03-31",
}


def timed(client: Any, path: str, runs: int) -> tuple[float, float, float]:
    client.get(path)  # warm
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(path)
        ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    ms.sort()
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return statistics.median(ms), p95, ms[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-foia", action="store_true")
    parser.add_argument("--skip-inbox", action="store_true")
    parser.add_argument("--exports-only", action="store_true")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument(
        "--only", default="", help="comma-separated: time only the inboxes/searches named so"
    )
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from chalkline.messaging.archive import Criteria
    from chalkline.messaging.models import ArchiveExport, Message
    from chalkline.messaging.services import request_archive_export
    from chalkline.people.models import District, User
    from chalkline.people.roles import Role
    from chalkline.people.services import grant_membership

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="archive-bench-")
    slug = (ROOT / "var" / "archive-bench-district").read_text().strip()
    district = District.objects.get(slug=slug)
    total = Message.objects.filter(thread__district=district).count()
    print(f"archive of {total:,} messages (district {slug})")
    heavy = User.objects.get(username=f"{slug}-staff-0")
    guardian = User.objects.get(username=f"{slug}-gua-0")
    if not guardian.memberships.filter(district=district).exists():  # an older load
        grant_membership(
            user=guardian, district=district, role=Role.GUARDIAN, building=None, by=None
        )
    records, made = User.objects.get_or_create(username=f"{slug}-records")
    if made:
        grant_membership(
            user=records, district=district, role=Role.RECORDS_OFFICER, building=None, by=None
        )
    client = Client()
    rows: list[tuple[str, tuple[float, float, float]]] = []
    inboxes = [
        ("inbox, Hana Heavy (10,000 threads)", heavy),
        ("inbox, a guardian", guardian),
    ]
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    inboxes = [(who, u) for who, u in inboxes if not only or any(w in who for w in only)]
    searches = {k: v for k, v in SEARCHES.items() if not only or any(w in k for w in only)}
    for who, user in [] if args.skip_inbox or args.exports_only else inboxes:
        client.force_login(user)
        rows.append((who, timed(client, "/messages/", args.runs)))
        rows.append((who + ", page 50", timed(client, "/messages/?page=50", args.runs)))
    client.force_login(records)
    for name, query in {} if args.exports_only else searches.items():
        rows.append((f"search: {name}", timed(client, f"/messages/archive/?{query}", args.runs)))
        deep = _page_five(client, f"/messages/archive/?{query}")
        if deep:
            rows.append((f"search: {name}, page 5 (Next links)", timed(client, deep, args.runs)))
        if name == "phrase":
            rows.append(
                (
                    f"search: {name}, page 5 (typed ?page=5)",
                    timed(client, f"/messages/archive/?{query}&page=5", args.runs),
                )
            )
    print(f"{'request':<48} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, (p50, p95, top) in rows:
        print(f"{name:<48} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    year = Criteria(sender="Hana Heavy", date_from=_day(2026, 1, 1), date_to=_day(2026, 12, 31))
    profiles = ["legal_hold"] if args.skip_foia else ["legal_hold", "foia"]
    if args.skip_exports:
        profiles = []
    for profile in profiles:
        t = time.perf_counter()
        export = request_archive_export(
            district=district,
            by=records,
            profile=profile,
            criteria=year,
            student=None,
            reference="bench",
            idempotency_key=f"bench-{profile}-{time.time_ns()}",
        )
        seconds = time.perf_counter() - t
        export = ArchiveExport.objects.get(pk=export.pk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(
            f"export {profile}: {export.message_count:,} messages in {seconds:.1f} s, "
            f"{export.size / 1024 / 1024:.1f} MiB zip, status {export.status}, "
            f"peak RSS so far {peak:.0f} MiB"
        )
    connection.close()
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


def _page_five(client: Any, path: str) -> str:
    """The URL of page 5 as the Next page links make it (page=5&after=<the key of page 4's last
    message>); "" when there are fewer pages."""
    url = path
    for number in range(1, 5):
        found = re.search(rb"page=%d&amp;after=(\d+)" % (number + 1), client.get(url).content)
        if found is None:
            return ""
        url = f"{path}&page={number + 1}&after={found.group(1).decode()}"
    return url


def _day(y: int, m: int, d: int) -> Any:
    import datetime as dt

    return dt.date(y, m, d)


if __name__ == "__main__":
    main()
