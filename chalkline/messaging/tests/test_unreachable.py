"""The "Unreachable families" page: guardians without an account and without a working e-mail,
for those who invite families (the principal for the building, the district office)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.messaging.services import record_message_bounce
from chalkline.messaging.tests.conftest import School
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import queue_mail
from chalkline.people.models import GuardianLink, Person
from conftest import PERSONAS, make_person

SEES = {"superintendent", "designee", "principal_north", "outsider"}  # outsider: their own district
URL = "messaging:unreachable"


@pytest.mark.parametrize("persona", PERSONAS)
def test_unreachable_role_matrix(client: Client, school: School, persona: str) -> None:
    client.force_login(school.world.users[persona])
    assert client.get(reverse(URL)).status_code == (200 if persona in SEES else 403), persona
    assert client.post(reverse(URL)).status_code == 405
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert (reverse(URL) in inbox) == (persona in SEES), persona
    if persona == "outsider":  # the superintendent of another district sees none of Prairie's
        assert "Okafor" not in client.get(reverse(URL)).content.decode()


def test_no_address_and_bounced_addresses_are_listed_with_counts(
    client: Client, school: School, settings: Any
) -> None:
    w = school.world
    nobody = make_person(
        w.district, kind=Person.Kind.GUARDIAN, given_name="Noor", family_name="Haddad", email=""
    )
    GuardianLink.objects.create(guardian=nobody, student=school.classmate)
    client.force_login(w.users["principal_north"])
    page = client.get(reverse(URL)).content.decode()
    assert "Noor Haddad" in page and "No account and no e-mail address" in page
    assert "Ada Okafor" not in page  # her e-mail works (nothing bounced)
    assert "Elena Garcia" not in page  # she has an account
    assert "<strong>1</strong> unreachable guardian" in page
    # every e-mail to Ada's address bounced: now she is unreachable too
    queue_mail(
        district=w.district,
        to=[school.classmate_guardian.email],
        subject="s",
        body="b",
        kind="messaging.message",
        ref_type="messaging.recipient",
        ref_id=999,
        by=None,
    )
    delivery = Delivery.objects.get(to=school.classmate_guardian.email)
    record_message_bounce(delivery_id=delivery.pk, reason="5.1.1")
    page = client.get(reverse(URL)).content.decode()
    assert "Ada Okafor" in page and "every e-mail to their address bounced" in page
    assert "<strong>2</strong> unreachable guardians" in page
    assert '<th scope="row">North Elementary</th><td>3</td><td>2</td>' in page


def test_a_principal_sees_only_their_buildings_families(client: Client, school: School) -> None:
    w = school.world
    south_student = make_person(w.district, kind=Person.Kind.STUDENT, building=w.south)
    far = make_person(
        w.district, kind=Person.Kind.GUARDIAN, given_name="Far", family_name="Away", email=""
    )
    GuardianLink.objects.create(guardian=far, student=south_student)
    client.force_login(w.users["principal_north"])
    assert "Far Away" not in client.get(reverse(URL)).content.decode()
    client.force_login(w.users["superintendent"])
    assert "Far Away" in client.get(reverse(URL)).content.decode()
