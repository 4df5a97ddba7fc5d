"""Inviting a 2,000-family building in one request (issue 18, m18a).

    DATABASE_URL=sqlite:////tmp/inv.sqlite3 .venv/bin/python bench/family_invitations_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chalkline_inv_bench \\
        .venv/bin/python bench/family_invitations_bench.py [--families 2000] [--runs 3]

Uses the database in DATABASE_URL (migrated; a new district each run, so give it a database of
its own). Builds a building with --families students, each with one guardian holding a roster
e-mail address, and a principal; then, --runs times (a new building each time), POSTs
"Invite everyone not yet invited" on the building's invitations page through Django's test
client as the principal and times the request: the access check, the roster read, one
invitation row and one outbox delivery per guardian, the audit event. Tasks go to the database
queue (TASK_BACKEND=database, as in production), so the time is the request's own, not SMTP's.
Prints each run's seconds (wall and this process's CPU) and the machine's load (target: <= 2 s on SQLite). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database of the bench's own (sqlite:///... or postgres).")
    os.environ.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        TASK_BACKEND="database",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def build(families: int, run: int) -> tuple[Any, Any, Any]:
    from chalkline.people.models import (
        Affiliation,
        Building,
        District,
        GuardianLink,
        Person,
        User,
    )
    from chalkline.people.roles import Role
    from chalkline.people.services import grant_membership

    tag = secrets.token_hex(4)
    district = District.objects.first() or District.objects.create(name="Bench", slug="bench")
    building = Building.objects.create(
        district=district, name=f"Bench School {tag}", code=f"bs-{tag}", level="middle"
    )
    students = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.STUDENT,
            given_name="S",
            family_name=f"Student{i}",
            grade="4",
            sourced_id=f"s-{tag}-{i}",
        )
        for i in range(families)
    )
    if students[0].pk is None:
        students = list(Person.objects.filter(sourced_id__startswith=f"s-{tag}-"))
    Affiliation.objects.bulk_create(Affiliation(person=s, building=building) for s in students)
    guardians = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.GUARDIAN,
            given_name="G",
            family_name=f"Guardian{i}",
            email=f"g{i}.{tag}@families.example.net",
            sourced_id=f"g-{tag}-{i}",
        )
        for i in range(families)
    )
    if guardians[0].pk is None:
        guardians = list(Person.objects.filter(sourced_id__startswith=f"g-{tag}-"))
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
    )
    principal = User.objects.create_user(username=f"principal-{tag}", password=None)
    grant_membership(
        user=principal, district=district, role=Role.PRINCIPAL, building=building, by=None
    )
    print(f"run {run}: built {families:,} students and guardians in {building.name}")
    return district, building, principal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.test import Client
    from django.urls import reverse

    from chalkline.messaging.models import Invitation
    from chalkline.outbox.models import Delivery

    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    for run in range(1, args.runs + 1):
        _, building, principal = build(args.families, run)
        client = Client()
        client.force_login(principal)
        url = reverse("messaging:invitations_building", args=[building.pk])
        t, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, {"batch_key": secrets.token_hex(8)})
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        invited = Invitation.objects.filter(
            person__student_links__student__affiliations__building=building
        ).count()
        queued = Delivery.objects.filter(
            ref_type="messaging.invitation", to__contains=building.code.split("-")[1]
        ).count()
        print(
            f"{engine}: invite {args.families:,} families in one request: {took:.2f} s "
            f"(this process's CPU: {cpu:.2f} s) "
            f"(HTTP {response.status_code}, {invited:,} invitations, {queued:,} mails queued)  "
            f"[{uptime()}]"
        )


if __name__ == "__main__":
    main()
