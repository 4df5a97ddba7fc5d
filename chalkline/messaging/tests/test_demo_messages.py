"""`make demo` runs demo-data then demo-messages: the demo teacher, guardian and student each
have a thread to read and answer."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Message, StaffGroup, StaffGroupMember, Thread
from chalkline.people.models import User


@pytest.mark.django_db
def test_demo_messages_gives_each_demo_sign_in_something_to_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command("demo_messages")
    assert "4 demo threads" in capsys.readouterr().out
    call_command("demo_messages")  # again: nothing new
    assert Message.objects.count() == 4
    assert StaffGroup.objects.count() == 1 and StaffGroupMember.objects.count() == 5
    client = Client()
    for name in ("teacher", "guardian", "student"):
        user = User.objects.get(username=f"{name}@demo")
        client.force_login(user)
        inbox = client.get(reverse("messaging:inbox"))
        assert inbox.status_code == 200
        assert ">New<" in inbox.content.decode(), name
        thread = Thread.objects.filter(messages__recipients__user=user).first()
        assert thread is not None, name
        page = client.get(reverse("messaging:thread", args=[thread.pk]))
        assert b"Send reply" in page.content


@pytest.mark.django_db
def test_the_demo_teacher_is_in_a_staff_group_and_replies_to_the_whole_team() -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command("demo_messages")
    teacher = User.objects.get(username="teacher@demo")
    group = StaffGroup.objects.get()
    assert group.members.filter(person_id=teacher.person_id or 0).exists()
    thread = Thread.objects.get(audience_kind="staff_group")
    client = Client()
    client.force_login(teacher)
    assert client.get(reverse("messaging:staff_groups")).status_code == 200
    page = client.get(reverse("messaging:thread", args=[thread.pk]))
    assert "Your reply goes to everyone in the group now" in page.text
    response = client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "Wednesday works for me.", "idempotency_key": "demo-reply"},
    )
    assert response.status_code == 302
    reply = Message.objects.get(idempotency_key="demo-reply")
    # the keeper who wrote and the four colleagues (the keeper may be one of them)
    keeper = thread.started_by
    expected = set(group.members.values_list("person_id", flat=True)) | {keeper.person_id}
    expected.discard(teacher.person_id)
    reached = set(reply.recipients.values_list("person_id", flat=True))
    assert reached == expected and len(reached) >= 4
