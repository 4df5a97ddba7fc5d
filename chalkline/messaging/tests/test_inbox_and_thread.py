"""The inbox and the thread page: read status, retraction, private replies, guardian copies."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Recipient, Thread
from chalkline.messaging.tests.conftest import School


def _send(
    client: Client, school: School, audience: str, body: str = "Bring a calculator."
) -> Thread:
    client.force_login(school.world.users["teacher_north"])
    response = client.post(
        reverse("messaging:compose"),
        {"audience": audience, "subject": "Math", "body": body, "idempotency_key": audience},
    )
    assert response.status_code == 302
    return Thread.objects.get(audience_kind=audience.split(":")[0])


def test_the_guardian_reads_and_the_sender_sees_it_read(client: Client, school: School) -> None:
    w = school.world
    thread = _send(client, school, f"class_families:{school.math.pk}")
    client.force_login(w.users["guardian_north"])
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "Math" in inbox and ">New<" in inbox
    page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "Bring a calculator." in page
    assert "goes privately to Tess Teacher" in page
    mine = Recipient.objects.get(person=w.guardian_north)
    assert mine.status == "read" and mine.read_at is not None
    assert ">New<" not in client.get(reverse("messaging:inbox")).content.decode()
    client.force_login(w.users["teacher_north"])
    page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "1 read, 0 in the inbox, 1 queued" in page


def test_a_retracted_message_is_hidden_from_recipients_not_from_the_sender(
    client: Client, school: School
) -> None:
    w = school.world
    thread = _send(client, school, f"family:{w.student_north.pk}", "The quiz is Thursday.")
    message = thread.messages.get()
    response = client.post(reverse("messaging:retract", args=[message.pk]))
    assert response.status_code == 302
    own = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "You retracted this message" in own and "The quiz is Thursday." in own
    client.force_login(w.users["guardian_north"])
    theirs = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "retracted by its sender" in theirs
    assert "The quiz is Thursday." not in theirs


def test_a_guardian_reply_in_a_family_thread_reaches_the_teacher(
    client: Client, school: School
) -> None:
    w = school.world
    thread = _send(client, school, f"family:{w.student_north.pk}")
    client.force_login(w.users["guardian_north"])
    response = client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "We will, thanks.", "idempotency_key": "g1"},
    )
    assert response["Location"] == reverse("messaging:thread", args=[thread.pk])
    reply = thread.messages.get(sender=w.users["guardian_north"])
    assert list(reply.recipients.values_list("user_id", flat=True)) == [w.users["teacher_north"].pk]
    client.force_login(w.users["teacher_north"])
    assert ">New<" in client.get(reverse("messaging:inbox")).content.decode()


def test_guardians_see_staff_student_threads_through_grade_8_only(
    client: Client, school: School
) -> None:
    w = school.world
    school.classmate.grade = "10"
    school.classmate.save(update_fields=["grade"])
    thread = _send(client, school, f"class_students:{school.math.pk}")
    copies = Recipient.objects.filter(copy_of_student__isnull=False)
    assert list(copies.values_list("person_id", flat=True)) == [w.guardian_north.pk]
    client.force_login(w.users["guardian_north"])
    page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "between school staff and your child" in page


def test_a_students_private_reply_is_copied_to_guardians_but_not_a_disclosure(
    client: Client, school: School
) -> None:
    w = school.world
    thread = _send(client, school, f"class_students:{school.math.pk}")
    client.force_login(w.users["student_north"])
    ok = client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "I finished the worksheet.", "idempotency_key": "s1"},
    )
    private = Thread.objects.get(parent=thread)
    assert ok["Location"] == reverse("messaging:thread", args=[private.pk])
    first = private.messages.get()
    assert set(first.recipients.values_list("person_id", flat=True)) == {
        w.users["teacher_north"].person_id,
        w.guardian_north.pk,  # staff-student conversations are shown to the family
    }
    disclosure = "My stepdad hits me when I'm late."
    client.post(
        reverse("messaging:reply", args=[private.pk]),
        {"body": disclosure, "idempotency_key": "s2"},
    )
    second = private.messages.get(body=disclosure)
    assert list(second.recipients.values_list("user_id", flat=True)) == [
        w.users["teacher_north"].pk
    ]
    client.force_login(w.users["guardian_north"])
    page = client.get(reverse("messaging:thread", args=[private.pk])).content.decode()
    assert "I finished the worksheet." in page
    assert "stepdad" not in page
    client.force_login(w.users["teacher_north"])
    page = client.get(reverse("messaging:thread", args=[private.pk])).content.decode()
    assert "stepdad" in page
