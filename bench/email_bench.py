"""Hub e-mail benchmark (issue 18): a building-wide message to --families families who read by
e-mail, sent through the outbox to a real aiosmtpd sink on loopback. Prints figures; asserts
nothing. Target: e-mails reach the sink at >= 200/s on PostgreSQL.

1. send: `start_thread` to the building's families (one Message, --families Recipient rows,
   one audit event, and the message's e-mail task queued in the database).
2. queue: that task's work, run here (`email_sent_message`, what a task worker runs): --families
   outbox deliveries with signed Reply-To addresses.
3. deliver: `send_due` (what `chalkline send-mail` and the task worker run) until every delivery
   is sent; the sink counts what arrived (the SMTP dialogue: MAIL with the VERP envelope, RCPT,
   DATA for each e-mail over one connection per batch of 200).

Usage:
  .venv/bin/python bench/email_bench.py --db pg --families 2000
  .venv/bin/python bench/email_bench.py --db sqlite --families 2000
Databases: chalkline_email_bench on 127.0.0.1:5432 (recreated), or var/bench-email.sqlite3.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from acks_bench import prepare_database, uptime


class Sink:
    """The receiving mail server: an aiosmtpd server in a process of its own (as a real mail
    server is), counting recipients into a shared counter."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 OK"


def run_sink(port: int, counter: Any, stop: Any, cpu: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Sink(counter), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()
    cpu.value = time.process_time()


def build(families: int) -> tuple[Any, Any, Any]:
    from chalkline.people.models import Affiliation, Building, GuardianLink, Person, User
    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership

    district = create_district(
        name="Email Bench", slug="email-bench", email_domains="bench.example.org", by=None
    )
    building = Building.objects.create(district=district, name="Bench School", code="bench")
    teacher = Person.objects.create(
        district=district, kind="staff", given_name="Tess", family_name="Teacher"
    )
    Affiliation.objects.create(person=teacher, building=building, job_title="Teacher")
    user = User.objects.create_user(username="bench-teacher", password="x" * 20, person=teacher)
    grant_membership(user=user, district=district, role=Role.PRINCIPAL, building=building, by=None)
    students = Person.objects.bulk_create(
        Person(
            district=district,
            kind="student",
            given_name=f"Student{i}",
            family_name="Bench",
            sourced_id=f"s{i}",
            grade="5",
        )
        for i in range(families)
    )
    Affiliation.objects.bulk_create(Affiliation(person=s, building=building) for s in students)
    guardians = Person.objects.bulk_create(
        Person(
            district=district,
            kind="guardian",
            given_name=f"Parent{i}",
            family_name="Bench",
            sourced_id=f"g{i}",
            email=f"parent{i}@families.example.net",
        )
        for i in range(families)
    )
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
    )
    return district, building, user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile the delivery step.")
    args = parser.parse_args()
    prepare_database(
        args.db, name="chalkline_email_bench", var="bench-email", task_backend="database"
    )

    from django.conf import settings

    from chalkline.messaging import access
    from chalkline.messaging.services import start_thread
    from chalkline.messaging.services.email_delivery import email_sent_message
    from chalkline.outbox.models import Delivery
    from chalkline.outbox.services import send_due

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = multiprocessing.Value("i", 0)
    stop = multiprocessing.Event()
    sink_cpu = multiprocessing.Value("d", 0.0)
    sink = multiprocessing.Process(
        target=run_sink, args=(port, counter, stop, sink_cpu), daemon=True
    )
    sink.start()
    for _ in range(100):  # until it listens
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }
    }
    settings.MESSAGING_REPLY_DOMAIN = "replies.bench.example.org"

    print(f"load before: {uptime()}")
    t = time.perf_counter()
    district, building, user = build(args.families)
    print(f"directory: {args.families:,} families in {time.perf_counter() - t:.1f} s")

    aud = access.resolve_audience(user, district, "building_families", str(building.pk))
    t = time.perf_counter()
    message = start_thread(
        district=district,
        by=user,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Snow day tomorrow",
        body="School is closed tomorrow because of the snow. Stay safe.",
        idempotency_key="bench-1",
    )
    send_s = time.perf_counter() - t
    print(f"send (message + {message.recipients.count():,} recipients): {send_s:.2f} s")
    t = time.perf_counter()
    email_sent_message(message_id=message.pk)  # the e-mail task, as a task worker runs it
    queue_s = time.perf_counter() - t
    queued = Delivery.objects.filter(ref_type="messaging.recipient").count()
    print(f"queue (the message's e-mail task): {queued:,} e-mails in {queue_s:.2f} s")
    send_s += queue_s

    t = time.perf_counter()
    cpu0 = time.process_time()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(send_due)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        result = send_due()
    while counter.value < result.sent and time.perf_counter() - t < 60:
        time.sleep(0.001)
    deliver_s = time.perf_counter() - t
    sender_cpu = time.process_time() - cpu0
    stop.set()
    sink.join(10)
    received = counter.value
    per_mail = (sender_cpu + sink_cpu.value) / max(received, 1) * 1000
    print(
        f"CPU per e-mail: sender {sender_cpu / max(received, 1) * 1000:.2f} ms, "
        f"sink {sink_cpu.value / max(received, 1) * 1000:.2f} ms (whole sink process); "
        f"together {per_mail:.2f} ms = {1000 / per_mail:,.0f} e-mails/s per free core"
    )
    print(
        f"deliver: {result.sent:,} sent, {result.retrying} retrying, {result.failed} failed; "
        f"sink received {received:,} in {deliver_s:.2f} s = {received / deliver_s:,.0f} e-mails/s"
    )
    total = send_s + deliver_s
    print(f"send + deliver: {total:.2f} s = {received / total:,.0f} e-mails/s end to end")
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()
