"""On PostgreSQL: eight browsers claiming one invitation at the same moment make one account
(one succeeds, seven are told the link was used), and a bulk invitation double-submitted by
eight requests at once sends each invitation once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Invitation
from chalkline.messaging.services import invite_people
from chalkline.messaging.tests.conftest import School
from chalkline.outbox.models import Delivery
from chalkline.people.models import Membership, User


def _race(n: int, call: Callable[[Client], int]) -> list[int]:
    start = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            client = Client()
            start.wait()
            statuses.append(call(client))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=one) for _ in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    return sorted(statuses)


def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_eight_browsers_claiming_at_once_make_one_account(school: School) -> None:
    _skip_unless_postgres()
    guardian = school.classmate_guardian
    invite_people(district=school.world.district, people=[guardian], by=None)
    body = Delivery.objects.get().body
    token = body.split("/messages/claim/", 1)[1].split("/", 1)[0]
    url = reverse("messaging:claim", args=[token])
    data = {"action": "password", "password1": "maple river lantern"}
    data["password2"] = data["password1"]

    statuses = _race(8, lambda c: c.post(url, data).status_code)

    assert statuses == [302] + [410] * 7
    user = User.objects.get(person=guardian)
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_bulk_invitation_submitted_eight_times_at_once_sends_once(school: School) -> None:
    _skip_unless_postgres()
    w = school.world
    principal = w.users["principal_north"]
    url = reverse("messaging:invitations_building", args=[w.north.pk])

    def post(client: Client) -> int:
        client.force_login(principal)
        return client.post(url, {"batch_key": "same-click"}).status_code

    assert _race(8, post) == [302] * 8
    assert Invitation.objects.count() == 1
    assert Delivery.objects.count() == 1
