"""Quiet hours: staff-to-student messages written in the window are held (stored, archived,
not delivered) and released by ``release-held-messages`` when the window ends; urgent messages
from roles that may mark them go at once. The clock is frozen by passing ``now``/``--now``."""

from __future__ import annotations

import datetime
import threading
import zoneinfo
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import Message, Recipient, UrgentMark
from chalkline.messaging.services import (
    ReviewError,
    release_held_messages,
    set_building_quiet_hours,
    update_quiet_hours,
)
from chalkline.messaging.services.review import held_until_for, window_end
from chalkline.messaging.tests.conftest import School, emailed
from conftest import World

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
T = datetime.time


def _window(world: World, start: T, end: T) -> None:
    update_quiet_hours(
        district=world.district,
        by=world.users["superintendent"],
        quiet_start=start,
        quiet_end=end,
        time_zone="America/Chicago",
        escalate_after_school_days=2,
        non_school_days=[],
    )


def _window_around_now(world: World) -> None:
    """A two-hour window around the real clock, so that a send now is inside it."""
    local = timezone.now().astimezone(CHICAGO)
    start = (local - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    _window(world, start, end)


def _send_to_students(client: Client, school: School, who: str = "teacher_north", **extra: str):
    client.force_login(school.world.users[who])
    return client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_students:{school.math.pk}",
            "subject": "Tomorrow",
            "body": "Bring your calculators tomorrow.",
            "idempotency_key": extra.pop("key", "q-1"),
            **extra,
        },
    )


def test_the_window_end_crosses_midnight() -> None:
    window = (T(21, 0), T(7, 0))
    evening = datetime.datetime(2026, 12, 7, 22, 30, tzinfo=CHICAGO)
    early = datetime.datetime(2026, 12, 8, 6, 59, tzinfo=CHICAGO)
    day = datetime.datetime(2026, 12, 8, 7, 0, tzinfo=CHICAGO)
    expected = datetime.datetime(2026, 12, 8, 7, 0, tzinfo=CHICAGO)
    assert window_end(window, evening, CHICAGO) == expected
    assert window_end(window, early, CHICAGO) == expected
    assert window_end(window, day, CHICAGO) is None
    # the same instant seen in UTC
    assert window_end(window, evening.astimezone(datetime.UTC), CHICAGO) == expected


def test_a_building_narrows_but_never_widens(world: World) -> None:
    _window(world, T(21, 0), T(7, 0))
    admin = world.users["superintendent"]
    set_building_quiet_hours(
        building=world.north, by=admin, quiet_start=T(22, 0), quiet_end=T(6, 0)
    )
    late = datetime.datetime(2026, 12, 7, 21, 30, tzinfo=CHICAGO)
    assert held_until_for(district=world.district, building_id=world.north.pk, at=late) is None
    assert held_until_for(district=world.district, building_id=world.south.pk, at=late) == (
        datetime.datetime(2026, 12, 8, 7, 0, tzinfo=CHICAGO)
    )
    with pytest.raises(ReviewError, match="only narrow the district's window"):
        set_building_quiet_hours(
            building=world.south, by=admin, quiet_start=T(20, 0), quiet_end=T(7, 0)
        )
    with pytest.raises(ReviewError, match="both the start and the end"):
        set_building_quiet_hours(
            building=world.south, by=admin, quiet_start=T(22, 0), quiet_end=None
        )
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("messaging.quiet_hours_changed") == 2


def test_bad_settings_are_refused_naming_the_field(world: World) -> None:
    admin = world.users["superintendent"]
    with pytest.raises(ReviewError, match="Time zone"):
        update_quiet_hours(
            district=world.district,
            by=admin,
            quiet_start=T(21, 0),
            quiet_end=T(7, 0),
            time_zone="Mars/Olympus",
            escalate_after_school_days=2,
            non_school_days=[],
        )
    with pytest.raises(ReviewError, match="start and the end must differ"):
        _window(world, T(21, 0), T(21, 0))


def test_a_message_to_students_in_quiet_hours_is_held_then_released(
    client: Client, school: School
) -> None:
    w = school.world
    _window_around_now(w)
    assert _send_to_students(client, school).status_code == 302
    message = Message.objects.get()
    rows = list(Recipient.objects.filter(message=message))
    assert rows and all(r.status == Recipient.Status.HELD for r in rows)
    until = rows[0].held_until
    assert until is not None and until > message.sent_at
    # archived (the sender sees it, with the hold), but not delivered: Maria does not see it
    page = client.get(reverse("messaging:thread", args=[message.thread_id]))
    assert b"held for quiet hours" in page.content
    student = Client()
    student.force_login(w.users["student_north"])
    assert student.get(reverse("messaging:thread", args=[message.thread_id])).status_code == 404
    assert b"Tomorrow" not in student.get(reverse("messaging:inbox")).content
    # frozen clock: a minute before the end nothing moves; at the end it is delivered, once
    assert release_held_messages(now=until - datetime.timedelta(minutes=1)) == 0
    out = StringIO()
    call_command("release_held_messages", now=until.isoformat(), stdout=out)
    assert "Released 1 held messages" in out.getvalue()
    assert release_held_messages(now=until) == 0
    statuses = set(Recipient.objects.filter(message=message).values_list("status", flat=True))
    assert Recipient.Status.HELD not in statuses
    assert student.get(reverse("messaging:thread", args=[message.thread_id])).status_code == 200
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("messaging.message_held") == 1
    assert actions.count("messaging.message_released") == 1


def test_outside_quiet_hours_and_to_families_nothing_is_held(
    client: Client, school: School
) -> None:
    w = school.world
    _window_around_now(w)
    client.force_login(w.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose"),
        {
            "audience": f"class_families:{school.math.pk}",
            "subject": "Families",
            "body": "The field trip is on Friday.",
            "idempotency_key": "fam-1",
        },
    )
    assert response.status_code == 302
    assert not Recipient.objects.filter(status=Recipient.Status.HELD).exists()


def test_an_urgent_message_goes_at_once_with_its_reason_audited(
    client: Client, school: School
) -> None:
    w = school.world
    _window_around_now(w)
    response = _send_to_students(
        client, school, who="principal_north", urgent_reason="School is closed tomorrow (snow)"
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert UrgentMark.objects.get(message=message).reason == "School is closed tomorrow (snow)"
    assert not Recipient.objects.filter(status=Recipient.Status.HELD).exists()
    assert AuditEvent.objects.filter(action="messaging.message_marked_urgent").count() == 1
    page = client.get(reverse("messaging:thread", args=[message.thread_id]))
    assert b"Urgent" in page.content


def test_a_role_without_mark_urgent_cannot_mark_it_and_nothing_is_stored(
    client: Client, school: School
) -> None:
    _window_around_now(school.world)
    response = _send_to_students(client, school, urgent_reason="It cannot wait")
    assert response.status_code == 400
    assert b"your role may not mark messages urgent" in response.content
    assert not Message.objects.exists()
    assert not UrgentMark.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_release_runs_at_once_deliver_and_audit_each_message_once(school: School) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    w = school.world
    _window_around_now(w)
    for n in range(5):
        assert _send_to_students(Client(), school, key=f"race-{n}").status_code == 302
    later = timezone.now() + datetime.timedelta(hours=3)
    start = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            start.wait()
            counts.append(release_held_messages(now=later))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert sum(counts) == 5
    assert not Recipient.objects.filter(status=Recipient.Status.HELD).exists()
    assert AuditEvent.objects.filter(action="messaging.message_released").count() == 5


def test_the_quiet_hours_page(client: Client, school: School) -> None:
    w = school.world
    url = reverse("messaging:quiet_hours")
    client.force_login(w.users["superintendent"])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "part": "district",
            "quiet_start": "21:00",
            "quiet_end": "",
            "time_zone": "America/Chicago",
            "escalate_after_school_days": "2",
            "non_school_days": "2026-12-24\nnot a date",
        },
    )
    assert bad.status_code == 400
    assert b"Non-school days: line 2" in bad.content
    ok = client.post(
        url,
        {
            "part": "district",
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "time_zone": "America/Chicago",
            "escalate_after_school_days": "2",
            "non_school_days": "2026-12-24\n2026-12-25",
        },
    )
    assert ok.status_code == 302
    # the principal narrows their own building, cannot widen it, and cannot touch South
    client.force_login(w.users["principal_north"])
    page = client.get(url)
    assert page.status_code == 200 and b"South" not in page.content
    assert b"Save the district" not in page.content
    wide = client.post(url, {"building": w.north.pk, "quiet_start": "20:00", "quiet_end": "07:00"})
    assert wide.status_code == 400 and b"never widen" in wide.content
    narrow = client.post(
        url, {"building": w.north.pk, "quiet_start": "22:00", "quiet_end": "06:00"}
    )
    assert narrow.status_code == 302
    assert (
        client.post(
            url, {"building": w.south.pk, "quiet_start": "22:00", "quiet_end": "06:00"}
        ).status_code
        == 403
    )
    assert client.post(url, {"part": "district", "time_zone": "UTC"}).status_code == 403
    client.force_login(w.users["teacher_north"])
    assert client.get(url).status_code == 403


def test_a_held_delivery_is_emailed_when_released_and_journaled_once(
    client: Client, school: School, settings: Any
) -> None:
    """A held delivery goes by e-mail only when the window ends (an e-mail reader must not get
    it in quiet hours); the journal copy goes once, when the message is sent."""
    from chalkline.messaging.models import ContactPreference
    from chalkline.outbox.models import Delivery

    settings.MESSAGING_JOURNAL_ADDRESS = "journal@archive.example.org"
    w = school.world
    w.student_north.email = "maria.student@prairie.example.org"
    w.student_north.save(update_fields=["email"])
    ContactPreference.objects.create(
        person=w.student_north,
        channel=ContactPreference.Channel.EMAIL,
        cadence=ContactPreference.Cadence.IMMEDIATE,
    )
    _window_around_now(w)
    assert _send_to_students(client, school).status_code == 302
    message = emailed(Message.objects.get())  # the send's e-mail task: the journal copy only
    assert not Delivery.objects.filter(to=w.student_north.email).exists()
    assert Delivery.objects.filter(ref_type="messaging.journal").count() == 1
    until = Recipient.objects.filter(message=message).values_list("held_until", flat=True)[0]
    assert until is not None
    assert release_held_messages(now=until) == 1
    assert Delivery.objects.filter(to=w.student_north.email).count() == 1
    assert release_held_messages(now=until) == 0
    assert Delivery.objects.filter(to=w.student_north.email).count() == 1
    assert Delivery.objects.filter(ref_type="messaging.journal").count() == 1
