"""Quiet hours and the review queue on PostgreSQL: how long the two periodic commands take.

    DATABASE_URL=postgres://... .venv/bin/python bench/quiet_hours_bench.py [--messages 1000]
        [--recipients 30] [--items 1000]

Uses the database in DATABASE_URL (migrated; a new district each run, so run it on a database
of its own). Builds --messages staff-to-class messages of --recipients held deliveries each (a
night of quiet-hours messages), and --items open review items past their deadline (at most one per message), in bulk
(not through the send path), then times one ``release_held_messages`` run (each message claimed
by its own conditional UPDATE and audited) and one ``escalate_review_queue`` run, and a second
run of each (nothing left to do). Prints the times and the machine's load. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


def build(messages: int, recipients: int, items: int) -> datetime.datetime:
    from django.utils import timezone

    from chalkline.messaging.models import (
        AudienceKind,
        Message,
        Recipient,
        ReviewItem,
        Thread,
    )
    from chalkline.messaging.services import body_digest
    from chalkline.people.models import District, Person, User

    tag = secrets.token_hex(4)
    district = District.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    teacher = User.objects.create(username=f"teacher-{tag}")
    students = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.STUDENT,
            given_name="S",
            family_name=str(n),
            sourced_id=f"s{tag}{n}",
        )
        for n in range(recipients)
    )
    now = timezone.now()
    until = now - datetime.timedelta(minutes=1)
    threads = Thread.objects.bulk_create(
        Thread(
            district=district,
            audience_kind=AudienceKind.CLASS_STUDENTS,
            audience_key="1",
            audience_label="Class: students",
            subject=f"Note {n}",
            started_by=teacher,
            last_message_at=now,
        )
        for n in range(messages)
    )
    body = "Bring your calculators tomorrow."
    sent = Message.objects.bulk_create(
        Message(
            thread=t,
            sender=teacher,
            body=body,
            sha256=body_digest(body),
            idempotency_key=f"b{n}",
            findings={"detectors": []},
        )
        for n, t in enumerate(threads)
    )
    Recipient.objects.bulk_create(
        (
            Recipient(message=m, person=s, status=Recipient.Status.HELD, held_until=until)
            for m in sent
            for s in students
        ),
        batch_size=5000,
    )
    # one override item per message (the queue's unique key), all past their deadline
    ReviewItem.objects.bulk_create(
        (
            ReviewItem(
                district=district,
                message=m,
                kind=ReviewItem.Kind.OVERRIDE,
                reason="bench",
                level=ReviewItem.Level.PRINCIPAL,
                opened_at=now - datetime.timedelta(days=5),
                escalate_at=now - datetime.timedelta(hours=1),
            )
            for m in sent[:items]
        ),
        batch_size=2000,
    )
    return now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--recipients", type=int, default=30)
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    setup()
    from chalkline.messaging.services import escalate_review_queue, release_held_messages

    now = build(args.messages, args.recipients, args.items)
    print(
        f"load before: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
    )
    runs: list[tuple[str, Callable[[], int]]] = [
        ("release-held-messages", lambda: release_held_messages(now=now)),
        ("escalate-review-queue", lambda: escalate_review_queue(now=now)),
    ]
    for name, run in runs:
        for attempt in ("first run", "second run"):
            start = time.perf_counter()
            done = run()
            took = time.perf_counter() - start
            print(f"{name} ({attempt}): {done:,} rows claimed in {took:.2f} s")
    print(
        f"load after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
    )


if __name__ == "__main__":
    main()
