"""`make demo` runs demo-data then demo-messages: the demo teacher, guardian and student each
have a thread to read and answer."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Message, Thread
from chalkline.people.models import User


@pytest.mark.django_db
def test_demo_messages_gives_each_demo_sign_in_something_to_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command("demo_messages")
    assert "3 demo threads" in capsys.readouterr().out
    call_command("demo_messages")  # again: nothing new
    assert Message.objects.count() == 3
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
