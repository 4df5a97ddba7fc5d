"""`make demo` runs demo-review-queue: the demo principal has an override waiting."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import ReviewItem
from chalkline.people.models import User


@pytest.mark.django_db
def test_the_demo_principal_has_an_override_to_review(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command("demo_review_queue")
    call_command("demo_review_queue")  # again: nothing new
    assert "an override waits for the building principal" in capsys.readouterr().out
    item = ReviewItem.objects.get()
    assert (item.kind, item.level, item.status) == ("override", "principal", "open")
    client = Client()
    client.force_login(User.objects.get(username="principal@demo"))
    queue = client.get(reverse("messaging:review_queue"))
    assert b"Reaching me this week" in queue.content
    assert client.get(reverse("messaging:review_item", args=[item.pk])).status_code == 200
