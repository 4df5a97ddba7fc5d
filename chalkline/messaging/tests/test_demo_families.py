"""`make demo` runs demo-families: the demo guardian has preferences, and the registrar's and
principal's invitations page has families invited and families waiting to be invited."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.messaging.models import ContactPreference, Invitation
from chalkline.people.models import User


@pytest.mark.django_db
def test_demo_families_sets_preferences_and_leaves_invitations_to_send(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "30", "--seed", "2"
    )
    call_command("demo_families")
    assert "3 invitations" in capsys.readouterr().out
    call_command("demo_families")  # again: nothing new
    assert Invitation.objects.count() == 3
    guardian = User.objects.get(username="guardian@demo")
    pref = ContactPreference.objects.get(person=guardian.person)
    assert (pref.cadence, pref.language) == ("digest", "es")
    client = Client()
    for name in ("registrar", "principal"):
        client.force_login(User.objects.get(username=f"{name}@demo"))
        page = client.get(reverse("messaging:invitations"), follow=True)
        html = page.content.decode()
        assert page.status_code == 200, name
        assert "Invite everyone not yet invited" in html, name
        assert "Invited: <strong>3</strong>" in html, name
