"""`make demo`: the demo teacher's field-trip message carries the permission form (a real PDF),
which the demo guardian downloads; running the demo again stores nothing new."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import Attachment, Recipient
from chalkline.people.models import User


@pytest.mark.django_db
def test_the_demo_field_trip_message_has_its_permission_form() -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command("demo_messages")
    call_command("demo_messages")
    (form,) = Attachment.objects.all()
    assert (form.filename, form.content_type) == ("permission-form.pdf", "application/pdf")
    guardian = User.objects.get(username="guardian@demo")
    assert Recipient.objects.filter(message=form.message, user=guardian).exists()
    client = Client()
    client.force_login(guardian)
    response = client.get(reverse("messaging:attachment", args=[form.message_id, 0]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
