"""Screening API benchmark: a real gunicorn server, 20 concurrent keep-alive clients.

1. Creates a fresh bench database (SQLite under var/ by default, or PostgreSQL with --pg),
   migrates it, loads the demo district (`chalkline demo-data`) and makes an API token through
   the service.
2. Starts `gunicorn chalkline.wsgi -w 2` on 127.0.0.1 (DEBUG off, SECRET_KEY set).
3. Runs N client threads (http.client, keep-alive, loopback only) that POST realistic messages
   (public posts, class notes, family messages; about a third name a real demo student) to
   /api/v1/screen for a bounded time and request count, and prints p50/p95/p99 latency,
   throughput, errors and the load average. Target: p99 <= 25 ms.

By default each client is paced (--rate requests/s per client, default 5, i.e. 100 req/s
offered by 20 clients); --rate 0 sends back to back and measures saturation throughput.

Usage:  .venv/bin/python bench/screening_api_bench.py [--clients 20] [--seconds 20]
        [--rate 5] [--max-requests 20000] [--students 1200] [--pg] [--port 8765]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DJANGO_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnop"
SQLITE_PATH = ROOT / "var" / "bench-screening-api.sqlite3"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "chalkline_bench_screening_api"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"

TEMPLATES = [
    ("public", "Congratulations to {name} on winning the regional spelling bee!"),
    ("public", "Picture day is Thursday. Please remind families to return the order forms."),
    ("class", "Great work today everyone. {first} explained photosynthesis to the whole class."),
    (
        "class",
        "Reminder: field trip permission slips are due Friday. Text me if you have questions.",
    ),
    ("building", "The book fair opens Monday in the library from 8:00 to 3:30."),
    ("direct", "Hi, {name} did very well on the fractions quiz this week. See you at conferences."),
    ("direct", "Could you call the office at your convenience about the bus schedule change?"),
    ("public", "Our robotics team placed second! Proud of {name} and the whole crew."),
    ("staff", "Staff meeting moved to room 114. Please bring your grade books."),
    ("public", "Happy Friday! Remember the winter concert starts at 6 pm in the gym."),
]


def env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": BENCH_DJANGO_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
    }


def prepare(url: str, students: int, pg: bool) -> None:
    if pg:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    run = [sys.executable, "-m", "chalkline"]
    subprocess.run([*run, "migrate", "-v0"], cwd=ROOT, env=env(url), check=True)
    subprocess.run(
        [*run, "demo-data", "--students", str(students), "--seed", "1"],
        cwd=ROOT,
        env=env(url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def token_and_messages(url: str, n: int) -> tuple[str, list[bytes]]:
    os.environ.update(env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from chalkline.api.services import create_api_token
    from chalkline.people.models import District, Person
    from chalkline.people.roster_index import key_of

    district = District.objects.get(slug="demo")
    _, plain = create_api_token(district=district, name="bench", by=None)
    students = list(Person.objects.in_district(district).students()[:500])
    guardians = list(Person.objects.in_district(district).filter(kind="guardian")[:200])
    staff = list(Person.objects.in_district(district).staff()[:50])
    rng = random.Random(7)
    bodies = []
    for _ in range(n):
        kind, template = rng.choice(TEMPLATES)
        s = rng.choice(students)
        text = template.format(name=f"{s.given_name} {s.family_name}", first=s.given_name)
        audience: dict[str, Any] = {"kind": kind, "recipients": []}
        if kind == "direct":
            audience["recipients"] = [key_of(rng.choice(guardians))]
        sender = {"role": "teacher", "id": key_of(rng.choice(staff))}
        bodies.append(json.dumps({"text": text, "sender": sender, "audience": audience}).encode())
    return plain, bodies


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    proc = subprocess.Popen(
        [
            gunicorn,
            "chalkline.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(url),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def client(
    port: int,
    token: str,
    bodies: list[bytes],
    stop_at: float,
    budget: list[int],
    rate: float,
    lock: threading.Lock,
    out: list[float],
    errors: list[int],
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rng = random.Random(threading.get_ident())
    next_at = time.monotonic() + rng.random() / rate if rate else 0.0
    while time.monotonic() < stop_at:
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        if rate:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at += 1 / rate
        body = rng.choice(bodies)
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/screen", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ok = False
        elapsed = time.perf_counter() - t0
        with lock:
            if ok:
                out.append(elapsed)
            else:
                errors[0] += 1


def pct(values: list[float], q: float) -> float:
    # "inclusive": never beyond the slowest request. The default ("exclusive") extrapolates when
    # there are few samples: 40 requests once gave a p99 of 1,127 ms against a maximum of 817 ms.
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=5, help="req/s per client; 0 = no pacing")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--students", type=int, default=1200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--reuse", action="store_true", help="skip creating the database")
    args = parser.parse_args()
    url = PG_URL if args.pg else f"sqlite:///{SQLITE_PATH}"
    if not args.reuse:
        prepare(url, args.students, args.pg)
    token, bodies = token_and_messages(url, 400)
    server = start_server(url, args.port)
    try:
        # Warm-up (not counted): each worker imports the engine, loads the prefilter and builds
        # its roster index on its first request, 0.6-1.3 s. The requests are sent four at a time:
        # one after another, they could all reach the same worker and leave the other cold (a
        # 0.7-0.8 s maximum in runs measured that way).
        def warm() -> None:
            for _ in range(5):
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                conn.request(
                    "POST",
                    "/api/v1/screen",
                    body=bodies[0],
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                conn.getresponse().read()

        warmers = [threading.Thread(target=warm) for _ in range(4)]
        for t in warmers:
            t.start()
        for t in warmers:
            t.join()
        load_before = os.getloadavg()
        lock = threading.Lock()
        latencies: list[float] = []
        errors = [0]
        budget = [args.max_requests]
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(
                target=client,
                args=(
                    args.port,
                    token,
                    bodies,
                    stop_at,
                    budget,
                    args.rate,
                    lock,
                    latencies,
                    errors,
                ),
            )
            for _ in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        load_after = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    db = "PostgreSQL" if args.pg else "SQLite"
    pacing = f"{args.rate:g} req/s per client" if args.rate else "no pacing (saturation)"
    print(f"screening API on {db}, gunicorn -w 2, {args.clients} clients, {pacing}")
    if len(latencies) < 10:
        raise SystemExit(f"too few successful requests ({len(latencies)}), {errors[0]} errors")
    print(
        f"requests {len(latencies):,} ok, {errors[0]} errors in {wall:.1f} s: "
        f"{len(latencies) / wall:,.0f} req/s"
    )
    print(
        f"latency ms: p50 {pct(latencies, 50):.1f}  p95 {pct(latencies, 95):.1f}  "
        f"p99 {pct(latencies, 99):.1f}  max {max(latencies) * 1000:.1f}  (target p99 <= 25)"
    )
    before = " ".join(f"{x:.2f}" for x in load_before)
    after = " ".join(f"{x:.2f}" for x in load_after)
    print(f"load average before: {before}; after: {after}; cpus: {os.cpu_count()}")


if __name__ == "__main__":
    main()
