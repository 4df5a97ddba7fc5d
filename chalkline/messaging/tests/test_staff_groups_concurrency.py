"""On PostgreSQL: two keepers adding the same staff member at the same moment, and two creating
groups of the same name, leave one row each and one audit event each; the loser gets the
field-named error, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import StaffGroup, StaffGroupMember
from chalkline.messaging.services import create_staff_group
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import User


def _race(n: int, post: Callable[[Client], int], login: Sequence[User]) -> list[int]:
    start = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = Client()
            client.force_login(login[i % len(login)])
            start.wait()
            statuses.append(post(client))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    return statuses


@pytest.mark.django_db(transaction=True)
def test_adding_the_same_member_at_once_adds_them_once(school: School) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    w = school.world
    group = create_staff_group(
        district=w.district,
        building=w.north,
        name="Team",
        description="",
        by=w.users["superintendent"],
    )
    url = reverse("messaging:staff_group_add_member", args=[group.pk])
    keepers = [w.users["principal_north"], w.users["superintendent"]]
    statuses = _race(6, lambda c: c.post(url, {"person": w.staff_north.pk}).status_code, keepers)
    assert statuses == [302] * 6  # the losers are told "already in the group"
    assert StaffGroupMember.objects.filter(group=group).count() == 1
    added = AuditEvent.objects.filter(action="messaging.staff_group_member_added")
    assert added.count() == 1


@pytest.mark.django_db(transaction=True)
def test_creating_the_same_name_at_once_makes_one_group(school: School) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    w = school.world
    url = reverse("messaging:staff_groups")
    data = {"name": "Coaches", "where": "district"}
    keepers = [w.users["superintendent"], w.users["designee"]]
    statuses = _race(6, lambda c: c.post(url, data).status_code, keepers)
    assert sorted(statuses) == [302] + [400] * 5
    assert StaffGroup.objects.count() == 1
    assert AuditEvent.objects.filter(action="messaging.staff_group_created").count() == 1
