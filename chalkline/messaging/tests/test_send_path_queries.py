"""The send path's database work stays flat: a fixed number of queries per send whatever the
audience's size, the recipients written in batches, one audit event per message with the
body's SHA-256 (issue 18, Performance; timings are in bench/messaging_bench.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import Message, Recipient
from chalkline.messaging.services import body_digest
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Affiliation, GuardianLink, Person
from chalkline.people.roles import Role
from conftest import World, make_user

BODY = "The book fair opens on Monday in the library."


def _families(world: World, n: int) -> list[Person]:
    d = world.district
    students = Person.objects.bulk_create(
        Person(district=d, kind=Person.Kind.STUDENT, given_name="Kid", family_name=f"Many{i}",
               sourced_id=f"many-s{i}")
        for i in range(n)
    )  # fmt: skip
    guardians = Person.objects.bulk_create(
        Person(district=d, kind=Person.Kind.GUARDIAN, given_name="Parent", family_name=f"Many{i}",
               sourced_id=f"many-g{i}")
        for i in range(n)
    )  # fmt: skip
    Affiliation.objects.bulk_create(Affiliation(person=s, building=world.north) for s in students)
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
    )
    return guardians


def _send(client: Client, audience: str, key: str) -> tuple[Any, int]:
    data = {"audience": audience, "subject": "Book fair", "body": BODY, "idempotency_key": key}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("messaging:compose"), data)
    return response, len(queries.captured_queries)


def test_a_building_wide_send_costs_the_same_queries_for_10_or_2500_families(
    client: Client, school: School
) -> None:
    world = school.world
    client.force_login(world.users["principal_north"])
    audience = f"building_families:{world.north.pk}"
    _send(client, audience, "warm")  # the roster index and the settings, built once
    small, small_queries = _send(client, audience, "small")
    assert small.status_code == 302
    before = Recipient.objects.filter(message__idempotency_key="small").count()
    _families(world, 2500)
    # the guardians who have accounts are told apart in the same query
    make_user(world.district, Role.GUARDIAN, person=Person.objects.get(family_name="Many7",
              kind=Person.Kind.GUARDIAN), username="many7")  # fmt: skip
    big, big_queries = _send(client, audience, "big")
    assert big.status_code == 302
    # 2,501 recipients in 1,000-row batches: two more INSERTs than the small send, nothing else
    assert big_queries <= small_queries + 2
    message = Message.objects.get(idempotency_key="big")
    rows = Recipient.objects.filter(message=message)
    assert rows.count() == before + 2500  # North's families and the crowd's
    assert rows.filter(status=Recipient.Status.SENT).count() == 2  # Elena Garcia and Many7
    events = AuditEvent.objects.filter(action="messaging.message_sent", target_id=str(message.pk))
    assert events.count() == 1
    assert events.get().after_data["sha256"] == body_digest(BODY)
    assert events.get().after_data["recipients"] == before + 2500


def test_a_one_family_send_resolves_its_recipients_once(client: Client, school: School) -> None:
    world = school.world
    client.force_login(world.users["teacher_north"])
    audience = f"family:{world.student_north.pk}"
    _send(client, audience, "warm")
    response, queries = _send(client, audience, "once")
    assert response.status_code == 302
    # session, user, district and grants (4); the audience check and its addressees, resolved
    # once (3: the district's family settings read once for guardians and adult students);
    # screening's approved apps and settings (2); the writes: thread and message in a savepoint
    # (no lookup of the idempotency key first: its unique index finds a double), recipients,
    # the e-mail task (one row, or on SQLite's immediate backend nothing until commit), the
    # thread's last message, the audit chain (head, event, head). A message that reaches no
    # student looks up no quiet hours; its e-mails are the task's work. 22 on SQLite (was 30),
    # 18 on PostgreSQL.
    assert queries <= (18 if connection.vendor == "postgresql" else 22), queries
    message = Message.objects.get(idempotency_key="once")
    assert list(message.recipients.values_list("person_id", flat=True)) == [world.guardian_north.pk]
