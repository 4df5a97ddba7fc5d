"""The pictured-students step for replies, with the audience the reply really reaches: a staff
reply in their own class-wide thread goes to the whole class again and is asked who is pictured
(a student without a media release blocks it); a reply to one family (that student's own) or a
private reply to a wide thread's sender (one staff member) is not asked, as a new message to
them is not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Attachment, BlockedAttempt, Message, Thread
from chalkline.messaging.tests.conftest import School
from chalkline.messaging.tests.test_attachments import _post, _upload, class_photo
from chalkline.people.models import Person

ASKED = b"Who is in the photo?"


@pytest.fixture(autouse=True)
def releases_known(school: School) -> None:
    Person.objects.filter(kind=Person.Kind.STUDENT).update(media_release_known=True)


def _thread(client: Client, school: School, audience: str) -> Thread:
    client.force_login(school.world.users["teacher_north"])
    response = _post(client, school, audience=audience, key=f"start-{audience}")
    assert response.status_code == 302, response.content
    return Message.objects.order_by("-pk").first().thread  # type: ignore[union-attr]


def _reply(client: Client, thread: Thread, key: str, **data: Any) -> Any:
    return client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "Photos from today.", "idempotency_key": key, **data},
    )


def test_a_staff_reply_with_faces_to_their_class_thread_asks_who_is_pictured(
    client: Client, school: School
) -> None:
    w = school.world
    Person.objects.filter(pk=school.classmate.pk).update(media_release=False)
    thread = _thread(client, school, f"class_families:{school.math.pk}")
    # the htmx check asks at once
    check = client.post(
        reverse("messaging:reply_check", args=[thread.pk]),
        {
            "body": "Photos.",
            "idempotency_key": "c",
            "attachments": [_upload("a.jpg", class_photo(2))],
        },
        HTTP_HX_REQUEST="true",
    )
    assert ASKED in check.content and b"no media release" in check.content
    asked = _reply(client, thread, "r1", attachments=[_upload("trip.jpg", class_photo(3))])
    assert asked.status_code == 400
    assert ASKED in asked.content and b"Liam Okafor" in asked.content
    assert Message.objects.count() == 1 and BlockedAttempt.objects.count() == 0
    (staged, token) = asked.context["staged"][0]
    assert staged.faces == 3
    blocked = _reply(client, thread, "r1", kept=[token], pictured=[str(school.classmate.pk)])
    assert blocked.status_code == 400
    assert b"shows Liam Okafor, who has no media release" in blocked.content
    attempt = BlockedAttempt.objects.get()
    assert attempt.detectors == ["photo_face"] and attempt.thread == thread
    assert Message.objects.count() == 1
    sent = _reply(client, thread, "r1", kept=[token], pictured=[str(w.student_north.pk)])
    assert sent.status_code == 302
    (att,) = Attachment.objects.all()
    assert att.message.thread == thread and att.pictured == [w.student_north.pk]


def test_a_reply_to_the_students_own_family_is_not_asked(client: Client, school: School) -> None:
    w = school.world
    Person.objects.filter(pk=w.student_north.pk).update(media_release=False)
    thread = _thread(client, school, f"family:{w.student_north.pk}")
    response = _reply(
        client,
        thread,
        "r1",
        attachments=[_upload("maria.jpg", class_photo(1))],
        reason="Her family asked for the photo.",
    )
    assert ASKED not in response.content
    assert response.status_code == 302, response.content
    assert Attachment.objects.get().message.thread == thread


def test_a_guardians_private_reply_to_the_class_threads_sender_is_not_asked(
    client: Client, school: School
) -> None:
    w = school.world
    Person.objects.filter(kind=Person.Kind.STUDENT).update(media_release=False)
    thread = _thread(client, school, f"class_families:{school.math.pk}")
    client.force_login(w.users["guardian_north"])
    response = _reply(client, thread, "g1", attachments=[_upload("us.jpg", class_photo(2))])
    assert ASKED not in response.content
    assert response.status_code == 302, response.content
    reply = Message.objects.get(sender=w.users["guardian_north"])
    assert reply.thread.parent == thread  # privately to the teacher: staff only
    assert reply.attachments.get().pictured == []
