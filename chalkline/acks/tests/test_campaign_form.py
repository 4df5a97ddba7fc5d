"""The New campaign form: duplicates need a reason; buildings are checkboxes with a filter; the
school year is filled in; the date help matches the date picker; the district's zone comes first."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import Campaign
from chalkline.audit.models import AuditEvent
from conftest import World

from .helpers import make_campaign, published_policy


def _form_data(version_pk: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Second 5:125 campaign",
        "school_year": "2026-2027",
        "due_on": "2026-12-31",
        "versions": [version_pk],
        "include_new_hires": "on",
        "new_hire_days": "30",
        "escalate_superintendent_after_days": "14",
        **extra,
    }


def test_a_second_campaign_for_the_same_text_and_year_is_refused_without_a_reason(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    first = make_campaign(world.district, version=version, school_year="2026-2027")
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("acks:campaign_new"), _form_data(version.pk))
    assert response.status_code == 400
    assert b"Staff would be asked to sign the same text twice" in response.content
    assert reverse("acks:campaign", args=[first.pk]).encode() in response.content
    assert b'name="duplicate_reason"' in response.content
    assert Campaign.objects.count() == 1


def test_a_second_campaign_goes_on_with_a_reason_and_the_reason_is_audited(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    first = make_campaign(world.district, version=version, school_year="2026-2027")
    client.force_login(world.users["superintendent"])
    response = client.post(
        reverse("acks:campaign_new"),
        _form_data(version.pk, duplicate_reason="The first one went to the wrong buildings."),
    )
    assert response.status_code == 302
    second = Campaign.objects.exclude(pk=first.pk).get()
    event = AuditEvent.objects.get(action="acks.campaign_created", target_id=str(second.pk))
    after = json.loads(event.after)
    assert after["duplicate_of"] == [first.pk]
    assert after["duplicate_reason"] == "The first one went to the wrong buildings."


def test_another_school_year_is_not_a_duplicate(world: World, client: Client) -> None:
    version = published_policy(world.district)
    make_campaign(world.district, version=version, school_year="2025-2026")
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("acks:campaign_new"), _form_data(version.pk))
    assert response.status_code == 302
    assert Campaign.objects.count() == 2
