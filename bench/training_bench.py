"""Training benchmark (issue 21): a district-wide in-service for 150,000 staff. Prints figures;
asserts nothing.

1. roster: build a directory (--buildings, --staff) with the demo loader, then time
   `schedule_session` for the whole district (target: the roster of 150,000 in <= 30 s).
2. check-ins: a real gunicorn server on loopback, 8 client threads POSTing QR check-ins (each
   with the token of the current 30-second window) for prepared attendees (target >= 50/s).
   Every confirmed check-in must be in the database once, with one audit event.

Usage:
  .venv/bin/python bench/training_bench.py --db pg --buildings 1800 --staff 150000
  .venv/bin/python bench/training_bench.py --db sqlite --staff 150000 --only roster
  .venv/bin/python bench/training_bench.py --db pg --reuse   # the directory of the last run
Databases: chalkline_training_bench on 127.0.0.1:5432 (recreated), or var/bench-training.sqlite3.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from acks_bench import build, prepare_database, uptime

ROOT = Path(__file__).resolve().parent.parent


def setup(db: str, reuse: bool = False) -> str:
    return prepare_database(
        db,
        name="chalkline_training_bench",
        var="bench-training",
        task_backend="immediate",
        reuse=reuse,
    )


def roster(district: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from chalkline.training import services

    training = services.create_training(district=district, by=None, title="In-service")
    t = time.perf_counter()
    session = services.schedule_session(
        training=training,
        by=None,
        format="in_person",
        starts_at=timezone.now() + timedelta(days=1),
        location="Stadium",
    )
    took = time.perf_counter() - t
    print(
        f"schedule_session (district): roster of {session.roster_count:,} in {took:.1f} s "
        f"({session.roster_count / took:,.0f}/s)  [{uptime()}]"
    )
    return session


def check_ins(session: Any, attendees: int, clients: int, seconds: float, workers: int) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from chalkline.audit.models import AuditEvent, PendingAuditEvent
    from chalkline.people.middleware import REFRESH_KEY
    from chalkline.people.models import Membership, User
    from chalkline.people.sessions import SessionStore
    from chalkline.training import qr
    from chalkline.training.models import RosterEntry

    rows = list(
        RosterEntry.objects.filter(session=session, person__user__isnull=True).order_by("-pk")[
            :attendees
        ]
    )
    jobs: list[tuple[int, str]] = []
    with transaction.atomic():
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(username=f"t{session.pk}-{e.person_id}", person_id=e.person_id, password=unusable)
            for e in rows
        )
        Membership.objects.bulk_create(
            Membership(
                user=u, district_id=session.district_id, building_id=e.building_id, role="employee"
            )
            for u, e in zip(users, rows, strict=True)
        )
        for u, e in zip(users, rows, strict=True):
            s = SessionStore()
            s[SESSION_KEY] = str(u.pk)
            s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            s[HASH_SESSION_KEY] = u.get_session_auth_hash()
            s[REFRESH_KEY] = int(time.time())
            s.create()
            jobs.append((e.pk, s.session_key or ""))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "chalkline.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ, DB_CONN_MAX_AGE="60"),
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(3)
        csrf = "a" * 32
        lock = threading.Lock()
        queue = list(jobs)
        confirmed: list[int] = []
        lat: list[float] = []
        errors: list[str] = []
        stop_at = time.perf_counter() + seconds
        path = f"/training/s/{session.pk}/check-in/"

        def worker() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < stop_at:
                with lock:
                    if not queue:
                        return
                    entry_pk, cookie = queue.pop()
                token = qr.current_token(
                    session_id=session.pk, secret=session.qr_secret, now=timezone.now()
                )
                body = urllib.parse.urlencode({"t": token}).encode()
                t = time.perf_counter()
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
                        "X-CSRFToken": csrf,
                        "Host": "127.0.0.1",
                        "Referer": f"http://127.0.0.1:{port}/",
                    },
                )
                response = conn.getresponse()
                response.read()
                lat.append(time.perf_counter() - t)
                if response.status == 302 and "/training/" in (
                    response.getheader("Location") or ""
                ):
                    confirmed.append(entry_pk)
                else:
                    errors.append(f"{response.status} {response.getheader('Location')}")

        before = uptime()
        t0 = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(clients)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
        took = time.perf_counter() - t0
        done = RosterEntry.objects.filter(pk__in=confirmed, completed_at__isnull=False).count()
        events = (
            AuditEvent.objects.filter(
                action="training.checked_in", target_id=str(session.pk)
            ).count()
            + PendingAuditEvent.objects.filter(
                action="training.checked_in", target_id=str(session.pk)
            ).count()
        )
        ordered = sorted(lat)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000 if ordered else 0.0
        print(
            f"check-ins over HTTP ({clients} clients, gunicorn {workers} sync workers): "
            f"{len(confirmed):,} in {took:.1f} s = {len(confirmed) / took:,.1f}/s; "
            f"p50 {statistics.median(ordered) * 1000 if ordered else 0:.0f} ms, p95 {p95:.0f} ms; "
            f"in the database {done:,}, audit events {events:,}; errors {len(errors)}"
        )
        if errors:
            print(f"  errors: {len(errors)}, first: {errors[0]}, last: {errors[-1]}")
        print(f"  load before: {before}")
        print(f"  load after:  {uptime()}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--buildings", type=int, default=1800)
    parser.add_argument("--staff", type=int, default=150_000)
    parser.add_argument("--only", choices=["roster", "checkins"])
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the database and directory of the last run."
    )
    args = parser.parse_args()
    print(f"database: {setup(args.db, args.reuse).split('@')[-1]}")
    if args.reuse:
        from chalkline.people.models import District

        district = District.objects.get(slug="bench")
    else:
        district = build(args.buildings, args.staff)
    session = roster(district)
    if args.only != "roster":
        check_ins(session, args.attendees, args.clients, args.seconds, args.workers)


if __name__ == "__main__":
    main()
