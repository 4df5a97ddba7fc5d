"""Every persona against every messaging view: the inbox, the composer, a thread (sent by the
North teacher to Maria Garcia's family), and the POST views."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.messaging import access
from chalkline.messaging.models import Message, Thread
from chalkline.messaging.services import start_thread
from chalkline.messaging.tests.conftest import School
from conftest import PERSONAS

WRITES_TO_CLASSES = {
    "superintendent",
    "designee",
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "teacher_north",
    "teacher_south",
    "outsider",  # in their own district
    "guardian_north",  # to the child's teacher (the school fixture enrolls Maria in Math 4)
}
IN_THE_THREAD = {"teacher_north", "guardian_north"}


def _thread(school: School) -> Thread:
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "family", str(w.student_north.pk))
    message = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Quiz",
        body="The quiz is on Friday.",
        idempotency_key="m1",
    )
    return message.thread


@pytest.mark.parametrize("persona", PERSONAS)
def test_messaging_get_matrix(client: Client, school: School, persona: str) -> None:
    thread = _thread(school)
    client.force_login(school.world.users[persona])
    assert client.get(reverse("messaging:inbox")).status_code == 200
    compose = client.get(reverse("messaging:compose")).status_code
    assert compose == (200 if persona in WRITES_TO_CLASSES else 403), persona
    page = client.get(reverse("messaging:thread", args=[thread.pk])).status_code
    assert page == (200 if persona in IN_THE_THREAD else 404), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_messaging_post_matrix(client: Client, school: School, persona: str) -> None:
    thread = _thread(school)
    message = Message.objects.get(thread=thread)
    client.force_login(school.world.users[persona])
    data = {"body": "Thank you", "idempotency_key": f"r-{persona}"}
    check = client.post(reverse("messaging:reply_check", args=[thread.pk]), data).status_code
    reply = client.post(reverse("messaging:reply", args=[thread.pk]), data).status_code
    retract = client.post(reverse("messaging:retract", args=[message.pk])).status_code
    compose_check = client.post(
        reverse("messaging:compose_check"),
        {"audience": f"class_families:{school.math.pk}", "subject": "s", "body": "b"},
    ).status_code
    if persona in IN_THE_THREAD:
        assert (check, reply) == (200, 302), persona
        assert retract == 302 if persona == "teacher_north" else retract == 403, persona
    else:
        assert (check, reply, retract) == (404, 404, 404), persona
    allowed_check = {"teacher_north", "principal_north", "superintendent", "designee"}
    expected = 200 if persona in allowed_check else 403
    assert compose_check == expected, persona


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, school: School) -> None:
    thread = _thread(school)
    for url in (
        reverse("messaging:inbox"),
        reverse("messaging:compose"),
        reverse("messaging:thread", args=[thread.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# who finds Maria Garcia's family through the composer's search (?find=, htmx or not)
FINDS_MARIA = {"teacher_north", "principal_north", "superintendent", "designee"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_composer_search_matrix(client: Client, school: School, persona: str) -> None:
    client.force_login(school.world.users[persona])
    expected = 200 if persona in WRITES_TO_CLASSES else 403
    page = client.get(reverse("messaging:compose"), {"find": "garcia"})
    assert page.status_code == expected, persona
    # the results as htmx asks for them (the page shows the search only at a big school)
    partial = client.get(
        reverse("messaging:compose"), {"find": "garcia"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == expected, persona
    found = f"?to=family%3A{school.world.student_north.pk}".encode() in partial.content
    assert found == (persona in FINDS_MARIA), persona
