"""`make soak`: the production stack together, under load and faults (issue 20, point 5).

Starts on 127.0.0.1 its own PostgreSQL (initdb into var/soak/pg, a free port; as the `postgres`
OS user when run as root), gunicorn with 4 workers (chalkline.wsgi, DEBUG off, a generated
SECRET_KEY), two `chalkline db_worker` processes (TASK_BACKEND=database; restarted 1 s after they
exit, as systemd's Restart=always would) and an aiosmtpd sink that counts what it receives. It
builds a district (acks_bench's `prepare_database` and `build`: the policy imported and published,
a launched campaign), then runs Locust (bench/soak_locustfile.py) and, during the run:

- SIGKILLs one gunicorn worker (the master starts a new one),
- SIGKILLs one task worker from 30% of the run on, the one running a task as soon as one does,
- restarts PostgreSQL once (fast stop, --pg-down seconds, start).

Then it reports p50/p95/p99 per request kind, errors inside and outside the fault windows, the
recovery after PostgreSQL came back, signatures confirmed to clients against records in the
database, whether every queued task finished, mail sent against received, `chalkline audit verify`,
Locust's own CPU and PostgreSQL's and the web's CPU; with --phase-requests, PostgreSQL's and the
web's CPU per request kind in single-kind phases. Exit status 1 when a check fails (latency targets
only with --enforce-latency).

    .venv/bin/python bench/soak.py                       # make soak: 5 min, 50 users, 60,000 students
    .venv/bin/python bench/soak.py --smoke               # make soak-smoke (in make test), ~1 min
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_report as report
from acks_bench import ROOT, build, host_speed, launch, prepare_database, uptime

VAR = ROOT / "var" / "soak"
BIN = ROOT / ".venv" / "bin"
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- processes ---------------------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state (3rd) on


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants, the reaped ones included (cutime)."""
    try:
        f = _stat(pid)
    except OSError:
        return 0.0
    own = sum(int(x) for x in f[11:15]) / TICK  # utime, stime, cutime, cstime
    return own + sum(tree_cpu(child) for child in children(pid))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Postgres:
    """A PostgreSQL instance of our own in var/soak/pg (never the shared one on 5432)."""

    def __init__(self, root: Path, port: int) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not bins and not shutil.which("initdb"):
            raise SystemExit(
                "soak: PostgreSQL's server is not installed (apt-get install postgresql)"
            )
        self.bin = Path(bins[-1]) if bins else Path(shutil.which("initdb") or "").parent
        self.data = root / "pg"
        self.log = root / "pg.log"
        self.port = port
        self.as_root = os.geteuid() == 0

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        full = [str(self.bin / cmd[0]), *cmd[1:]]
        if self.as_root:
            full = ["runuser", "-u", "postgres", "--", *full]
        return subprocess.run(full, capture_output=True, text=True, check=check)

    def init(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)
        self.data.chmod(0o700)
        self.log.write_text("")
        if self.as_root:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.data}'\nmax_connections = 100\n"
            )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"


class TaskWorkers:
    """`chalkline db_worker` processes, each started again 1 s after it exits (Restart=always)."""

    def __init__(self, count: int, env: dict[str, str]) -> None:
        self.env = env
        self.log = (VAR / "db_worker.log").open("wb")
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.ids: dict[int, str] = {}
        self.started = 0
        self.restarts = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        for slot in range(count):
            self.spawn(slot)
        self.thread = threading.Thread(target=self.supervise, daemon=True)
        self.thread.start()

    def spawn(self, slot: int) -> None:
        self.started += 1
        worker_id = f"soak-{slot}-{self.started}"
        self.ids[slot] = worker_id
        self.procs[slot] = subprocess.Popen(
            [str(BIN / "python"), "-m", "chalkline", "db_worker", "--interval", "0.5",
             "--no-reload", "--no-startup-delay", "--worker-id", worker_id],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def supervise(self) -> None:
        while not self.stopping.wait(0.2):
            with self.lock:
                for slot, proc in list(self.procs.items()):
                    if proc.poll() is not None and not self.stopping.is_set():
                        time.sleep(1)  # RestartSec=1
                        self.restarts += 1
                        self.spawn(slot)

    def kill(self, worker_id: str | None) -> str:
        with self.lock:
            slot = next((s for s, w in self.ids.items() if w == worker_id), 0)
            self.procs[slot].send_signal(signal.SIGKILL)
            return self.ids[slot]

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Sink:
    """An aiosmtpd server on 127.0.0.1 that counts the messages it receives, by recipient."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: Counter[str] = Counter()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                for rcpt in envelope.rcpt_tos:
                    sink.received[rcpt.lower()] += 1
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def stop(self) -> None:
        self.controller.stop()
        asyncio.set_event_loop(None)


# --- an HTTP client for the warm-up, the probe and the single-kind phases -----------------------


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect)
        self.last_location = ""
        self.last_body = b""

    def request(self, path: str, data: dict[str, str] | None = None, timeout: float = 30) -> int:
        body = None
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "") or ""
            body = urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        req = Request(self.base + path, data=body, headers={"Referer": self.base + "/"})  # noqa: S310 - loopback
        try:
            with self.opener.open(req, timeout=timeout) as r:
                self.last_body = r.read()
                return int(r.status)
        except HTTPError as exc:
            exc.read()
            self.last_location = exc.headers.get("Location", "") if exc.headers else ""
            return int(exc.code)
        except (URLError, OSError):
            return 0

    def sign_in(self, username: str, password: str) -> bool:
        self.jar.clear()
        self.request("/accounts/login/")
        return self.request("/accounts/login/", {"username": username, "password": password}) == 302


# --- the district --------------------------------------------------------------------------------


def prepare(args: argparse.Namespace, password: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from chalkline.acks.models import Assignment
    from chalkline.people.models import Membership, Person, User

    district = build(args.buildings, args.staff, args.students, password=password)
    campaign = launch(district)
    principal = Membership.objects.get(
        district=district, role="principal", user__username="principal@bench"
    )
    rows = list(
        Assignment.objects.filter(campaign=campaign, status="not_opened", person__user__isnull=True)
        .select_related("person")
        .order_by("pk")[: args.employees]
    )
    hashed = make_password(password)  # one hash for all: the bench's accounts, not a real district
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"soak{a.person_id}", person_id=a.person_id, password=hashed)
            for a in rows
        )
        Membership.objects.bulk_create(
            Membership(user=u, district=district, building_id=a.building_id, role="employee")
            for u, a in zip(users, rows, strict=True)
        )
    students = [
        f"{g} {f}"
        for g, f in Person.objects.filter(district=district, kind="student").values_list(
            "given_name", "family_name"
        )[:50]
    ]
    # Statistics for the tables just filled, as a directory import leaves them: without, the
    # composer's probe of a principal's students was planned as a scan of every student (seconds
    # a GET until autovacuum came by).
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "password": password,
        "principal": "principal@bench",
        "dashboard": f"/acknowledgments/campaigns/{campaign.pk}/b/{principal.building_id}/",
        "staff_audience": f"building_staff:{principal.building_id}",
        "campaign": campaign.pk,
        "students": students or ["Ava Adler"],
        "max_actions": args.max_actions,
        "employees": [
            {
                "username": f"soak{a.person_id}",
                "assignment": a.pk,
                "name": f"{a.person.given_name} {a.person.family_name}",
            }
            for a in rows
        ],
    }


# --- the run -------------------------------------------------------------------------------------


def wait_http(base: str, seconds: float) -> None:
    deadline = time.time() + seconds
    client = Client(base)
    while time.time() < deadline:
        if client.request("/healthz", timeout=2) == 200:
            return
        time.sleep(0.2)
    raise SystemExit("soak: gunicorn did not answer /healthz")


def warm_up(base: str, plan: dict[str, Any]) -> None:
    """One draft check per gunicorn worker (several at once, one signed-in session), so no
    measured request builds the screening roster index (docs/operations.md: after a restart, send
    one to each worker)."""
    first = Client(base)
    if not first.sign_in(plan["principal"], plan["password"]):
        raise SystemExit("soak: the principal could not sign in for the warm-up")
    clients = [first] + [Client(base) for _ in range(11)]
    for c in clients[1:]:
        c.jar, c.opener = first.jar, first.opener  # the same session (one password hash)

    def one(c: Client) -> None:
        c.request("/check/", {"text": "Warm-up.", "audience": "public", "author": "me"})

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class Probe:
    """A signed-in principal asks for a database-backed page every 0.25 s (the recovery clock).
    Each result is kept with the time its request started; it waits up to 30 s for an answer, as
    the load's clients do, so a slow answer on a busy machine is not taken for an outage."""

    def __init__(self, base: str, plan: dict[str, Any]) -> None:
        self.client = Client(base)
        self.client.sign_in(plan["principal"], plan["password"])
        self.results: list[tuple[float, bool]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            t = time.time()
            self.results.append(
                (t, self.client.request("/acknowledgments/campaigns/", timeout=30) == 200)
            )


class Signer:
    """``--signer`` (on in the smoke): one more client that signs without think time, through the
    faults, so a short run still has signatures and certificate tasks to count. Its confirmed
    signatures are counted with the load's; its requests are not in the latency table."""

    def __init__(self, base: str, plan: dict[str, Any], employees: list[dict[str, Any]]) -> None:
        self.base, self.plan, self.queue = base, plan, list(employees)
        self.confirmed: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while self.queue and not self.stop.is_set():
            e = self.queue.pop()
            c, pk = Client(self.base), e["assignment"]
            if not c.sign_in(e["username"], self.plan["password"]):
                continue
            c.request(f"/acknowledgments/a/{pk}/open/", {})
            c.request(f"/acknowledgments/a/{pk}/done-reading/", {})
            c.request("/acknowledgments/consent/", {"agree": "on"})
            url = f"/acknowledgments/a/{pk}/sign/"
            # A refused sign also goes back to the assignment (its open step failed in a fault
            # window: "Open and read the policy text before you sign."), so the redirect alone
            # confirms nothing: the page it leads to must say "Signed" (the once-shown message).
            # The fresh-clone run at 05:40 counted such a refusal as a confirmed, lost signature.
            if (
                c.request(url, {"typed_name": e["name"], "comment": ""}) == 302
                and c.last_location.endswith(f"/a/{pk}/")
                and c.request(f"/acknowledgments/a/{pk}/") == 200
                and b"Signed. Your verification code is" in c.last_body
            ):
                self.confirmed.append(pk)


def running_task_workers() -> list[str]:
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    try:
        return [
            ids[-1]
            for ids in DBTaskResult.objects.running().values_list("worker_ids", flat=True)
            if ids
        ]
    finally:
        connections.close_all()


def faults(
    args: argparse.Namespace,
    pg: Postgres,
    gunicorn: subprocess.Popen[bytes],
    workers: TaskWorkers,
    t0: float,
    log: dict[str, Any],
) -> None:
    def at(fraction: float) -> None:
        time.sleep(max(0.0, t0 + args.duration * fraction - time.time()))

    at(0.2)
    victim = children(gunicorn.pid)[0]
    log["gunicorn_kill"] = time.time()
    os.kill(victim, signal.SIGKILL)
    print(f"  {log['gunicorn_kill'] - t0:5.1f} s  SIGKILL gunicorn worker {victim}")

    at(0.3)
    # the task worker that runs a task, if one does before the PostgreSQL restart is due
    deadline, busy = min(time.time() + 60, t0 + args.duration * 0.48), None
    while time.time() < deadline and busy is None:
        running = [w for w in running_task_workers() if w in workers.ids.values()]
        busy = running[0] if running else None
        if busy is None:
            time.sleep(0.05)
    log["task_kill"] = time.time()
    killed = workers.kill(busy)
    log["task_killed_busy"] = busy is not None
    print(f"  {log['task_kill'] - t0:5.1f} s  SIGKILL task worker {killed} "
          f"({'while running a task' if busy else 'idle: no task ran before the restart was due'})")  # fmt: skip

    at(0.5)
    log["pg_cpu_before_stop"] = tree_cpu(pg.pid())
    log["pg_stop"] = time.time()
    pg.stop()
    print(f"  {time.time() - t0:5.1f} s  PostgreSQL stopped")
    time.sleep(args.pg_down)
    pg.start()
    log["pg_back"] = time.time()
    log["pg_cpu_after_start"] = tree_cpu(pg.pid())
    print(
        f"  {log['pg_back'] - t0:5.1f} s  PostgreSQL started again (down {log['pg_back'] - log['pg_stop']:.1f} s)"
    )


def drain_tasks(seconds: float) -> tuple[int, int, Counter[str]]:
    """Wait until no task is queued or running; (unfinished, failed, failure classes)."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    deadline = time.time() + seconds
    while True:
        connections.close_all()
        try:
            unfinished = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        except Exception:  # PostgreSQL may still be starting its connections
            unfinished = -1
        if unfinished == 0 or time.time() > deadline:
            break
        time.sleep(1)
    failed = Counter(
        DBTaskResult.objects.filter(status="FAILED").values_list("exception_class_path", flat=True)
    )
    return max(unfinished, 0), sum(failed.values()), failed


def count(plan: dict[str, Any], confirmed: set[int]) -> report.SignatureCount:
    from django.db.models import Count

    from chalkline.acks.models import Signature
    from chalkline.audit.models import AuditEvent, PendingAuditEvent

    touched = [e["assignment"] for e in plan["employees"] + plan["signer"]]
    records = dict(
        Signature.objects.filter(assignment_id__in=touched)
        .values("assignment_id")
        .annotate(n=Count("id"))
        .values_list("assignment_id", "n")
    )
    of_record = dict(
        Signature.objects.filter(assignment_id__in=touched).values_list("pk", "assignment_id")
    )
    events: Counter[int] = Counter()
    ids = [str(pk) for pk in of_record]
    for model in (AuditEvent, PendingAuditEvent):
        for target in model.objects.filter(action="acks.signed", target_id__in=ids).values_list(
            "target_id", flat=True
        ):
            events[of_record[int(target)]] += 1
    return report.count_signatures(confirmed, records, dict(events))


def count_concerns(confirmed: set[str]) -> report.CaseCount:
    from chalkline.cases.models import Case

    stored = list(
        Case.objects.filter(description__startswith=report.CASE_MARKER).values_list(
            "description", flat=True
        )
    )
    return report.count_cases(confirmed, stored)


def count_messages(confirmed: set[str]) -> report.CaseCount:
    """Messages the principals' clients saw sent, against threads stored with their marker (the
    same counting as concerns: each confirmed exactly once, none twice)."""
    from chalkline.messaging.models import Message

    stored = list(
        Message.objects.filter(thread__subject__startswith=report.MESSAGE_MARKER).values_list(
            "thread__subject", flat=True
        )
    )
    return report.count_cases(confirmed, stored, prefix=report.MESSAGE_MARKER)


def mail_counts() -> tuple[int, int, int]:
    from chalkline.outbox.models import Delivery

    by = Counter(Delivery.objects.values_list("status", flat=True))
    return by["sent"], by["sending"], sum(by.values())


def phases(
    args: argparse.Namespace,
    base: str,
    plan: dict[str, Any],
    pg: Postgres,
    web: int,
    workers: TaskWorkers,
) -> list[dict[str, Any]]:
    """PostgreSQL's and the web's CPU per request of each kind, one kind at a time."""
    spare = plan["spare"]
    principal = Client(base)
    principal.sign_in(plan["principal"], plan["password"])
    employee = Client(base)
    employee.sign_in(spare[0]["username"], plan["password"])
    text = {
        "text": f"Please call me about {plan['students'][0]}'s grades.",
        "audience": "public",
        "author": "me",
    }
    queue = list(spare[1:])

    def sign_one() -> None:
        e = queue.pop()
        c = Client(base)
        c.sign_in(e["username"], plan["password"])
        pk = e["assignment"]
        c.request(f"/acknowledgments/a/{pk}/open/", {})
        c.request(f"/acknowledgments/a/{pk}/done-reading/", {})
        c.request("/acknowledgments/consent/", {"agree": "on"})
        c.request(f"/acknowledgments/a/{pk}/sign/", {"typed_name": e["name"], "comment": ""})

    kinds: list[tuple[str, Any]] = [
        ("dashboard (GET)", lambda: principal.request(plan["dashboard"])),
        ("my acknowledgments (GET)", lambda: employee.request("/acknowledgments/")),
        (
            "assignment page (GET)",
            lambda: employee.request(f"/acknowledgments/a/{spare[0]['assignment']}/"),
        ),
        ("check page (GET)", lambda: employee.request("/check/")),
        ("check a draft (POST)", lambda: employee.request("/check/", text)),
        ("sign in (GET + POST)", lambda: Client(base).sign_in(plan["principal"], plan["password"])),
        ("signing journey (sign in, open, done, consent, sign)", sign_one),
    ]
    out = []
    for name, action in kinds:
        n = args.phase_requests
        if name.startswith(("sign in", "signing")):  # a password hash each: fewer suffice
            n = min(n // 2, len(queue))
        if n == 0:
            continue
        pg0, web0, t = tree_cpu(pg.pid()), tree_cpu(web), time.time()
        tasks0 = sum(tree_cpu(p.pid) for p in workers.procs.values())
        for _ in range(n):
            action()
        if name.startswith("signing"):
            drain_tasks(60)  # the certificates are part of a signature's cost
        pg1, web1 = tree_cpu(pg.pid()), tree_cpu(web)
        tasks1 = sum(tree_cpu(p.pid) for p in workers.procs.values())
        row = {
            "kind": name,
            "requests": n,
            "pg_ms": (pg1 - pg0) / n * 1000,
            "web_ms": (web1 - web0) / n * 1000,
            "tasks_ms": (tasks1 - tasks0) / n * 1000,
            "wall_ms": (time.time() - t) / n * 1000,
        }
        out.append(row)
        print(f"  {name}: PostgreSQL {row['pg_ms']:.1f} ms CPU, web {row['web_ms']:.1f} ms CPU, "
              f"task workers {row['tasks_ms']:.1f} ms CPU, "
              f"wall {row['wall_ms']:.0f} ms per request ({n} sequential)")  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="the short version make test runs")
    parser.add_argument("--duration", type=float, help="seconds of load (300; smoke 25)")
    parser.add_argument("--users", type=int, help="simulated users (50; smoke 10)")
    parser.add_argument("--buildings", type=int, help="(50; smoke 4)")
    parser.add_argument("--staff", type=int, help="(6000; smoke 200)")
    parser.add_argument("--students", type=int, help="(60000; smoke 800)")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--max-actions", type=int, default=1000, help="actions per simulated user")
    parser.add_argument(
        "--phase-requests", type=int, help="requests per single-kind CPU phase (100; smoke 0)"
    )
    parser.add_argument(
        "--enforce-latency", action="store_true", help="fail when a p95 target is missed"
    )
    parser.add_argument(
        "--signer",
        action=argparse.BooleanOptionalAction,
        help="one more client signing without think time (default: on in the smoke)",
    )
    args = parser.parse_args()
    smoke = args.smoke
    defaults = {"duration": (300, 25), "users": (50, 10), "buildings": (50, 4), "staff": (6000, 200),
                "students": (60000, 800), "phase_requests": (100, 0)}  # fmt: skip
    for key, (full, small) in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, small if smoke else full)
    if args.signer is None:
        args.signer = smoke
    # Each simulated user signs about one employee every 20 s: enough employees for the run.
    args.employees = min(
        args.staff - 20,
        int(args.users * args.duration / 12) + 40 + args.phase_requests + 100 * args.signer,
    )

    shutil.rmtree(VAR / "app", ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    print(f"soak: {'smoke, ' if smoke else ''}{args.duration:.0f} s, {args.users} users, "
          f"{args.buildings} buildings, {args.staff:,} staff, {args.students:,} students")  # fmt: skip
    print(f"  before: {uptime()}; {host_speed()}")
    pg = Postgres(VAR, free_port())
    pg.init()
    pg.start()
    procs: list[subprocess.Popen[bytes]] = []
    workers: TaskWorkers | None = None
    sink: Sink | None = None
    try:
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
        url = prepare_database(
            "pg", name="chalkline_soak", var="soak/app", task_backend="database", server=pg.server
        )
        password = secrets.token_urlsafe(12)
        plan = prepare(args, password)
        spare = plan["employees"][: args.phase_requests + 1] if args.phase_requests else []
        plan["employees"] = plan["employees"][len(spare) :]
        plan["spare"] = spare
        for_signer = plan["employees"][:100] if args.signer else []
        plan["employees"] = plan["employees"][len(for_signer) :]
        plan["signer"] = for_signer
        (VAR / "plan.json").write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()

        sink = Sink()
        web_port = free_port()
        base = f"http://127.0.0.1:{web_port}"
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=base,
            SECURE_COOKIES="0",  # plain HTTP on loopback; production runs behind TLS
            TASK_BACKEND="database",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            LOG_LEVEL="WARNING",
            TASK_WORKER_HEARTBEAT_SECONDS="2",
            TASK_WORKER_TIMEOUT_SECONDS="10",
        )
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "chalkline.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "4",
             "--timeout", "60", "--log-level", "warning", "--error-logfile", str(VAR / "gunicorn.log")],
            cwd=ROOT, env=env, stdout=(VAR / "gunicorn.out").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        procs.append(gunicorn)
        workers = TaskWorkers(2, env)
        wait_http(base, 60)
        time.sleep(1)  # every worker has loaded the application
        rss_cold = [rss_mb(p) for p in children(gunicorn.pid)]
        warm_up(base, plan)
        print("  stack up: PostgreSQL, gunicorn 4 workers, 2 db_workers, SMTP sink; warmed")
        probe = Probe(base, plan)
        signer = Signer(base, plan, for_signer) if for_signer else None
        out = VAR / "requests.json"
        out.unlink(missing_ok=True)
        locust_env = dict(os.environ, SOAK_PLAN=str(VAR / "plan.json"), SOAK_OUT=str(out))
        fault_log: dict[str, Any] = {}
        load_before = uptime()
        pg_cpu0, web_cpu0 = tree_cpu(pg.pid()), tree_cpu(gunicorn.pid)
        t0 = time.time()
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "soak_locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 10)), "-t", f"{int(args.duration)}s",
             "--host", base, "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING",
             "--exit-code-on-error", "0"],
            cwd=ROOT, env=locust_env, stdout=(VAR / "locust.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        fault_thread = threading.Thread(
            target=faults, args=(args, pg, gunicorn, workers, t0, fault_log), daemon=True
        )
        fault_thread.start()
        _, status, usage = os.wait4(locust.pid, 0)
        locust.returncode = os.waitstatus_to_exitcode(status)
        took = time.time() - t0
        fault_thread.join(timeout=120)
        if "pg_back" not in fault_log:
            print("soak: FAIL the faults did not all run (the load ended first?); see above")
            return 1
        # the restart started a new postmaster: its CPU since then, and the old one's until then
        pg_cpu = (fault_log["pg_cpu_before_stop"] - pg_cpu0) + (
            tree_cpu(pg.pid()) - fault_log["pg_cpu_after_start"]
        )
        web_cpu = tree_cpu(gunicorn.pid) - web_cpu0
        locust_cpu = usage.ru_utime + usage.ru_stime
        load_after = uptime()
        probe.stop.set()
        if signer is not None:
            signer.stop.set()
            signer.thread.join()
        probe.thread.join()
        if not out.exists():
            print(
                f"soak: Locust wrote no results (exit {locust.returncode}); see {VAR / 'locust.log'}"
            )
            return 1
        result = json.loads(out.read_text())
        requests = report.as_requests(result["requests"])
        confirmed = set(result["confirmed"]) | set(signer.confirmed if signer else [])

        back = fault_log["pg_back"]
        windows = [
            report.Window(
                "PostgreSQL restart", fault_log["pg_stop"], back + report.RECOVERY_TARGET_S
            ),
            report.Window(
                "gunicorn worker SIGKILL",
                fault_log["gunicorn_kill"],
                fault_log["gunicorn_kill"] + report.WORKER_KILL_GRACE_S,
            ),
        ]
        errors = report.split_errors(requests, windows)
        recovery = report.recovery_seconds(probe.results, back)
        late = [r.start - back for r in requests if not r.ok and r.start >= back]
        unfinished, failed, failures = drain_tasks(60 + 3 * 10)
        deadline = time.time() + 30
        while time.time() < deadline and mail_counts()[0] > sink.total:
            time.sleep(0.5)
        sent, sending, deliveries = mail_counts()
        # A delivery a killed worker left "sending" is sent again after 15 minutes: at least once.
        mail_ok_received = sent if sent <= sink.total <= sent + sending else sink.total
        signatures = count(plan, confirmed)
        concerns = count_concerns(set(result.get("cases", [])))
        sent_messages = count_messages(set(result.get("messages", [])))
        audit = subprocess.run(
            [str(BIN / "python"), "-m", "chalkline", "audit", "verify"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        latency = report.latency_by_kind(requests)
        verdicts = report.checks(
            errors=errors,
            recovery=recovery,
            signatures=signatures,
            unfinished_tasks=unfinished,
            failed_tasks=failed,
            mail_sent=sent,
            mail_received=mail_ok_received,
            audit_ok=audit.returncode == 0,
            latency=latency,
            enforce_latency=args.enforce_latency,
            cases=concerns,
            messages=sent_messages,
        )
        rss = [rss_mb(p) for p in children(gunicorn.pid)]
        print(f"\nLoad: {len(requests):,} requests in {took:.0f} s ({len(requests) / took:.1f}/s), "
              f"{args.users} users; Locust used {locust_cpu:.1f} s CPU "
              f"({locust_cpu / took * 100:.0f}% of one core)")  # fmt: skip
        print(f"CPU during the load: PostgreSQL {pg_cpu:.1f} s, gunicorn {web_cpu:.1f} s "
              f"(web/PostgreSQL {web_cpu / max(pg_cpu, 0.001):.1f}); gunicorn worker RSS "
              + ", ".join(f"{r:.0f}" for r in rss) + " MB (before the warm-up: "
              + ", ".join(f"{r:.0f}" for r in rss_cold) + " MB)")  # fmt: skip
        print(
            f"{'kind':<22}{'method':<7}{'count':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}  target"
        )
        for s in latency:
            print(f"{s.kind:<22}{s.method:<7}{s.count:>7}{s.errors:>7}{s.p50:>7.0f}{s.p95:>7.0f}"
                  f"{s.p99:>7.0f}  {'ok' if s.meets_target else 'MISSED'} (p95 <= {s.target_ms:.0f} ms)")  # fmt: skip
        for name, rows in errors.items():
            kinds = Counter(f"{r.kind} {r.status or 'no answer'}" for r in rows)
            print(f"errors, {name}: {len(rows)}" + (f" ({dict(kinds)})" if rows else ""))
        print(f"PostgreSQL down {back - fault_log['pg_stop']:.1f} s; recovery: first good probe "
              + ("never" if recovery is None else f"{recovery:.1f} s")
              + " after it came back; last load error "
              + (f"{max(late):.1f} s after" if late else "before it came back"))  # fmt: skip
        print(f"Signatures: {signatures.confirmed} confirmed to clients, {signatures.recorded} "
              f"recorded, lost {len(signatures.lost)}, duplicated {len(signatures.duplicated)}")  # fmt: skip
        print(f"Concerns (cases): {concerns.confirmed} confirmed to clients, {concerns.recorded} "
              f"stored, lost {len(concerns.lost)}, duplicated {len(concerns.duplicated)}")  # fmt: skip
        print(f"Messages: {sent_messages.confirmed} confirmed to clients, {sent_messages.recorded} "
              f"stored, lost {len(sent_messages.lost)}, duplicated {len(sent_messages.duplicated)}")  # fmt: skip
        print(f"Tasks: {unfinished} unfinished, {failed} failed {dict(failures) if failures else ''}; "
              f"task worker restarts {workers.restarts}; SIGKILLed one "
              f"{'while it ran a task' if fault_log.get('task_killed_busy') else 'while idle'}")  # fmt: skip
        print(
            f"Mail: {deliveries} deliveries, {sent} sent, {sending} left sending; sink received {sink.total}"
        )
        print(f"audit verify: {(audit.stdout + audit.stderr).strip()[:300]}")
        print(f"  load before: {load_before}\n  load after:  {load_after}")
        print(f"  host after the load: {host_speed()}")
        cpu_phases = (
            phases(args, base, plan, pg, gunicorn.pid, workers) if args.phase_requests else []
        )
        (VAR / "report.json").write_text(
            json.dumps(
                {
                    "args": vars(args),
                    "latency": [s.__dict__ for s in latency],
                    "errors": {k: len(v) for k, v in errors.items()},
                    "recovery_s": recovery,
                    "signatures": signatures.__dict__,
                    "concerns": concerns.__dict__,
                    "messages": sent_messages.__dict__,
                    "locust_cpu_s": locust_cpu,
                    "pg_cpu_s": pg_cpu,
                    "web_cpu_s": web_cpu,
                    "phases": cpu_phases,
                    "load": [load_before, load_after],
                    "faults_s": {
                        k: v - t0
                        for k, v in fault_log.items()
                        if k in ("gunicorn_kill", "task_kill", "pg_stop", "pg_back")
                    },
                },
                default=str,
            )
        )
        print()
        for v in verdicts:
            print(f"{'PASS' if v.ok else 'FAIL'}  {v.name}: {v.detail}")
        return 0 if all(v.ok for v in verdicts) else 1
    finally:
        if workers is not None:
            workers.stop()
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if sink is not None:
            sink.stop()
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
